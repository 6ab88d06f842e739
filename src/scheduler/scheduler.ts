/**
 * Runs digest subscriptions on their schedules: a heartbeat (node-cron, once a minute) asks which
 * subscriptions are due, the pure `decideRun` decides in each subscription's time zone, and each
 * run builds a digest, records the send intent, sends with a nonce and records the delivery.
 *
 * Guarantees, for one process or several sharing the database: a run holds its subscription
 * under a lease (`claimRun`), so runs of one subscription never overlap and a slot is run by
 * exactly one scheduler; a missed slot (downtime) runs once; a post is recorded before it is
 * sent and re-sent with the same nonce when its outcome is unknown — at start, or by any
 * scheduler once the lease of a process killed mid-post has run out; 404/403 pause the
 * subscription with a reason; 429/5xx are retried with backoff; no failure of one subscription
 * stops the others. The clock is injected so tests control time.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import cron from 'node-cron';
import { buildDigest, clampDigestLimit, passageKeysOf, type Digest } from '../digest/build.js';
import { renderDigest, renderNothingNew, type DigestMessage } from '../present/digest.js';
import { decideRun, nextRunAfter, parseSchedule } from '../digest/schedule.js';
import type { Logger } from '../core/log.js';
import type { Library } from '../library/library.js';
import type { DigestStorage } from '../digest/storage.js';
import type {
  NewSubscription,
  PostRecord,
  RunOutcome,
  RunTrigger,
  Subscription,
} from '../digest/store.js';

/** Time as the scheduler sees it; tests pass a controllable one. */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** The real clock. */
const SYSTEM_CLOCK: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** A send that Discord refused or that did not get through. */
export class SendError extends Error {
  override readonly name = 'SendError';
  constructor(
    message: string,
    /** HTTP status, or null for a network failure. */
    readonly status: number | null,
    /** Discord's JSON error code, when there was one. */
    readonly code: number | null = null,
  ) {
    super(message);
  }
}

/** Posts a message body to a channel; resolves with the message id, throws SendError. */
export type MessageSender = (
  channelId: string,
  body: Record<string, unknown>,
) => Promise<{ id: string }>;

/**
 * Looks among a channel's recent messages for one this bot posted with exactly `body`; resolves
 * with its id or null. Used for intents older than Discord's nonce memory.
 */
export type SentMessageFinder = (
  channelId: string,
  body: Record<string, unknown>,
) => Promise<string | null>;

/** Calls `beat` periodically until stopped. */
export type Heartbeat = (beat: () => void) => { stop(): void };

/** A node-cron heartbeat on `expression` (default: second 0 of every minute, cron's granularity). */
export function cronHeartbeat(expression = '* * * * *'): Heartbeat {
  return (beat) => {
    const task = cron.schedule(expression, () => beat(), { name: 'verbatim-digests' });
    return { stop: () => void task.destroy() };
  };
}

/** The production heartbeat. */
export const CRON_HEARTBEAT: Heartbeat = cronHeartbeat();

/** Retry policy for 429, 5xx and network failures. */
export interface RetryPolicy {
  /** Attempts in all, default 4. */
  readonly attempts: number;
  /** First backoff in ms, doubled each time, default 2 000. */
  readonly baseDelayMs: number;
}

/** Everything a scheduler needs. */
export interface SchedulerDeps {
  readonly store: DigestStorage;
  readonly library: () => Library;
  readonly send: MessageSender;
  /** Finds an already-posted copy of an old intent before re-sending it; optional. */
  readonly findSent?: SentMessageFinder;
  readonly clock?: Clock;
  readonly logger: Logger;
  readonly retry?: Partial<RetryPolicy>;
  /**
   * Who holds this scheduler's run leases; default a name unique to this scheduler. A stable
   * name (the one process of an SQLite file) lets a restart take back at once the leases its
   * killed earlier life left; schedulers sharing a database need names of their own.
   */
  readonly leaseOwner?: string;
  /** How long a claim holds a subscription without renewal, default 5 minutes. */
  readonly leaseMs?: number;
}

