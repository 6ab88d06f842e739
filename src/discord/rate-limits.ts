/**
 * What the bot logs about rate limits. Only a response with status 429 is Discord rate limiting
 * the bot (read from the REST client's `response` event, which carries the status and headers);
 * the client's own waits (`rateLimited`: it holds a request back because a bucket it tracks is
 * empty) are not, and go to the debug log. Both are logged once per route and window.
 */
import { RESTEvents, type REST } from 'discord.js';
import { LogWindow, type Logger } from '../core/log.js';

/** One line per route per minute at most, with a count of the rest. */
const RATE_LIMIT_LOG_WINDOW_MS = 60_000;

/**
 * Requests per second the REST client lets through before holding them back itself. Discord's
 * global limit (50/s) counts only bot-token requests; interaction callbacks and the interaction
 * webhook edits that carry every answer are exempt, but @discordjs/rest paces those edits with
 * the same limiter (only callbacks bypass it), so a burst of 500 /ask would wait 10 s for it.
 * Bot-token requests stay well under 50/s here; if they ever do not, Discord's own 429 (global)
 * is obeyed by the client and logged below.
 */
export const REST_REQUESTS_PER_SECOND = 1_000;

/** Starts reporting; returns a function that writes pending counts and stops. */
export function reportRateLimits(
  rest: REST,
  logger: Logger,
  windowMs: number = RATE_LIMIT_LOG_WINDOW_MS,
): () => void {
  const discord = new LogWindow((m, c) => logger.warn(m, c), windowMs);
  const own = new LogWindow((m, c) => logger.debug(m, c), windowMs);
  const onResponse = (
    request: { method: string; route: string },
    response: { status: number; headers: Headers },
  ): void => {
    if (response.status !== 429) return;
    const method = request.method.toUpperCase();
    discord.note(
      `${method} ${request.route}`,
      'Discord answered 429; retrying after the wait it asked for',
      {
        method,
        route: request.route,
        retryAfterSeconds: Number(response.headers.get('retry-after') ?? Number.NaN),
        global: response.headers.has('x-ratelimit-global'),
        scope: response.headers.get('x-ratelimit-scope') ?? 'user',
      },
    );
  };
  const onOwnWait = (info: {
    method: string;
    route: string;
    global: boolean;
    timeToReset: number;
  }): void => {
    const method = info.method.toUpperCase();
    own.note(
      `${method} ${info.route}`,
      'REST client holding requests back for a bucket it tracks',
      {
        method,
        route: info.route,
        global: info.global,
        waitMs: info.timeToReset,
      },
    );
  };
  rest.on(RESTEvents.Response, onResponse);
  rest.on(RESTEvents.RateLimited, onOwnWait);
  return () => {
    rest.off(RESTEvents.Response, onResponse);
    rest.off(RESTEvents.RateLimited, onOwnWait);
    discord.flush();
    own.flush();
  };
}
