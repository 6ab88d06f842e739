/**
 * Worker-thread entry: opens (loads, updates or builds) the Library off the main thread and
 * sends back its snapshot bytes, which the main thread decodes into its own Library. Log lines
 * and progress are relayed as messages; see background.ts for the main side.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createLogger } from '../core/log.js';
import type { LogLevel } from '../config.js';
import { TERM_PROCESSING_VERSION } from '../text/analyze.js';
import { openLibrary } from './snapshot-store.js';
import type { WorkerReply, WorkerRequest } from './background.js';

const port = parentPort;
if (port === null) throw new Error('src/indexing/worker.ts runs only as a worker thread');
const request = workerData as WorkerRequest;
const post = (message: WorkerReply, transfer: ArrayBuffer[] = []): void =>
  port.postMessage(message, transfer);

const logger = createLogger(request.logLevel as LogLevel, {
  sink: (line) => post({ type: 'log', line }),
});

try {
  const opened = await openLibrary({
    corpusDir: request.corpusDir,
    dataDir: request.dataDir,
    logger,
    onProgress: (done, total) => post({ type: 'progress', done, total }),
  });
  const key = { termProcessingVersion: TERM_PROCESSING_VERSION, fingerprint: opened.fingerprint };
  const snapshot = opened.snapshot ?? { bytes: opened.library.toSnapshot(key), key };
  // Copy into a buffer of its own so the transfer moves exactly the snapshot, nothing shared.
  const bytes =
    snapshot.bytes.byteOffset === 0 &&
    snapshot.bytes.byteLength === snapshot.bytes.buffer.byteLength
      ? snapshot.bytes
      : snapshot.bytes.slice();
  post(
    {
      type: 'done',
      bytes,
      key: snapshot.key,
      problems: [...opened.problems],
      files: [...opened.files],
      fingerprint: opened.fingerprint,
      how: opened.how,
      changes: opened.changes,
    },
    [bytes.buffer as ArrayBuffer],
  );
} catch (error) {
  post({
    type: 'failed',
    message: error instanceof Error ? (error.stack ?? error.message) : String(error),
  });
}