/** What one run did. */
export interface RunResult {
  readonly outcome: RunOutcome | 'busy';
  readonly posted: number;
  readonly detail: string | null;
  readonly messageId: string | null;
}

/**
 * How long Discord is trusted to remember a nonce ("the past few minutes"); an intent older than
 * this is looked for among the channel's recent messages before it is re-sent.
 */
const NONCE_MEMORY_MS = 60_000;

/** Runs that posted nothing are kept this long (30 days); runs with posts are kept for good. */
const RUN_RETENTION_MS = 30 * 86_400_000;

/** A run is "catch-up" when it starts this long after its slot. */
const CATCH_UP_AFTER_MS = 120_000;

/**
 * A run's lease, renewed before each step that may wait (building, each send attempt): longer
 * than any one step, and how long a subscription of a killed process waits for another.
 */
const DEFAULT_LEASE_MS = 5 * 60_000;

/** What a run that could not take its subscription reports. */
const BUSY: RunResult = {
  outcome: 'busy',
  posted: 0,
  detail: 'a run is in progress',
  messageId: null,
};

/** What a run reports when its lease ran out and another scheduler took the subscription. */
const LOST: RunResult = {
  outcome: 'failed',
  posted: 0,
  detail: 'another process took this digest over',
  messageId: null,
};

/** A lease owner name unique to this scheduler: host, process id and a random part. */
function uniqueOwner(): string {
  return `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
}

function nonce(): string {
  // Discord accepts nonces up to 25 characters.
  return `vd${randomBytes(12).toString('base64url')}`;
}

/**
 * Why a refused post pauses its subscription, or null when the failure is worth retrying. Every
 * refusal other than 429 pauses: Discord would refuse the same post again, so retrying at the
 * next run would only repeat it; the post's passages are freed and go out after /digest resume.
 */
function pauseReasonFor(error: SendError, channelId: string): string | null {
  if (error.status === 404)
    return `Unknown channel: <#${channelId}> was deleted or I cannot see it (Discord 404).`;
  if (error.status === 403) {
    return `Missing access: I cannot post in <#${channelId}> (Discord 403). Give me View Channel, Send Messages and Embed Links there, then /digest resume.`;
  }
  if (error.status !== null && error.status >= 400 && error.status < 500 && error.status !== 429) {
    const code = error.code !== null ? `, code ${error.code}` : '';
    return `Discord refused the digest for <#${channelId}> (${error.status}${code}: ${error.message.slice(0, 200)}). Fix the channel, then /digest resume.`;
  }
  return null;
}

function isRetryable(error: unknown): boolean {
  if (!(error instanceof SendError)) return false;
  return error.status === null || error.status === 429 || error.status >= 500;
}

/** Schedules and runs digests for the subscriptions in a store. */
export class DigestScheduler {
  private readonly clock: Clock;
  private readonly retry: RetryPolicy;
  private readonly owner: string;
  private readonly leaseMs: number;
  private readonly inFlight = new Map<number, Promise<RunResult>>();
  private heartbeat: { stop(): void } | null = null;
  private readonly ticks = new Set<Promise<void>>();
  private stopped = false;

  constructor(private readonly deps: SchedulerDeps) {
    this.clock = deps.clock ?? SYSTEM_CLOCK;
    this.retry = {
      attempts: deps.retry?.attempts ?? 4,
      baseDelayMs: deps.retry?.baseDelayMs ?? 2_000,
    };
    this.owner = deps.leaseOwner ?? uniqueOwner();
    this.leaseMs = deps.leaseMs ?? DEFAULT_LEASE_MS;
  }

  /** The store behind this scheduler (for listing and settings). */
  get store(): DigestStorage {
    return this.deps.store;
  }

