/**
 * Feeds inside a process (the bot or the `feeds` CLI): the feed list in SQLite, the safe
 * fetcher, and the poller, which every so often polls the feeds that are due, a few at a time,
 * each failure recorded on its own feed and never thrown further. `add`, `list`, `remove` and
 * `pollNow` are what the CLI and /feed call.
 */
import path from 'node:path';
import type { Config } from '../config.js';
import { UsageError, UserFacingError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { DATABASE_FILE, openDatabase, type Db } from '../db/db.js';
import { FetchError, SafeFetcher, type FetchOptions } from './fetch.js';
import { harvestFeed, type HarvestResult } from './harvest.js';
import { languageCode, parseFeedDocument } from './parse.js';
import { isFailing, nextAfterFailure, nextRegularPoll } from './poll.js';
import { FeedStore, type Feed } from './store.js';

/** Most feeds polled at once. */
const FEED_CONCURRENCY = 6;
/** How often the poller looks for due feeds, ms. */
const TICK_MS = 30_000;
/** The longest feed name kept. */
export const MAX_FEED_NAME = 80;

/** The time source (tests move it by hand). */
export interface FeedClock {
  now(): number;
}

/** How a poll of many feeds went. */
export interface PollSummary {
  readonly feeds: number;
  readonly newArticles: number;
  readonly updatedArticles: number;
  readonly notModified: number;
  readonly failed: number;
}

/** Progress of a poll of many feeds: called after each feed. */
export type PollProgress = (done: number, total: number, feed: Feed) => void;

/** What `add` takes. */
export interface AddFeedInput {
  readonly url: string;
  readonly name?: string | null;
  readonly lang?: string | null;
  readonly intervalMinutes?: number | null;
  readonly addedBy?: string | null;
}

/** What a feed service needs. */
export interface FeedServiceDeps {
  readonly db: Db;
  readonly corpusDir: string;
  readonly logger: Logger;
  readonly defaultIntervalMinutes: number;
  readonly fetch: FetchOptions;
  readonly clock?: FeedClock;
}

/** The feed list, polling and the commands over them. */
export class FeedService {
  readonly store: FeedStore;
  private readonly fetcher: SafeFetcher;
  private readonly clock: FeedClock;
  private readonly logger: Logger;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<PollSummary> | null = null;

  constructor(private readonly deps: FeedServiceDeps) {
    this.store = new FeedStore(deps.db);
    this.fetcher = new SafeFetcher(deps.fetch);
    this.clock = deps.clock ?? { now: () => Date.now() };
    this.logger = deps.logger;
  }

  /** A feed's interval, ms. */
  intervalMsOf(feed: Pick<Feed, 'intervalMinutes'>): number {
    return (feed.intervalMinutes ?? this.deps.defaultIntervalMinutes) * 60_000;
  }

  /**
   * Checks that `url` is a feed (fetched and parsed now, nothing written) and follows it; it is
   * polled at the next tick. Throws a UserFacingError saying why when it cannot be added.
   */
  async add(input: AddFeedInput): Promise<Feed> {
    const lang = input.lang?.trim() ? languageCode(input.lang) : null;
    if (input.lang?.trim() && lang === null)
      throw new UsageError(`"${input.lang.slice(0, 20)}" is not a language code such as en or bg.`);
    const url = this.fetcher.checkUrl(input.url.trim()).href;
    if (this.store.feedByUrl(url) !== null)
      throw new UsageError(`${url} is already followed; \`list\` shows it.`);
    const fetched = await this.fetcher.fetch(url, 'feed', null, () => this.clock.now());
    if (fetched.status !== 'ok') throw new FetchError('status', `${url} sent no feed to read.`);
    const parsed = parseFeedDocument(fetched.text, fetched.url);
    const name = (input.name?.trim() || parsed.title || new URL(url).hostname)
      .replace(/\s+/g, ' ')
      .slice(0, MAX_FEED_NAME);
    const now = this.clock.now();
    const feed = this.store.add(
      {
        url,
        name,
        lang,
        intervalMinutes: input.intervalMinutes ?? null,
        addedBy: input.addedBy ?? null,
      },
      now,
      now,
    );
    if (feed === null) throw new UsageError(`${url} is already followed; \`list\` shows it.`);
    this.logger.info('feed added', { feed: url, name, entries: parsed.entries.length });
    return feed;
  }

  /** Stops following feed `id` (articles already written stay in the corpus). */
  remove(id: number): Feed {
    const feed = this.store.feed(id);
    if (feed === null || !this.store.remove(id))
      throw new UsageError(`There is no feed #${id}; \`list\` shows the feeds.`);
    return feed;
  }

  /** Polls one feed now and records the outcome on it; never throws for the feed's own failures. */
  async pollOne(feed: Feed): Promise<HarvestResult | null> {
    const interval = this.intervalMsOf(feed);
    try {
      const result = await harvestFeed(
        {
          store: this.store,
          fetcher: this.fetcher,
          corpusDir: this.deps.corpusDir,
          logger: this.logger,
          now: () => this.clock.now(),
        },
        feed,
      );
      const now = this.clock.now();
      const { counts } = result;
      const status = result.notModified
        ? 'not modified'
        : `${counts.new} new, ${counts.updated} updated` +
          (counts.failed > 0 ? `, ${counts.failed} to retry (${result.itemError ?? ''})` : '');
      this.store.recordPoll(feed.id, {
        ok: true,
        at: now,
        status: status.slice(0, 300),
        ...(result.notModified
          ? {}
          : { validators: result.validators ?? { etag: null, lastModified: null } }),
        nextPollAt: nextRegularPoll(feed.url, interval, now),
      });
      return result;
    } catch (error) {
      const now = this.clock.now();
      // Feed problems (refused, 404, malformed) are the operator's to see; anything else is a bug.
      const message =
        error instanceof UserFacingError ? error.message : 'an unexpected error (see the log)';
      if (error instanceof UserFacingError)
        this.logger.warn('feed poll failed', { feed: feed.url, reason: message });
      else this.logger.error('feed poll failed', { feed: feed.url, error });
      this.store.recordPoll(feed.id, {
        ok: false,
        at: now,
        error: message.slice(0, 300),
        nextPollAt: nextAfterFailure(
          feed.failures + 1,
          interval,
          now,
          error instanceof FetchError ? error.retryAfterMs : null,
        ),
      });
      return null;
    }
  }

  /** Polls the given feeds, a few at a time, reporting progress after each. */
  private async pollMany(feeds: readonly Feed[], progress?: PollProgress): Promise<PollSummary> {
    let done = 0;
    let next = 0;
    const summary = {
      feeds: feeds.length,
      newArticles: 0,
      updatedArticles: 0,
      notModified: 0,
      failed: 0,
    };
    const worker = async (): Promise<void> => {
      while (next < feeds.length) {
        const feed = feeds[next++] as Feed;
        const result = await this.pollOne(feed);
        if (result === null) summary.failed++;
        else if (result.notModified) summary.notModified++;
        else {
          summary.newArticles += result.counts.new;
          summary.updatedArticles += result.counts.updated;
        }
        progress?.(++done, feeds.length, feed);
      }
    };
    await Promise.all(Array.from({ length: Math.min(FEED_CONCURRENCY, feeds.length) }, worker));
    return summary;
  }

  /** Polls the feeds that are due; a tick while one runs waits for that one instead. */
  tick(progress?: PollProgress): Promise<PollSummary> {
    if (this.running !== null) return this.running;
    const due = this.store.due(this.clock.now());
    const run = this.pollMany(due, progress).finally(() => {
      this.running = null;
    });
    this.running = run;
    return run;
  }

  /** Polls every feed now (or just `id`), whatever its schedule. */
  async pollNow(id: number | null, progress?: PollProgress): Promise<PollSummary> {
    // Several callers may be waiting: each waits until no poll runs, then starts its own.
    while (this.running !== null) await this.running.catch(() => undefined);
    const feeds = id === null ? this.store.all() : [this.store.feed(id)];
    if (feeds.some((f) => f === null))
      throw new UsageError(`There is no feed #${id ?? ''}; \`list\` shows the feeds.`);
    const run = this.pollMany(feeds as Feed[], progress).finally(() => {
      this.running = null;
    });
    this.running = run;
    return run;
  }

  /** Starts polling due feeds every 30 s; the first look is right away. */
  start(): void {
    if (this.timer !== null) return;
    const first = this.store.due(this.clock.now()).length;
    if (first > 0) this.logger.info('polling feeds that are due', { feeds: first });
    const beat = (): void => {
      void this.tick((done, total) => {
        if (total >= 20 && (done % 20 === 0 || done === total))
          this.logger.info(`polled ${done}/${total} feeds`);
      }).catch((error: unknown) => this.logger.error('feed tick failed', { error }));
    };
    this.timer = setInterval(beat, TICK_MS);
    this.timer.unref();
    beat();
  }

  /** Stops the timer, waits for a poll in progress and closes the fetcher's connections. */
  async stop(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
    await this.fetcher.close();
  }
}

/** A feed's state in one line: failing with the reason, or how its last poll went. */
export function feedState(feed: Feed): string {
  if (isFailing(feed.failures))
    return `FAILING (${feed.failures} in a row): ${feed.lastError ?? ''}`;
  if (feed.lastError !== null) return `last poll failed: ${feed.lastError}`;
  return feed.lastStatus ?? 'not polled yet';
}

/** An instant as `YYYY-MM-DD HH:MM UTC`, or "never". */
export function formatInstant(ms: number | null): string {
  return ms === null ? 'never' : new Date(ms).toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
}

/** One entry of `list` (two lines): name, URL, state, last fetch, items, next poll. */
export function describeFeed(feed: Feed, defaultIntervalMinutes: number): string {
  const every = feed.intervalMinutes ?? defaultIntervalMinutes;
  return [
    `#${feed.id} ${feed.name} · ${feed.url} · every ${every} min${feed.lang ? ` · ${feed.lang}` : ''}`,
    `   ${feedState(feed)} · last fetch ${formatInstant(feed.lastFetchAt)} · ${feed.itemsSeen} articles · next ${formatInstant(feed.nextPollAt)}`,
  ].join('\n');
}

/** A FeedService with its own database connection (closed by `close`). */
export interface FeedRuntime {
  readonly service: FeedService;
  /** Stops polling and closes the database. */
  close(): Promise<void>;
}

/**
 * Opens `DATA_DIR/verbatim.db` and builds the feed service (not started). Returns null, after
 * logging why, when the database cannot be opened.
 */
export function openFeedRuntime(
  config: Config,
  logger: Logger,
  clock?: FeedClock,
): FeedRuntime | null {
  const log = logger.child({ component: 'feeds' });
  let db: Db;
  try {
    db = openDatabase(path.join(config.dataDir, DATABASE_FILE));
    // This connection only records feed state. An item record lost to a power cut only means its
    // file (already durable) is written again, identically, so NORMAL spares a WAL fsync per item.
    db.pragma('synchronous = NORMAL');
  } catch (error) {
    log.error('cannot open the database; feeds are not polled', { dir: config.dataDir, error });
    return null;
  }
  const service = new FeedService({
    db,
    corpusDir: config.corpusDir,
    logger: log,
    defaultIntervalMinutes: config.feedPollMinutes,
    fetch: { allowPrivate: config.feedsAllowPrivate },
    ...(clock !== undefined ? { clock } : {}),
  });
  let closed = false;
  return {
    service,
    async close() {
      if (closed) return;
      closed = true;
      await service.stop();
      db.close();
    },
  };
}
