/**
 * Keeps a served Library in step with the corpus folder while the bot runs: a file added,
 * changed or removed is re-read and its articles upserted or removed (`Library.upsert` /
 * `remove`: the index's delta segment takes the new postings), never a full rebuild. Changes are noticed by
 * `fs.watch` (debounced) and, as a fallback where watching is unreliable, by a periodic scan of
 * sizes and modification times.
 */
import { watch, type FSWatcher } from 'node:fs';
import type { Article } from '../core/types.js';
import type { Logger } from '../core/log.js';
import { formatProblem, type ParseOptions } from '../text/parse.js';
import type { Library, UpsertResult } from './library.js';
import {
  listCorpusFiles,
  loadCorpusFileAsync,
  readCorpusOptions,
  type CorpusFile,
} from './load.js';
import { pauseEvery } from '../core/event-loop.js';

/** What one scan changed, by article id. */
export interface CorpusChange {
  /** Articles added or whose text or metadata changed. */
  readonly upserted: readonly string[];
  readonly removed: readonly string[];
  /** Files re-read. */
  readonly files: readonly string[];
}

/** Where a watcher writes what changed: the Library itself, or a corpus shared by processes. */
interface CorpusWriter {
  upsertAsync(articles: Iterable<Article>, pause: () => Promise<void>): Promise<UpsertResult>;
  removeAsync(docIds: Iterable<string>, pause: () => Promise<void>): Promise<string[]>;
}

/** Settings of a watcher; all optional. */
export interface WatchOptions {
  readonly logger: Logger;
  /** Called after each scan that changed the Library (e.g. to note new passages for digests). */
  readonly onChange?: (change: CorpusChange) => void;
  /** The files as loaded at start (from `openCorpus`); default: listed now. */
  readonly initialFiles?: readonly CorpusFile[];
  /** Quiet time after a file event before scanning, ms; default 300. */
  readonly debounceMs?: number;
  /** Fallback scan period, ms; default 5 000; 0 turns it off. */
  readonly pollMs?: number;
  /**
   * Where changes go; default the Library. The shared corpus (SEARCH_BACKEND=postgres,
   * src/library/shared-corpus.ts) writes them to the database, and its Library follows.
   */
  readonly writer?: CorpusWriter;
}

/** A running watcher. */
export interface CorpusWatcher {
  /** Scans now and applies what changed (also what the events and the poll call). */
  rescan(): Promise<CorpusChange>;
  close(): void;
}

function fingerprint(file: CorpusFile): string {
  return `${file.size}:${file.mtimeMs}`;
}