  /**
   * Starts: gives back the leases this owner's killed earlier life held, closes runs left open by
   * a stop (those no live process holds), notes the corpus's passages, re-sends unfinished posts,
   * runs every subscription whose slot passed while the bot was down (once each), then beats.
   */
  async start(heartbeat: Heartbeat = CRON_HEARTBEAT): Promise<void> {
    const now = this.clock.now();
    await this.store.releaseLeases(this.owner);
    const interrupted = await this.store.closeInterruptedRuns(now);
    if (interrupted > 0)
      this.deps.logger.warn('digest runs interrupted by a stop', { count: interrupted });
    await this.store.pruneQuietRuns(now - RUN_RETENTION_MS);
    await this.recordArrivals();
    await this.reconcile();
    await this.tick();
    if (!this.stopped) {
      this.heartbeat = heartbeat(() => {
        void this.tick().catch((error: unknown) =>
          this.deps.logger.error('digest heartbeat failed', { error }),
        );
      });
    }
  }

  /** Stops the heartbeat and waits for runs in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.heartbeat?.stop();
    this.heartbeat = null;
    await this.idle();
  }

  /** Resolves when no tick or run is in progress. */
  async idle(): Promise<void> {
    while (this.ticks.size > 0 || this.inFlight.size > 0) {
      await Promise.allSettled([...this.ticks, ...this.inFlight.values()]);
    }
  }

  /**
   * Notes the first sighting of passages (all, or of the given articles) for "new since" digests.
   * Call it after anything that changes the Library (the watcher does; so must a Library swap).
   */
  recordArrivals(docIds?: Iterable<string>): Promise<number> {
    return this.store.recordPassagesSeen(
      passageKeysOf(this.deps.library(), docIds).values(),
      this.clock.now(),
    );
  }

  /**
   * Runs every due subscription whose slot this scheduler claims; resolves when those runs
   * finish. Runs left open by a process that died are closed first, once their lease ran out,
   * and their unfinished posts reconciled.
   */
  tick(): Promise<void> {
    // Ticks may overlap (a slow run must not hold up other digests); a subscription that is
    // already running is skipped, so no run is doubled.
    const tick: Promise<void> = this.tickOnce().finally(() => this.ticks.delete(tick));
    this.ticks.add(tick);
    return tick;
  }

  private async tickOnce(): Promise<void> {
    const nowMs = this.clock.now();
    const now = new Date(nowMs);
    const orphaned = await this.store.closeInterruptedRuns(nowMs);
    if (orphaned > 0) {
      this.deps.logger.warn('digest runs of a stopped process taken over', { count: orphaned });
      await this.reconcile();
    }
    const runs: Promise<RunResult>[] = [];
    for (const sub of await this.store.dueSubscriptions(nowMs)) {
      if (this.inFlight.has(sub.id)) continue;
      try {
        const decision = decideRun(
          parseSchedule(sub.schedule),
          sub.timeZone,
          new Date(sub.anchorAt),
          now,
        );
        if (decision.due === null) {
          await this.store.setNextRun(sub.id, decision.next.getTime());
          continue;
        }
        const late = decision.skipped > 0 || nowMs - decision.due.getTime() > CATCH_UP_AFTER_MS;
        if (decision.skipped > 0) {
          this.deps.logger.info('digest catching up once for slots missed while down', {
            subscription: sub.id,
            missed: decision.skipped + 1,
          });
        }
        runs.push(
          this.run(
            sub,
            late ? 'catch-up' : 'scheduled',
            decision.due.getTime(),
            decision.next.getTime(),
          ),
        );
      } catch (error) {
        this.deps.logger.error('digest schedule could not be evaluated; pausing', {
          subscription: sub.id,
          error,
        });
        await this.store.pauseSubscription(
          sub.id,
          `The schedule could not be evaluated: ${(error as Error).message}`,
        );
      }
    }
    await Promise.allSettled(runs);
  }

