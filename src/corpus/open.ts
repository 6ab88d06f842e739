/**
 * Opening the corpus for serving: load the files, report their problems through the logger, and
 * build the Library. Entry points (console, CLI, bot) all start here.
 */
import type { Logger } from '../log.js';
import { formatProblem, type IngestProblem } from '../ingest/parse.js';
import { Library } from '../search/library.js';
import { loadCorpus, type CorpusFile } from './load.js';

/** A served corpus: the Library and what loading it found. */
export interface OpenedCorpus {
  readonly library: Library;
  readonly problems: readonly IngestProblem[];
  readonly files: readonly CorpusFile[];
  /** When loading finished (ms since epoch), for /about. */
  readonly loadedAt: number;
}

/** Loads `dir` and builds its Library; each problem is logged as a warning, never thrown. */
export async function openCorpus(dir: string, logger: Logger, now: () => number = Date.now): Promise<OpenedCorpus> {
  const loaded = await loadCorpus(dir);
  for (const problem of loaded.problems) logger.warn(`corpus: ${formatProblem(problem)}`);
  const library = Library.build(loaded.articles);
  return { library, problems: loaded.problems, files: loaded.files, loadedAt: now() };
}
