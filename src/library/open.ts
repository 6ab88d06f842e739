/**
 * Opening the corpus for serving: load the files, report their problems through the logger, and
 * build the Library. Entry points (console, CLI, bot) all start here.
 */
import type pg from 'pg';
import type { Logger } from '../core/log.js';
import { formatProblem, type IngestProblem } from '../text/parse.js';
import { ENVELOPE_PASSAGES, Library } from './library.js';
import { createProgressReporter } from './progress.js';
import { openLibrary } from './snapshot-store.js';
import { loadCorpus, type CorpusFile } from './load.js';
import { openSharedCorpus, type SharedCorpus } from './shared-corpus.js';
import { SegmentedIndex } from '../index/segmented-index.js';
import { SegmentWorkers } from '../index/segment-workers.js';

/** A served corpus: the Library and what loading it found. */
export interface OpenedCorpus {
  readonly library: Library;
  readonly problems: readonly IngestProblem[];
  readonly files: readonly CorpusFile[];
  /** When loading finished (ms since epoch), for /about. */
  readonly loadedAt: number;
  /** With `sharedSearch`: the corpus shared through PostgreSQL, which the watcher writes to. */
  readonly shared: SharedCorpus | null;
}

/** How `openCorpus` persists and reports. */
export interface OpenCorpusOptions {
  /**
   * DATA_DIR: load the persisted index when the corpus is unchanged, re-read only changed files
   * otherwise, and persist what was built (src/indexing/store.ts). Absent: build in memory.
   */
  readonly dataDir?: string;
  /**
   * A migrated PostgreSQL (SEARCH_BACKEND=postgres): the Library searches the shared index
   * there, and only articles the database does not hold as the files do are indexed
   * (src/library/shared-corpus.ts). Takes the place of `dataDir`'s snapshot.
   */
  readonly sharedSearch?: pg.Pool;
  /**
   * INDEX_WORKERS: worker threads holding and searching the in-process index's segments
   * (src/index/segment-workers.ts); 0 or absent keeps them in this thread. The Library's
   * `close` ends them.
   */
  readonly indexWorkers?: number;
  /**
   * With `dataDir`: given the Library as soon as it answers from the segments of its snapshot
   * restored so far, newest first (src/library/snapshot-store.ts), before `openCorpus` resolves.
   */
  readonly onSearchable?: (library: Library) => void;
}

/** Says at start when the corpus is past what MiniSearch in this process answers in time. */
function warnPastEnvelope(library: Library, logger: Logger): void {
  if (library.passageCount > ENVELOPE_PASSAGES)
    logger.warn(
      `${library.passageCount} passages: past ${ENVELOPE_PASSAGES} /ask slows beyond 300 ms at p99 with MiniSearch in this process; SEARCH_BACKEND=postgres keeps the corpus out of this process's memory, shares it between processes and at 1M passages answers within 500 ms at p99 (see the README's Scaling out)`,
    );
}

/**
 * Loads `dir` and builds (or, with a DATA_DIR, loads) its Library; each problem is logged as a
 * warning, never thrown. A long build shows progress on a terminal, or logs it.
 */
export async function openCorpus(
  dir: string,
  logger: Logger,
  now: () => number = Date.now,
  options: OpenCorpusOptions = {},
): Promise<OpenedCorpus> {
  if (options.sharedSearch !== undefined) {
    const loaded = await loadCorpus(dir);
    for (const problem of loaded.problems) logger.warn(`corpus: ${formatProblem(problem)}`);
    const shared = await openSharedCorpus(options.sharedSearch, loaded.articles, logger);
    logger.info('search on PostgreSQL', {
      articles_unchanged: shared.start.unchanged,
      articles_written: shared.start.written,
      articles_removed: shared.start.removed,
      ms: Math.round(shared.start.ms),
    });
    return {
      library: shared.library,
      problems: loaded.problems,
      files: loaded.files,
      loadedAt: now(),
      shared,
    };
  }
  const workers =
    (options.indexWorkers ?? 0) > 0 ? new SegmentWorkers(options.indexWorkers!) : undefined;
  try {
    return await openInProcess(dir, logger, now, options, workers);
  } catch (error) {
    await workers?.close();
    throw error;
  }
}

/** `openCorpus` on the in-process index, its segments in `workers` if given. */
async function openInProcess(
  dir: string,
  logger: Logger,
  now: () => number,
  options: Pick<OpenCorpusOptions, 'dataDir' | 'onSearchable'>,
  workers: SegmentWorkers | undefined,
): Promise<OpenedCorpus> {
  const { dataDir, onSearchable } = options;
  if (dataDir !== undefined) {
    const progress = createProgressReporter({
      logger,
      tty: process.stderr.isTTY ? process.stderr : null,
    });
    const opened = await openLibrary({
      corpusDir: dir,
      dataDir,
      logger,
      onProgress: progress,
      ...(workers === undefined ? {} : { workers }),
      ...(onSearchable === undefined ? {} : { onSearchable }),
    });
    progress.finish();
    logger.debug(`index ${opened.how}: ${opened.library.passageCount} passages`);
    warnPastEnvelope(opened.library, logger);
    return {
      library: opened.library,
      problems: opened.problems,
      files: opened.files,
      loadedAt: now(),
      shared: null,
    };
  }
  const loaded = await loadCorpus(dir);
  for (const problem of loaded.problems) logger.warn(`corpus: ${formatProblem(problem)}`);
  const library = Library.build(
    loaded.articles,
    new SegmentedIndex(workers === undefined ? {} : { workers }),
  );
  warnPastEnvelope(library, logger);
  return { library, problems: loaded.problems, files: loaded.files, loadedAt: now(), shared: null };
}