  /**
   * Re-sends every post recorded but not known to be sent (a crash between sending and recording),
   * with its original nonce: Discord returns the existing message instead of posting it again.
   * A subscription another scheduler holds is left to it; the posts are read again once this one
   * holds the subscription, so a post another scheduler sent meanwhile is not sent twice.
   */
  async reconcile(): Promise<void> {
    const ids = new Set((await this.store.pendingPosts()).map((post) => post.subscriptionId));
    const work: Promise<RunResult>[] = [];
    for (const id of ids) {
      const sub = await this.store.subscription(id);
      if (sub === null || this.inFlight.has(id)) continue;
      const promise = this.exclusive(sub, 'reconcile', null, null, async () => {
        const posts = await this.pendingPostsOf(id);
        for (const post of posts) {
          const result = await this.deliver(sub, post);
          if (result.outcome !== 'posted') return result;
        }
        return {
          outcome: 'posted',
          posted: 0,
          detail: `re-sent ${posts.length} unfinished post(s)`,
          messageId: null,
        };
      });
      work.push(promise);
    }
    await Promise.allSettled(work);
  }

  private async pendingPostsOf(subscriptionId: number): Promise<PostRecord[]> {
    return (await this.store.pendingPosts()).filter((p) => p.subscriptionId === subscriptionId);
  }

  /** Posts a subscription's digest now, outside its schedule ("/digest run"). */
  async runNow(subscriptionId: number): Promise<RunResult> {
    const sub = await this.store.subscription(subscriptionId);
    if (sub === null) throw new Error(`subscription ${subscriptionId} does not exist`);
    return this.run(sub, 'manual', null, null);
  }

  /** What the subscription would post now, without posting or recording anything. */
  preview(sub: Pick<Subscription, 'id' | 'topic' | 'maxQuotes' | 'baselineAt'>): Promise<Digest> {
    return buildDigest(this.deps.library(), sub.topic, {
      limit: sub.maxQuotes,
      isDelivered: (key) => this.store.isDelivered(sub.id, key),
      since: sub.baselineAt,
      firstSeen: (key) => this.store.firstSeen(key),
    });
  }

  /** Creates a subscription, effective at once; returns it with its first run time. */
  add(input: NewSubscription): Promise<Subscription> {
    const schedule = parseSchedule(input.schedule);
    const now = this.clock.now();
    const next = nextRunAfter(schedule, input.timeZone, new Date(now)).getTime();
    return this.store.addSubscription(
      { ...input, schedule: schedule.text, maxQuotes: clampDigestLimit(input.maxQuotes) },
      now,
      next,
    );
  }

  /** Changes a subscription, effective at once (a new schedule or zone counts from now). */
  async update(
    id: number,
    changes: Partial<
      Pick<
        Subscription,
        'channelId' | 'topic' | 'schedule' | 'timeZone' | 'maxQuotes' | 'postWhenEmpty'
      >
    >,
  ): Promise<Subscription> {
    const sub = await this.store.subscription(id);
    if (sub === null) throw new Error(`subscription ${id} does not exist`);
    const schedule = parseSchedule(changes.schedule ?? sub.schedule);
    const timeZone = changes.timeZone ?? sub.timeZone;
    const now = this.clock.now();
    return this.store.updateSubscription(
      id,
      {
        ...changes,
        schedule: schedule.text,
        ...(changes.maxQuotes !== undefined
          ? { maxQuotes: clampDigestLimit(changes.maxQuotes) }
          : {}),
      },
      now,
      nextRunAfter(schedule, timeZone, new Date(now)).getTime(),
    );
  }

  /** Pauses a subscription (effective at once; a run in progress finishes). */
  pause(id: number, reason: string): Promise<void> {
    return this.store.pauseSubscription(id, reason);
  }

  /** Resumes a subscription from now: slots missed while paused are not run. */
  async resume(id: number): Promise<Subscription> {
    const sub = await this.store.subscription(id);
    if (sub === null) throw new Error(`subscription ${id} does not exist`);
    const now = this.clock.now();
    const next = nextRunAfter(parseSchedule(sub.schedule), sub.timeZone, new Date(now)).getTime();
    await this.store.resumeSubscription(id, now, next);
    return (await this.store.subscription(id)) as Subscription;
  }

