/**
 * Verbatim as the performance benchmark drives it: the real loader, Library, answer path,
 * autocomplete and renderer, and the persisted index (src/indexing/store.ts). Kept apart from
 * bench/perf.ts so the baselines' children never load Verbatim's modules.
 */
import { loadCorpus } from '../src/library/load.js';
import { openLibrary, saveLibrary, scanCorpus } from '../src/library/snapshot-store.js';
import { SILENT_LOGGER } from '../src/core/log.js';
import { answerQuestion } from '../src/answer/answer.js';
import { renderAnswer } from '../src/present/console.js';
import { TERM_PROCESSING_VERSION } from '../src/text/analyze.js';
import { suggestCompletions } from '../src/answer/keywords.js';
import { Library } from '../src/library/library.js';
import { SegmentedIndex } from '../src/index/segmented-index.js';
import { SegmentWorkers } from '../src/index/segment-workers.js';

/** BENCH_SEGMENT_PASSAGES overrides the segment cap, to measure other sizes of segments. */
const SEGMENT_PASSAGES = Number(process.env['BENCH_SEGMENT_PASSAGES'] ?? '') || undefined;
/** BENCH_INDEX_WORKERS: the segments in this many worker threads (INDEX_WORKERS); 0: none. */
const INDEX_WORKERS = Number(process.env['BENCH_INDEX_WORKERS'] ?? '') || 0;

/** What bench/perf.ts calls; see its System interface. */
export interface VerbatimSystem {
  build(corpusDir: string): Promise<{ readMs: number }>;
  save(dir: string): Promise<number>;
  load(dir: string, corpusDir: string): Promise<{ firstAnswerMs: number }>;
  ask(question: string): Promise<{ text: string; results: number }>;
  complete(partial: string): readonly string[];
  close(): Promise<void>;
}

/** The question asked as soon as a loading Library can answer, to time the first answer. */
const FIRST_QUESTION = 'What did the minister say about the talks?';

/** A pool of INDEX_WORKERS workers, if any. */
function newWorkers(): SegmentWorkers | undefined {
  return INDEX_WORKERS > 0 ? new SegmentWorkers(INDEX_WORKERS) : undefined;
}

/** The segmented index's options: the benchmark's segment cap and a new pool, if any. */
function segmentOptions(): ConstructorParameters<typeof SegmentedIndex>[0] {
  const workers = newWorkers();
  return {
    ...(SEGMENT_PASSAGES === undefined ? {} : { segmentPassages: SEGMENT_PASSAGES }),
    ...(workers === undefined ? {} : { workers }),
  };
}

/** A Verbatim instance for one benchmark child. */
export function createVerbatimSystem(options: {
  answerLimit: number;
  completionLimit: number;
}): VerbatimSystem {
  let library = Library.build([]);
  let corpus = '';
  return {
    async build(corpusDir) {
      corpus = corpusDir;
      const started = performance.now();
      const { articles } = await loadCorpus(corpusDir);
      const readMs = performance.now() - started;
      await library.close();
      library = Library.build(articles, new SegmentedIndex(segmentOptions()));
      // Index workers take their passages without answering; a search, which each worker
      // answers after the messages before it, makes the build figure include their indexing.
      await library.searchTermGroups([['news']], { limit: 1 });
      library.warm(); // as the bot does at start
      return { readMs };
    },
    async save(dir) {
      const scan = await scanCorpus(corpus);
      const { bytes } = await saveLibrary(dir, library, {
        fingerprint: scan.fingerprint,
        termProcessingVersion: TERM_PROCESSING_VERSION,
        files: scan.files,
        problems: [],
      });
      return bytes;
    },
    async load(dir, corpusDir) {
      // A start-up with an unchanged corpus: fingerprint the files, load the snapshot.
      await library.close();
      library = Library.build([]);
      const workers = newWorkers();
      const started = performance.now();
      // As the bot does: the Library answers as soon as its newest segment is in.
      let firstAnswer: Promise<number> = Promise.resolve(NaN);
      const opened = await openLibrary({
        corpusDir,
        dataDir: dir,
        logger: SILENT_LOGGER,
        ...(workers === undefined ? {} : { workers }),
        onSearchable: (early) => {
          early.warm();
          firstAnswer = answerQuestion(early, FIRST_QUESTION).then(
            () => performance.now() - started,
          );
        },
      });
      if (opened.how !== 'loaded')
        throw new Error(`expected the persisted index to load, got "${opened.how}"`);
      library = opened.library;
      library.warm(); // as the bot does at start
      return { firstAnswerMs: await firstAnswer };
    },
    async ask(question) {
      const answer = await answerQuestion(library, question, { limit: options.answerLimit });
      return { text: renderAnswer(answer, 'markdown'), results: answer.results.length };
    },
    complete(partial) {
      return suggestCompletions(library, partial, options.completionLimit);
    },
    close() {
      return library.close();
    },
  };
}
