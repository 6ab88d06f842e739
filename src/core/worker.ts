/**
 * Worker threads on this project's own modules, whether it runs as built JavaScript or as
 * TypeScript under tsx or vitest.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/**
 * The URL of the worker module `name` (no extension) beside the module whose `import.meta.url`
 * is `base`: `.ts` when that module is TypeScript, `.js` when built.
 *
 * @example workerEntry('segment-worker', import.meta.url)
 */
export function workerEntry(name: string, base: string): URL {
  return new URL(`./${name}${base.endsWith('.ts') ? '.ts' : '.js'}`, base);
}

/**
 * A new worker on `entry`. A TypeScript entry is imported once tsx's loader is registered in the
 * worker through tsx's API: `--import tsx` among a worker's Node options does not reach the
 * worker's own entry on Node 20.
 */
export function startWorker(entry: URL): Worker {
  if (!entry.pathname.endsWith('.ts')) return new Worker(entry);
  // vitest's module runner has no import.meta.resolve, so tsx is found by CommonJS resolution;
  // its ES module build sits beside the CommonJS one (whose register fails in a worker).
  const api = pathToFileURL(
    createRequire(import.meta.url)
      .resolve('tsx/esm/api')
      .replace(/\.cjs$/, '.mjs'),
  ).href;
  const script =
    `import(${JSON.stringify(api)})` +
    `.then(({ register }) => { register(); return import(${JSON.stringify(entry.href)}); })`;
  return new Worker(script, { eval: true });
}
