/**
 * Indexing off the main thread. `openLibraryInWorker` runs openLibrary (load, update or build,
 * then persist) in a worker thread and decodes the resulting snapshot here; `LiveLibrary`
 * keeps serving the current Library while a new one is prepared and swaps it in when ready.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { CorpusFile } from './load.js';
import type { IngestProblem } from '../text/parse.js';
import type { Logger } from '../core/log.js';
import { Library } from './library.js';
import type { SnapshotKey } from './snapshot.js';
import type { CorpusChanges } from './fingerprint.js';
import type { ProgressListener } from './progress.js';
import type { OpenedHow, OpenedLibrary } from './snapshot-store.js';
import { yieldToEventLoop } from '../core/event-loop.js';

/** What the worker is asked to do (its workerData). */
export interface WorkerRequest {
  readonly corpusDir: string;
  readonly dataDir: string | null;
  readonly logLevel: string;
}

/** Messages from the worker. */
export type WorkerReply =
  | { readonly type: 'log'; readonly line: string }
  | { readonly type: 'progress'; readonly done: number; readonly total: number }
  | {
      readonly type: 'done';
      readonly bytes: Uint8Array;
      readonly key: SnapshotKey;
      readonly problems: IngestProblem[];
      readonly files: CorpusFile[];
      readonly fingerprint: string;
      readonly how: OpenedHow;
      readonly changes: CorpusChanges | null;
    }
  | { readonly type: 'failed'; readonly message: string };

/** Lets pending I/O and timers run between slices of work on the main thread. */

/** Options of a worker build. */
export interface WorkerOpenOptions {
  readonly corpusDir: string;
  readonly dataDir: string | null;
  /** Receives the worker's log lines (already formatted); default: the logger at info. */
  readonly logger: Logger;
  /** Relayed worker log lines; default writes them to stderr. */
  readonly logSink?: (line: string) => void;
  readonly logLevel?: string;
  readonly onProgress?: ProgressListener;
}

/**
 * The worker's module: compiled JavaScript beside this file, else the TypeScript source run
 * through tsx (a dependency), whichever way this process itself was started.
 */
function startWorker(workerData: WorkerRequest): Worker {
  const compiled = new URL('./worker.js', import.meta.url);
  if (existsSync(fileURLToPath(compiled))) return new Worker(compiled, { workerData });
  // Node 20 does not apply `--import tsx` to workers: register tsx's hooks inside the worker.
  const api = pathToFileURL(
    createRequire(import.meta.url)
      .resolve('tsx/esm/api')
      .replace(/\.cjs$/, '.mjs'),
  ).href;
  const source = new URL('./worker.ts', import.meta.url).href;
  const bootstrap = `import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(source)}); });`;
  return new Worker(bootstrap, { eval: true, workerData });
}

/**
 * Opens the Library in a worker thread (see store.ts `openLibrary`), then decodes its snapshot
 * on this thread. Rejects when the worker fails; the caller keeps whatever it served before.
 */
export function openLibraryInWorker(options: WorkerOpenOptions): Promise<OpenedLibrary> {
  const request: WorkerRequest = {
    corpusDir: options.corpusDir,
    dataDir: options.dataDir,
    logLevel: options.logLevel ?? 'info',
  };
  const sink = options.logSink ?? ((line: string) => process.stderr.write(line + '\n'));
  return new Promise<OpenedLibrary>((resolve, reject) => {
    const worker = startWorker(request);
    let settled = false;
    worker.on('message', (message: WorkerReply) => {
      if (message.type === 'log') sink(message.line);
      else if (message.type === 'progress') options.onProgress?.(message.done, message.total);
      else if (message.type === 'failed') {
        settled = true;
        reject(new Error(`indexing worker failed: ${message.message}`));
      } else {
        settled = true;
        // Decode in slices: the process keeps answering with the old Library meanwhile.
        Library.fromSnapshotAsync(message.bytes, message.key, yieldToEventLoop).then(
          (library) =>
            resolve({
              library,
              problems: message.problems,
              files: message.files,
              fingerprint: message.fingerprint,
              how: message.how,
              changes: message.changes,
              snapshot: { bytes: message.bytes, key: message.key },
            }),
          reject,
        );
      }
    });
    worker.on('error', (error) => {
      if (!settled) reject(error);
      settled = true;
    });
    worker.on('exit', (code) => {
      if (!settled) reject(new Error(`indexing worker exited with code ${code}`));
      settled = true;
    });
  });
}

/**
 * The Library being served, replaced only when a re-index has finished: until then every
 * caller of `current` gets the old one. Overlapping `refresh` calls are coalesced into at most
 * one further run.
 */
export class LiveLibrary {
  private running: Promise<OpenedLibrary> | null = null;
  private again = false;
  private listeners: ((opened: OpenedLibrary) => void)[] = [];

  constructor(
    private served: OpenedLibrary,
    private readonly open: () => Promise<OpenedLibrary>,
    private readonly logger: Logger,
  ) {}

  /** The Library to answer with now. */
  get current(): Library {
    return this.served.library;
  }

  /** What the served Library was opened from. */
  get opened(): OpenedLibrary {
    return this.served;
  }

  /** Called with each new Library once it is being served. */
  onSwap(listener: (opened: OpenedLibrary) => void): void {
    this.listeners.push(listener);
  }

  /** Re-indexes (in the background) and swaps the result in; resolves when served. */
  refresh(): Promise<OpenedLibrary> {
    if (this.running !== null) {
      this.again = true;
      return this.running;
    }
    const run = async (): Promise<OpenedLibrary> => {
      try {
        let opened: OpenedLibrary;
        do {
          this.again = false;
          opened = await this.open();
          this.served = opened;
          for (const listener of this.listeners) listener(opened);
          this.logger.info(
            `corpus re-indexed (${opened.how}): ${opened.library.passageCount} passages`,
          );
        } while (this.again);
        return opened;
      } finally {
        this.running = null;
      }
    };
    this.running = run();
    return this.running;
  }
}