/** Starts watching `dir` and updating `library` in place. */
export async function watchCorpus(
  dir: string,
  library: () => Library,
  options: WatchOptions,
): Promise<CorpusWatcher> {
  const { logger } = options;
  const writer = (): CorpusWriter => options.writer ?? library();
  const initial = await readCorpusOptions(dir);
  let parseOptions: ParseOptions = initial.options;
  // The problems of .corpus.json last reported (at start openCorpus reported them), so an edit
  // is reported once, not at every scan.
  let reportedSettings = initial.problems.map(formatProblem).join('\n');
  const readSettings = async (): Promise<void> => {
    const read = await readCorpusOptions(dir);
    const problems = read.problems.map(formatProblem).join('\n');
    if (problems !== reportedSettings) {
      for (const line of read.problems.map(formatProblem))
        logger.warn(`corpus: ${line}; keeping the settings in use`);
      if (problems === '') logger.info('corpus: .corpus.json read again without problems');
      reportedSettings = problems;
    }
    // A bad file keeps the settings in use: dropping them would change how new files are read.
    if (read.problems.length === 0) parseOptions = read.options;
  };
  const known = new Map<string, string>();
  for (const file of options.initialFiles ?? (await listCorpusFiles(dir).catch(() => [])))
    known.set(file.path, fingerprint(file));
  const idsByFile = new Map<string, Set<string>>();
  for (const article of library().articles()) {
    const ids = idsByFile.get(article.origin.file) ?? new Set<string>();
    ids.add(article.id);
    idsByFile.set(article.origin.file, ids);
  }

  const scanOnce = async (): Promise<CorpusChange> => {
    await readSettings();
    const files = await listCorpusFiles(dir);
    const seen = new Set<string>();
    const upserted: string[] = [];
    const removed: string[] = [];
    const touched: string[] = [];
    // A file is marked known only once its change is written: a write that fails (the shared
    // database unreachable) is tried again at the next scan, and the other files go on.
    const apply = async (file: string, work: () => Promise<void>): Promise<boolean> => {
      try {
        await work();
        touched.push(file);
        return true;
      } catch (error) {
        logger.warn('corpus: could not apply a changed file; trying again at the next scan', {
          file,
          error,
        });
        return false;
      }
    };
    for (const file of files) {
      seen.add(file.path);
      if (known.get(file.path) === fingerprint(file)) continue;
      const written = await apply(file.path, async () => {
        const pause = pauseEvery();
        const loaded = await loadCorpusFileAsync(dir, file.path, parseOptions, pause);
        for (const problem of loaded.problems) logger.warn(`corpus: ${formatProblem(problem)}`);
        // In slices of ~10 ms, the index merged in slices as it grows: a large file dropped in
        // the corpus would otherwise hold the main thread for seconds.
        const result = await writer().upsertAsync(loaded.articles, pause);
        upserted.push(...result.added, ...result.changed);
        const before = idsByFile.get(file.path) ?? new Set<string>();
        const now = new Set(loaded.articles.map((a) => a.id));
        removed.push(
          ...(await writer().removeAsync(
            [...before].filter((id) => !now.has(id)),
            pause,
          )),
        );
        idsByFile.set(file.path, now);
      });
      if (written) known.set(file.path, fingerprint(file));
    }
    for (const path of [...known.keys()]) {
      if (seen.has(path)) continue;
      const written = await apply(path, async () => {
        removed.push(...(await writer().removeAsync(idsByFile.get(path) ?? [], pauseEvery())));
        idsByFile.delete(path);
      });
      if (written) known.delete(path);
    }
    const change = { upserted, removed, files: touched };
    if (upserted.length > 0 || removed.length > 0) {
      logger.info('corpus updated', {
        added_or_changed: upserted.length,
        removed: removed.length,
        files: touched.length,
      });
      options.onChange?.(change);
    }
    return change;
  };

  // Scans never run concurrently: a request during a scan runs one more scan after it.
  let running: Promise<CorpusChange> | null = null;
  let again = false;
  const rescan = (): Promise<CorpusChange> => {
    if (running !== null) {
      again = true;
      return running;
    }
    running = scanOnce()
      .catch((error: unknown) => {
        logger.warn('corpus scan failed', { error });
        return { upserted: [], removed: [], files: [] };
      })
      .finally(() => {
        running = null;
        if (again) {
          again = false;
          void rescan();
        }
      });
    return running;
  };

  let timer: NodeJS.Timeout | null = null;
  const schedule = (): void => {
    if (timer !== null) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      void rescan();
    }, options.debounceMs ?? 300);
  };
  let watcher: FSWatcher | null = null;
  try {
    watcher = watch(dir, { recursive: true, persistent: false }, schedule);
    watcher.on('error', (error) =>
      logger.warn('corpus watch error; relying on the periodic scan', { error }),
    );
  } catch (error) {
    logger.warn('cannot watch the corpus folder; relying on the periodic scan', { dir, error });
  }
  const pollMs = options.pollMs ?? 5_000;
  const poll = pollMs > 0 ? setInterval(() => void rescan(), pollMs) : null;
  poll?.unref();

  return {
    rescan,
    close() {
      watcher?.close();
      if (timer !== null) clearTimeout(timer);
      if (poll !== null) clearInterval(poll);
    },
  };
}
