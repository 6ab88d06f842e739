/**
 * Start-up time with an unchanged corpus, as a fresh process sees it: fingerprint the corpus
 * files, read, check and decode the persisted index, pack the sorted terms and warm the completions.
 * Usage: `npx tsx bench/startup.ts --size 1m [--data DIR] [--runs 3]`. The first run builds and
 * persists the index in DIR (default data/bench/startup-<size>) if it is missing or stale;
 * each timed run is a new child process.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { openLibrary } from '../src/library/snapshot-store.js';
import { SILENT_LOGGER } from '../src/core/log.js';
import { ensureSyntheticCorpus, parseSize } from './synthetic.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: string): string => {
  const at = args.indexOf(name);
  return at >= 0 && args[at + 1] !== undefined ? args[at + 1]! : fallback;
};
const sizeText = option('--size', '100k');
const size = parseSize(sizeText);
const root = path.resolve(import.meta.dirname, '../data/bench');
const corpus = ensureSyntheticCorpus(root, size);
const dataDir = path.resolve(option('--data', path.join(root, `startup-${sizeText}`)));

if (args.includes('--child')) {
  const started = performance.now();
  const opened = await openLibrary({ corpusDir: corpus.dir, dataDir, logger: SILENT_LOGGER });
  opened.library.warm();
  process.stdout.write(JSON.stringify({ how: opened.how, ms: performance.now() - started }) + '\n');
} else {
  const runs = Number(option('--runs', '3'));
  const child = (): { how: string; ms: number } => {
    const result = spawnSync(
      process.execPath,
      ['--import', 'tsx', '--max-old-space-size=12000', import.meta.filename, ...args, '--child'],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
    );
    return JSON.parse(result.stdout.trim().split('\n').pop()!) as { how: string; ms: number };
  };
  const first = child();
  if (first.how !== 'loaded')
    console.log(`index ${first.how} in ${(first.ms / 1000).toFixed(1)} s`);
  const times = [...Array(runs)]
    .map(() => child())
    .map((run) => {
      if (run.how !== 'loaded') throw new Error(`expected a load, got ${run.how}`);
      return run.ms;
    });
  times.sort((a, b) => a - b);
  console.log(
    `${corpus.passages} passages: start-up from the persisted index ${times.map((t) => (t / 1000).toFixed(1)).join(', ')} s; median ${(times[Math.floor(times.length / 2)]! / 1000).toFixed(1)} s`,
  );
}
