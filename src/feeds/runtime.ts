/**
 * Feeds inside a process (the bot or the `feeds` CLI): the feed list in SQLite or, with
 * DATABASE_URL, PostgreSQL, the safe fetcher, and the poller, which every so often polls the
 * feeds that are due, a few at a time, each failure recorded on its own feed and never thrown
 * further. A feed is polled under a lease, so of the processes sharing a database (bots, the
 * CLI) one polls it at a time; a lease whose process died is taken over when it runs out, or at
 * once when that process was on this machine. `add`, `list`, `remove` and `pollNow` are what
 * the CLI and /feed call.
 */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import type { Config } from '../config.js';
import { UsageError, UserFacingError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { DATABASE_FILE, openDatabase } from '../db/db.js';
import { migratePostgres, openPostgres, type PgPool } from '../db/postgres.js';
import { DIGEST_MIGRATIONS } from '../db/postgres-schema.js';
import { FetchError, SafeFetcher, type FetchOptions } from './fetch.js';
import { harvestFeed, type HarvestResult } from './harvest.js';
import { languageCode, parseFeedDocument } from './parse.js';
import { isFailing, nextAfterFailure, nextRegularPoll } from './poll.js';
import { sqliteFeedStorage, type FeedStorage } from './storage.js';
import { FeedStore, type Feed } from './store.js';
import { PostgresFeedStore } from './store-postgres.js';

/** Most feeds polled at once. */
const FEED_CONCURRENCY = 6;
/** How often the poller looks for due feeds, ms. */
const TICK_MS = 30_000;
/** How long a poll lease lasts: how soon a feed whose poller vanished is polled by another. */
const LEASE_MS = 5 * 60_000;
/** How often a poll in progress extends its lease. */
const RENEW_MS = 60_000;
/**
 * How long an item that left its feed is remembered. Items still in the feed are kept however
 * old; this is how long an article that left one feed is still known as a duplicate in another.
 */
const ITEM_RETENTION_MS = 30 * 24 * 60 * 60_000;
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
  /** Feeds skipped because another process was polling them (or, when due, had just polled them). */
  readonly busy: number;
}

/** Progress of a poll of many feeds: called after each feed, with its state after the poll. */
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
  readonly storage: FeedStorage;
  readonly corpusDir: string;
  readonly logger: Logger;
  readonly defaultIntervalMinutes: number;
  readonly fetch: FetchOptions;
  readonly clock?: FeedClock;
}

/** This process's name in poll leases: `host/pid/nonce` (the nonce tells two services apart). */
function pollerName(): string {
  return `${os.hostname()}/${process.pid}/${randomUUID().slice(0, 8)}`;
}

