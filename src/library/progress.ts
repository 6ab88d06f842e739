/**
 * Progress of a long index build: a redrawn bar on a terminal, otherwise a log line every few
 * seconds, each with passages per second and an estimate of the time left.
 */
import type { Logger } from '../core/log.js';

/** Receives build progress; `done` and `total` count passages. */
export type ProgressListener = (done: number, total: number) => void;

/** Seconds between log lines when not on a terminal. */
const PROGRESS_LOG_INTERVAL_MS = 5_000;
const BAR_WIDTH = 30;
const REDRAW_INTERVAL_MS = 100;

/** "1m 05s", "42s", "—" for an unknown duration. */
function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes}m ${String(seconds % 60).padStart(2, '0')}s`;
}

/** One progress line: counts, rate and estimate. `elapsedMs` since the build started. */
export function describeProgress(done: number, total: number, elapsedMs: number): string {
  const rate = elapsedMs > 0 ? (done * 1000) / elapsedMs : 0;
  const eta = rate > 0 ? ((total - done) * 1000) / rate : Number.NaN;
  const percent = total > 0 ? Math.floor((100 * done) / total) : 100;
  return `${percent}% ${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')} passages, ${Math.round(rate).toLocaleString('en-US')}/s, ETA ${formatDuration(eta)}`;
}

/**
 * A listener that draws on `tty` (a bar redrawn in place) when given, else logs through
 * `logger` at most every PROGRESS_LOG_INTERVAL_MS. `now` is injectable for tests.
 */
export function createProgressReporter(options: {
  logger: Logger;
  tty?: { write(text: string): unknown } | null;
  now?: () => number;
  label?: string;
}): ProgressListener & { finish(): void } {
  const now = options.now ?? (() => performance.now());
  const label = options.label ?? 'indexing';
  const started = now();
  let lastShown = -Infinity;
  let drewBar = false;
  const listener = (done: number, total: number): void => {
    const t = now();
    const finished = done >= total;
    if (options.tty) {
      if (!finished && t - lastShown < REDRAW_INTERVAL_MS) return;
      lastShown = t;
      const filled = total > 0 ? Math.round((BAR_WIDTH * done) / total) : BAR_WIDTH;
      options.tty.write(
        `\r${label} [${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${describeProgress(done, total, t - started)}\u001b[K`,
      );
      drewBar = true;
      return;
    }
    if (!finished && t - lastShown < PROGRESS_LOG_INTERVAL_MS) return;
    lastShown = t;
    options.logger.info(`${label}: ${describeProgress(done, total, t - started)}`);
  };
  return Object.assign(listener, {
    finish(): void {
      if (drewBar) options.tty?.write('\n');
    },
  });
}