  /** Removes a subscription of a server; false when it is not there. */
  remove(guildId: string, id: number): Promise<boolean> {
    return this.store.removeSubscription(guildId, id);
  }

  private run(
    sub: Subscription,
    trigger: RunTrigger,
    slot: number | null,
    nextRunAt: number | null,
  ): Promise<RunResult> {
    if (this.inFlight.has(sub.id)) return Promise.resolve(BUSY);
    return this.exclusive(sub, trigger, slot, nextRunAt, (runId, startedAt) =>
      this.runBody(sub, runId, startedAt),
    );
  }

  /**
   * Runs `body` as a recorded run, with no other run of the subscription at the same time in
   * any scheduler sharing the database: the subscription (and `slot`, when scheduled) is claimed
   * first — 'busy' when another holds it or ran the slot — and given back after.
   */
  private exclusive(
    sub: Subscription,
    trigger: RunTrigger,
    slot: number | null,
    nextRunAt: number | null,
    body: (runId: number, startedAt: number) => Promise<RunResult>,
  ): Promise<RunResult> {
    const promise = this.claimedRun(sub, trigger, slot, nextRunAt, body).finally(() =>
      this.inFlight.delete(sub.id),
    );
    this.inFlight.set(sub.id, promise);
    return promise;
  }

  /** Takes (or renews) the lease on a subscription, for `slot` when given. */
  private claim(subscriptionId: number, slot: number | null = null): Promise<boolean> {
    return this.store.claimRun({
      subscriptionId,
      owner: this.owner,
      now: this.clock.now(),
      leaseMs: this.leaseMs,
      ...(slot !== null ? { slot } : {}),
    });
  }

  private async claimedRun(
    sub: Subscription,
    trigger: RunTrigger,
    slot: number | null,
    nextRunAt: number | null,
    body: (runId: number, startedAt: number) => Promise<RunResult>,
  ): Promise<RunResult> {
    if (!(await this.claim(sub.id, slot))) return BUSY;
    try {
      return await this.recordedRun(sub, trigger, slot, nextRunAt, body);
    } finally {
      // A lease left behind expires on its own; failing to give it back only delays the next run.
      await this.store.releaseRun(sub.id, this.owner).catch((error: unknown) =>
        this.deps.logger.warn('could not release a digest run lease', {
          subscription: sub.id,
          error,
        }),
      );
    }
  }

  private async recordedRun(
    sub: Subscription,
    trigger: RunTrigger,
    slot: number | null,
    nextRunAt: number | null,
    body: (runId: number, startedAt: number) => Promise<RunResult>,
  ): Promise<RunResult> {
    const log = this.deps.logger.child({ subscription: sub.id, guild: sub.guildId, trigger });
    const startedAt = this.clock.now();
    const runId = await this.store.startRun({
      subscriptionId: sub.id,
      trigger,
      scheduledFor: slot,
      startedAt,
      ...(nextRunAt !== null ? { nextRunAt } : {}),
    });
    let result: RunResult;
    try {
      result = await body(runId, startedAt);
    } catch (error) {
      log.error('digest run failed', { error });
      result = { outcome: 'failed', posted: 0, detail: (error as Error).message, messageId: null };
    }
    await this.store.finishRun(runId, {
      finishedAt: this.clock.now(),
      outcome: result.outcome as RunOutcome,
      detail: result.detail,
      posted: result.posted,
    });
    log.info('digest run finished', { outcome: result.outcome, posted: result.posted });
    return result;
  }