/** Whether a lease holder was a process on this machine that no longer runs (killed, crashed). */
function isGonePoller(owner: string): boolean {
  const [host, pidText] = owner.split('/');
  const pid = Number(pidText);
  if (host !== os.hostname() || !Number.isInteger(pid) || pid <= 0 || pid === process.pid)
    return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** The feed list, polling and the commands over them. */
export class FeedService {
  readonly store: FeedStorage;
  /** This service's name in poll leases. */
  private readonly owner = pollerName();
  private readonly fetcher: SafeFetcher;
  private readonly clock: FeedClock;
  private readonly logger: Logger;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<PollSummary> | null = null;

  constructor(private readonly deps: FeedServiceDeps) {
    this.store = deps.storage;
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
    if ((await this.store.feedByUrl(url)) !== null)
      throw new UsageError(`${url} is already followed; \`list\` shows it.`);
    const fetched = await this.fetcher.fetch(url, 'feed', null, () => this.clock.now());
    if (fetched.status !== 'ok') throw new FetchError('status', `${url} sent no feed to read.`);
    const parsed = parseFeedDocument(fetched.text, fetched.url);
    const name = (input.name?.trim() || parsed.title || new URL(url).hostname)
      .replace(/\s+/g, ' ')
      .slice(0, MAX_FEED_NAME);
    const now = this.clock.now();
    const feed = await this.store.add(
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
  async remove(id: number): Promise<Feed> {
    const feed = await this.store.feed(id);
    if (feed === null || !(await this.store.remove(id)))
      throw new UsageError(`There is no feed #${id}; \`list\` shows the feeds.`);
    return feed;
  }

  /**
   * Takes feed `id`'s poll lease for this service: only while it is due with `dueOnly`; from a
   * holder that has died on this machine at once, from any other when its lease runs out.
   * Returns the feed as it now is, or null when another process is polling it.
   */
  private async claim(id: number, dueOnly: boolean): Promise<Feed | null> {
    const ask = {
      feedId: id,
      owner: this.owner,
      now: this.clock.now(),
      leaseMs: LEASE_MS,
      dueOnly,
    };
    const claimed = await this.store.claimPoll(ask);
    if (claimed !== null) return claimed;
    const holder = (await this.store.feed(id))?.leaseOwner ?? null;
    if (holder === null || !isGonePoller(holder)) return null;
    this.logger.info('taking over the poll of a feed whose process has stopped', {
      feedId: id,
      holder,
    });
    return this.store.claimPoll({ ...ask, takeOverFrom: holder });
  }

  /**
   * Polls one feed whose lease this service holds, extending the lease while it runs, and
   * records the outcome on it; never throws for the feed's own failures.
   */
  private async pollClaimed(feed: Feed): Promise<HarvestResult | null> {
    const interval = this.intervalMsOf(feed);
    const renew = setInterval(() => {
      this.store
        .renewPoll(feed.id, this.owner, this.clock.now() + LEASE_MS)
        .catch((error: unknown) =>
          this.logger.warn('could not extend a feed poll lease', { feed: feed.url, error }),
        );
    }, RENEW_MS);
    renew.unref();
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
      await this.store.pruneItems(feed.id, now - ITEM_RETENTION_MS);
      if (result.movedTo !== null && result.movedTo !== feed.url)
        await this.move(feed, result.movedTo);
      const status = result.notModified
        ? 'not modified'
        : `${counts.new} new, ${counts.updated} updated` +
          (counts.failed > 0 ? `, ${counts.failed} to retry (${result.itemError ?? ''})` : '');
      await this.store.recordPoll(feed.id, {
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
      await this.store.recordPoll(feed.id, {
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
    } finally {
      clearInterval(renew);
    }
  }

  /** Follows a feed at the address it permanently redirected to, unless another feed has it. */
  private async move(feed: Feed, url: string): Promise<void> {
    if (await this.store.moveFeed(feed.id, url))
      this.logger.info('feed moved permanently; following its new address', {
        feed: feed.url,
        to: url,
      });
    else
      this.logger.warn('feed moved permanently to an address another feed follows', {
        feed: feed.url,
        to: url,
      });
  }

  /** Polls the given feeds (those still due, with `dueOnly`), a few at a time, reporting progress after each. */
  private async pollMany(
    feeds: readonly Feed[],
    dueOnly: boolean,
    progress?: PollProgress,
  ): Promise<PollSummary> {
    let done = 0;
    let next = 0;
    const summary = {
      feeds: feeds.length,
      newArticles: 0,
      updatedArticles: 0,
      notModified: 0,
      failed: 0,
      busy: 0,
    };
    const worker = async (): Promise<void> => {
      while (next < feeds.length) {
        const listed = feeds[next++] as Feed;
        const feed = await this.claim(listed.id, dueOnly);
        if (feed === null) summary.busy++;
        else {
          try {
            const result = await this.pollClaimed(feed);
            if (result === null) summary.failed++;
            else if (result.notModified) summary.notModified++;
            else {
              summary.newArticles += result.counts.new;
              summary.updatedArticles += result.counts.updated;
            }
          } finally {
            await this.store.releasePoll(feed.id, this.owner);
          }
        }
        // The feed as the poll left it, so progress can show how it went.
        if (progress !== undefined)
          progress(++done, feeds.length, (await this.store.feed(listed.id)) ?? listed);
      }
    };
    await Promise.all(Array.from({ length: Math.min(FEED_CONCURRENCY, feeds.length) }, worker));
    return summary;
  }

  /** Polls the feeds that are due; a tick while one runs waits for that one instead. */
  tick(progress?: PollProgress): Promise<PollSummary> {
    if (this.running !== null) return this.running;
    const run = this.store
      .due(this.clock.now())
      .then((due) => this.pollMany(due, true, progress))
      .finally(() => {
        this.running = null;
      });
    this.running = run;
    return run;
  }

  /**
   * Polls every feed now (or just `id`), whatever its schedule; one another process is polling
   * right now is skipped and counted as busy.
   */
  async pollNow(id: number | null, progress?: PollProgress): Promise<PollSummary> {
    // Several callers may be waiting: each waits until no poll runs, then starts its own.
    while (this.running !== null) await this.running.catch(() => undefined);
    const run = (async () => {
      const feeds = id === null ? await this.store.all() : [await this.store.feed(id)];
      if (feeds.some((f) => f === null))
        throw new UsageError(`There is no feed #${id ?? ''}; \`list\` shows the feeds.`);
      return this.pollMany(feeds as Feed[], false, progress);
    })().finally(() => {
      this.running = null;
    });
    this.running = run;
    return run;
  }

  /** Starts polling due feeds every 30 s; the first look is right away. */
  start(): void {
    if (this.timer !== null) return;
    let first = true;
    const beat = (): void => {
      const report: PollProgress = (done, total) => {
        if (first && done === 1) this.logger.info('polling feeds that are due', { feeds: total });
        if (total >= 20 && (done % 20 === 0 || done === total))
          this.logger.info(`polled ${done}/${total} feeds`);
      };
      void this.tick(report)
        .catch((error: unknown) => this.logger.error('feed tick failed', { error }))
        .finally(() => {
          first = false;
        });
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

/** The feed storage a process opened, with how to close what it opened. */
export interface OpenedFeedStorage {
  readonly storage: FeedStorage;
  /** Which database holds it, for the log. */
  readonly kind: 'sqlite' | 'postgres';
  close(): Promise<void>;
}

/**
 * Opens the feed storage the configuration chooses: PostgreSQL when DATABASE_URL is set (on
 * `pool` when one is given, shared with the caller and left open by `close`; else on a pool of
 * its own), migrated first; otherwise `DATA_DIR/verbatim.db`. Throws when it cannot be opened.
 */
export async function openFeedStorage(
  config: Pick<Config, 'dataDir' | 'databaseUrl'>,
  pool?: PgPool,
): Promise<OpenedFeedStorage> {
  if (config.databaseUrl !== null) {
    const own = pool === undefined;
    const shared = pool ?? openPostgres(config.databaseUrl, { max: FEED_CONCURRENCY + 2 });
    try {
      await migratePostgres(shared, 'digest', DIGEST_MIGRATIONS);
    } catch (error) {
      if (own) await shared.end();
      throw error;
    }
    return {
      storage: new PostgresFeedStore(shared),
      kind: 'postgres',
      close: async () => {
        if (own) await shared.end();
      },
    };
  }
  const db = openDatabase(path.join(config.dataDir, DATABASE_FILE));
  // This connection only records feed state. An item record lost to a power cut only means its
  // file (already durable) is written again, identically, so NORMAL spares a WAL fsync per item.
  db.pragma('synchronous = NORMAL');
  return {
    storage: sqliteFeedStorage(new FeedStore(db)),
    kind: 'sqlite',
    close: async () => {
      db.close();
    },
  };
}

/** A FeedService with its own storage (closed by `close`). */
export interface FeedRuntime {
  readonly service: FeedService;
  /** Stops polling and closes the storage. */
  close(): Promise<void>;
}

/** What openFeedRuntime may be given beyond the configuration. */
export interface FeedRuntimeOptions {
  readonly clock?: FeedClock | undefined;
  /** The PostgreSQL pool to share when DATABASE_URL is set; default a pool of its own. */
  readonly pool?: PgPool | undefined;
}

/**
 * Opens the feed storage (openFeedStorage) and builds the feed service (not started). Returns
 * null, after logging why, when the storage cannot be opened.
 */
export async function openFeedRuntime(
  config: Config,
  logger: Logger,
  options: FeedRuntimeOptions = {},
): Promise<FeedRuntime | null> {
  const log = logger.child({ component: 'feeds' });
  let opened: OpenedFeedStorage;
  try {
    opened = await openFeedStorage(config, options.pool);
  } catch (error) {
    const where = config.databaseUrl !== null ? 'PostgreSQL (DATABASE_URL)' : config.dataDir;
    log.error('cannot open the feed database; feeds are not polled', { where, error });
    return null;
  }
  const service = new FeedService({
    storage: opened.storage,
    corpusDir: config.corpusDir,
    logger: log,
    defaultIntervalMinutes: config.feedPollMinutes,
    fetch: { allowPrivate: config.feedsAllowPrivate },
    ...(options.clock !== undefined ? { clock: options.clock } : {}),
  });
  let closed = false;
  return {
    service,
    async close() {
      if (closed) return;
      closed = true;
      await service.stop();
      await opened.close();
    },
  };
}
