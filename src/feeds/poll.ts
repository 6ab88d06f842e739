/**
 * When each feed is polled, as pure decisions of the time: every feed on its own interval, on a
 * phase of its own (a hash of its URL) so that many feeds with the same interval do not all fire
 * at once, and after a failure later and later (doubling, at most a day), never sooner than a
 * server's Retry-After.
 */
import { createHash } from 'node:crypto';

/** Failed polls in a row after which a feed is shown as failing. */
const FAILING_AFTER = 3;
/** The longest wait between two polls of a failing feed. */
export const MAX_BACKOFF_MS = 24 * 60 * 60 * 1000;

/** A stable offset in [0, intervalMs) for this feed. */
export function phaseOf(url: string, intervalMs: number): number {
  const digest = createHash('sha256').update(url).digest();
  return digest.readUInt32BE(0) % intervalMs;
}

/** The first instant after `now` on the feed's own grid of `intervalMs` steps. */
export function nextRegularPoll(url: string, intervalMs: number, now: number): number {
  const phase = phaseOf(url, intervalMs);
  const wait = (((phase - now) % intervalMs) + intervalMs) % intervalMs;
  return now + (wait === 0 ? intervalMs : wait);
}

/**
 * When to try again after the `failures`-th failure in a row: the interval doubled per earlier
 * failure, at most a day, and never before a Retry-After the server sent (also capped at a day).
 */
export function nextAfterFailure(
  failures: number,
  intervalMs: number,
  now: number,
  retryAfterMs: number | null,
): number {
  const backoff = Math.min(MAX_BACKOFF_MS, intervalMs * 2 ** Math.max(0, failures - 1));
  const asked = Math.min(MAX_BACKOFF_MS, retryAfterMs ?? 0);
  return now + Math.max(backoff, asked);
}

/** Whether a feed with this many failures in a row is shown as failing. */
export function isFailing(failures: number): boolean {
  return failures >= FAILING_AFTER;
}