  private async runBody(sub: Subscription, runId: number, startedAt: number): Promise<RunResult> {
    // Posts whose outcome is unknown (crash, or retries ran out) go first, with their own nonce;
    // their quotes count as posted by this run, so its outcome says what reached the channel.
    let resent = 0;
    for (const post of await this.pendingPostsOf(sub.id)) {
      const outcome = await this.deliver(sub, post);
      if (outcome.outcome !== 'posted') return outcome;
      resent += await this.store.passageCountOf(post.id);
    }
    const digest = await this.preview((await this.store.subscription(sub.id)) ?? sub);
    let message: DigestMessage;
    if (digest.quoteCount === 0) {
      if (!sub.postWhenEmpty) {
        await this.store.setBaseline(sub.id, startedAt);
        return resent > 0
          ? { outcome: 'posted', posted: resent, detail: 'an earlier digest', messageId: null }
          : { outcome: 'nothing-new', posted: 0, detail: null, messageId: null };
      }
      message = renderNothingNew(sub.topic);
    } else {
      message = renderDigest(digest);
    }
    if (!(await this.claim(sub.id))) return LOST;
    const post = await this.store.recordIntent({
      subscriptionId: sub.id,
      runId,
      channelId: sub.channelId,
      nonce: nonce(),
      payload: JSON.stringify(message),
      passageKeys: digest.passageKeys,
      now: this.clock.now(),
    });
    const result = await this.deliver(sub, post);
    if (result.outcome !== 'posted') return result;
    const posted = resent + digest.quoteCount;
    return { ...result, posted, outcome: posted === 0 ? 'nothing-new' : 'posted' };
  }

  /** Sends a recorded post with retries; records sent, pauses on 404/403, leaves it pending otherwise. */
  private async deliver(sub: Subscription, post: PostRecord): Promise<RunResult> {
    const body = {
      ...(JSON.parse(post.payload) as Record<string, unknown>),
      nonce: post.nonce,
      enforce_nonce: true,
    };
    if (this.deps.findSent !== undefined && this.clock.now() - post.createdAt > NONCE_MEMORY_MS) {
      try {
        const found = await this.deps.findSent(post.channelId, body);
        if (found !== null) {
          await this.store.markSent(post.id, found, this.clock.now());
          this.deps.logger.info(
            'an unfinished digest post is already in the channel; not re-sent',
            {
              post: post.id,
              message: found,
            },
          );
          return { outcome: 'posted', posted: 0, detail: null, messageId: found };
        }
      } catch (error) {
        this.deps.logger.warn('could not look for an unfinished digest post; re-sending it', {
          post: post.id,
          error,
        });
      }
    }
    let lastError: unknown = null;
    for (let attempt = 1; attempt <= this.retry.attempts; attempt++) {
      // Another scheduler that took over an expired lease is re-sending this post: stop here.
      if (!(await this.claim(sub.id))) return LOST;
      try {
        const sent = await this.deps.send(post.channelId, body);
        await this.store.markSent(post.id, sent.id, this.clock.now());
        return { outcome: 'posted', posted: 0, detail: null, messageId: sent.id };
      } catch (error) {
        lastError = error;
        if (error instanceof SendError) {
          const reason = pauseReasonFor(error, post.channelId);
          if (reason !== null) {
            await this.store.markFailed(post.id);
            await this.store.pauseSubscription(sub.id, reason);
            this.deps.logger.warn('digest subscription paused', {
              subscription: sub.id,
              status: error.status,
              code: error.code,
            });
            return { outcome: 'paused', posted: 0, detail: reason, messageId: null };
          }
        }
        if (!isRetryable(error)) {
          await this.store.markFailed(post.id);
          return {
            outcome: 'failed',
            posted: 0,
            detail: (error as Error).message,
            messageId: null,
          };
        }
        if (attempt < this.retry.attempts)
          await this.clock.sleep(this.retry.baseDelayMs * 2 ** (attempt - 1));
      }
    }
    // Still unknown: the post stays pending and is re-sent with the same nonce on the next run.
    return {
      outcome: 'failed',
      posted: 0,
      detail: `gave up after ${this.retry.attempts} attempts: ${(lastError as Error).message}`,
      messageId: null,
    };
  }
}
