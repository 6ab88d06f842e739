/**
 * Digest state in SQLite: subscriptions, guild settings, runs, posts (send intents) and
 * deliveries. A delivery is unique per (subscription, passage key), so a passage can be chosen
 * for a subscription only once. A post is recorded as `pending` with its nonce and exact payload
 * before it is sent, and marked `sent` after, so a crash in between leaves an intent that the
 * next start re-sends with the same nonce. A run holds its subscription under a lease
 * (`claimRun`), so schedulers sharing the database never run one subscription twice at once.
 * All instants are epoch milliseconds.
 */
import type { Db } from '../db/db.js';

/** Whether a subscription posts on its schedule. */
type SubscriptionStatus = 'active' | 'paused';

/** Why a run started. */
export type RunTrigger = 'scheduled' | 'catch-up' | 'manual' | 'reconcile';

/** How a run ended. */
export type RunOutcome = 'posted' | 'nothing-new' | 'paused' | 'failed' | 'interrupted';

/** One channel following one topic. */
export interface Subscription {
  readonly id: number;
  readonly guildId: string;
  readonly channelId: string;
  readonly topic: string;
  /** Normalised schedule text, e.g. "daily 08:30" or a cron expression. */
  readonly schedule: string;
  readonly timeZone: string;
  /** Most quotes per digest. */
  readonly maxQuotes: number;
  /** Post one short line when there is nothing new (otherwise post nothing). */
  readonly postWhenEmpty: boolean;
  readonly status: SubscriptionStatus;
  readonly pauseReason: string | null;
  readonly createdBy: string | null;
  readonly createdAt: number;
  /** Slots after this instant are due: the last run's slot, or creation / resume time. */
  readonly anchorAt: number;
  /** When the first digest was built; later digests take only passages first seen after it. */
  readonly baselineAt: number | null;
  readonly nextRunAt: number | null;
  readonly lastRunAt: number | null;
  readonly lastOutcome: RunOutcome | null;
}

/** What `/digest add` supplies. */
export type NewSubscription = Pick<
  Subscription,
  | 'guildId'
  | 'channelId'
  | 'topic'
  | 'schedule'
  | 'timeZone'
  | 'maxQuotes'
  | 'postWhenEmpty'
  | 'createdBy'
>;

/** A recorded run. */
export interface RunRecord {
  readonly id: number;
  readonly subscriptionId: number;
  readonly trigger: RunTrigger;
  readonly scheduledFor: number | null;
  readonly startedAt: number;
  readonly finishedAt: number | null;
  readonly outcome: RunOutcome | null;
  readonly detail: string | null;
  readonly posted: number;
}

/** A message recorded before it is sent. */
export interface PostRecord {
  readonly id: number;
  readonly subscriptionId: number;
  readonly runId: number;
  readonly channelId: string;
  /** Discord message nonce (≤ 25 characters), reused for every attempt of this post. */
  readonly nonce: string;
  /** The exact JSON body to send. */
  readonly payload: string;
  readonly status: 'pending' | 'sent' | 'failed';
  readonly messageId: string | null;
  readonly createdAt: number;
}

/** A subscriptions row as either database returns it. */
export interface SubscriptionRow {
  id: number;
  guild_id: string;
  channel_id: string;
  topic: string;
  schedule: string;
  time_zone: string;
  max_quotes: number;
  /** SQLite stores 0/1, PostgreSQL a boolean. */
  post_when_empty: number | boolean;
  status: SubscriptionStatus;
  pause_reason: string | null;
  created_by: string | null;
  created_at: number;
  anchor_at: number;
  baseline_at: number | null;
  next_run_at: number | null;
  last_run_at: number | null;
  last_outcome: RunOutcome | null;
}

/** The Subscription a row describes (shared by the SQLite and PostgreSQL stores). */
export function toSubscription(row: SubscriptionRow): Subscription {
  return {
    id: row.id,
    guildId: row.guild_id,
    channelId: row.channel_id,
    topic: row.topic,
    schedule: row.schedule,
    timeZone: row.time_zone,
    maxQuotes: row.max_quotes,
    postWhenEmpty: row.post_when_empty === 1 || row.post_when_empty === true,
    status: row.status,
    pauseReason: row.pause_reason,
    createdBy: row.created_by,
    createdAt: row.created_at,
    anchorAt: row.anchor_at,
    baselineAt: row.baseline_at,
    nextRunAt: row.next_run_at,
    lastRunAt: row.last_run_at,
    lastOutcome: row.last_outcome,
  };
}

/** A runs row as either database returns it. */
export interface RunRow {
  id: number;
  subscription_id: number;
  trigger: RunTrigger;
  scheduled_for: number | null;
  started_at: number;
  finished_at: number | null;
  outcome: RunOutcome | null;
  detail: string | null;
  posted: number;
}

/** The RunRecord a row describes. */
export function toRun(row: RunRow): RunRecord {
  return {
    id: row.id,
    subscriptionId: row.subscription_id,
    trigger: row.trigger,
    scheduledFor: row.scheduled_for,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    outcome: row.outcome,
    detail: row.detail,
    posted: row.posted,
  };
}

/** A posts row as either database returns it. */
export interface PostRow {
  id: number;
  subscription_id: number;
  run_id: number;
  channel_id: string;
  nonce: string;
  payload: string;
  status: 'pending' | 'sent' | 'failed';
  message_id: string | null;
  created_at: number;
}

/** The PostRecord a row describes. */
export function toPost(row: PostRow): PostRecord {
  return {
    id: row.id,
    subscriptionId: row.subscription_id,
    runId: row.run_id,
    channelId: row.channel_id,
    nonce: row.nonce,
    payload: row.payload,
    status: row.status,
    messageId: row.message_id,
    createdAt: row.created_at,
  };
}

/** Typed access to the digest tables of an open database. */
export class DigestStore {
  constructor(private readonly db: Db) {}

  /** Creates an active subscription whose slots count from `now`. */
  addSubscription(input: NewSubscription, now: number, nextRunAt: number | null): Subscription {
    const info = this.db
      .prepare(
        `INSERT INTO subscriptions (guild_id, channel_id, topic, schedule, time_zone, max_quotes, post_when_empty,
           status, created_by, created_at, anchor_at, next_run_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, 'active', ?, ?, ?, ?)`,
      )
      .run(
        input.guildId,
        input.channelId,
        input.topic,
        input.schedule,
        input.timeZone,
        input.maxQuotes,
        input.postWhenEmpty ? 1 : 0,
        input.createdBy,
        now,
        now,
        nextRunAt,
      );
    return this.requireSubscription(Number(info.lastInsertRowid));
  }

  /** The subscription with this id, or null. */
  subscription(id: number): Subscription | null {
    const row = this.db.prepare('SELECT * FROM subscriptions WHERE id = ?').get(id) as
      SubscriptionRow | undefined;
    return row === undefined ? null : toSubscription(row);
  }

  private requireSubscription(id: number): Subscription {
    const sub = this.subscription(id);
    if (sub === null) throw new Error(`subscription ${id} does not exist`);
    return sub;
  }

  /** A server's subscriptions, oldest first. */
  subscriptionsOf(guildId: string): Subscription[] {
    const rows = this.db
      .prepare('SELECT * FROM subscriptions WHERE guild_id = ? ORDER BY id')
      .all(guildId) as SubscriptionRow[];
    return rows.map(toSubscription);
  }

  /** Active subscriptions whose next run is at or before `now`, soonest first. */
  dueSubscriptions(now: number): Subscription[] {
    const rows = this.db
      .prepare(
        `SELECT * FROM subscriptions WHERE status = 'active' AND next_run_at IS NOT NULL AND next_run_at <= ?
         ORDER BY next_run_at, id`,
      )
      .all(now) as SubscriptionRow[];
    return rows.map(toSubscription);
  }

  /** Every active subscription (to compute next runs at start). */
  activeSubscriptions(): Subscription[] {
    const rows = this.db
      .prepare(`SELECT * FROM subscriptions WHERE status = 'active' ORDER BY id`)
      .all() as SubscriptionRow[];
    return rows.map(toSubscription);
  }

  /** Deletes a server's subscription with its runs, posts and deliveries; false when not found. */
  removeSubscription(guildId: string, id: number): boolean {
    return (
      this.db.prepare('DELETE FROM subscriptions WHERE id = ? AND guild_id = ?').run(id, guildId)
        .changes > 0
    );
  }

  /**
   * Changes a subscription's settings. A new topic starts over from the best current matches
   * (passages already posted stay posted); a new schedule or zone counts slots from `now`.
   */
  updateSubscription(
    id: number,
    changes: Partial<
      Pick<
        Subscription,
        'channelId' | 'topic' | 'schedule' | 'timeZone' | 'maxQuotes' | 'postWhenEmpty'
      >
    >,
    now: number,
    nextRunAt: number | null,
  ): Subscription {
    const current = this.requireSubscription(id);
    const next = { ...current, ...changes };
    const rescheduled = next.schedule !== current.schedule || next.timeZone !== current.timeZone;
    this.db
      .prepare(
        `UPDATE subscriptions SET channel_id = ?, topic = ?, schedule = ?, time_zone = ?, max_quotes = ?,
           post_when_empty = ?, baseline_at = ?, anchor_at = ?, next_run_at = ? WHERE id = ?`,
      )
      .run(
        next.channelId,
        next.topic,
        next.schedule,
        next.timeZone,
        next.maxQuotes,
        next.postWhenEmpty ? 1 : 0,
        next.topic !== current.topic ? null : current.baselineAt,
        rescheduled ? now : current.anchorAt,
        current.status === 'active' && rescheduled ? nextRunAt : current.nextRunAt,
        id,
      );
    return this.requireSubscription(id);
  }

  /** Pauses a subscription, keeping the reason to show in `list`. */
  pauseSubscription(id: number, reason: string): void {
    this.db
      .prepare(
        `UPDATE subscriptions SET status = 'paused', pause_reason = ?, next_run_at = NULL WHERE id = ?`,
      )
      .run(reason, id);
  }

  /** Resumes a subscription; slots count from `now` (slots missed while paused are not run). */
  resumeSubscription(id: number, now: number, nextRunAt: number): void {
    this.db
      .prepare(
        `UPDATE subscriptions SET status = 'active', pause_reason = NULL, anchor_at = ?, next_run_at = ? WHERE id = ?`,
      )
      .run(now, nextRunAt, id);
  }

  /** Stores when a subscription should next be looked at. */
  setNextRun(id: number, nextRunAt: number): void {
    this.db.prepare('UPDATE subscriptions SET next_run_at = ? WHERE id = ?').run(nextRunAt, id);
  }

  /**
   * Marks when the first digest was built (only the first call has an effect); for a first run
   * that found nothing to post. A posted digest sets it through `markSent`.
   */
  setBaseline(id: number, at: number): void {
    this.db
      .prepare('UPDATE subscriptions SET baseline_at = ? WHERE id = ? AND baseline_at IS NULL')
      .run(at, id);
  }

  /** A server's default time zone, or null. */
  guildTimeZone(guildId: string): string | null {
    const row = this.db
      .prepare('SELECT time_zone FROM guild_settings WHERE guild_id = ?')
      .get(guildId) as { time_zone: string } | undefined;
    return row?.time_zone ?? null;
  }

  /** Sets a server's default time zone for new subscriptions. */
  setGuildTimeZone(guildId: string, timeZone: string): void {
    this.db
      .prepare(
        'INSERT INTO guild_settings (guild_id, time_zone) VALUES (?, ?) ON CONFLICT (guild_id) DO UPDATE SET time_zone = excluded.time_zone',
      )
      .run(guildId, timeZone);
  }

  /**
   * Takes subscription `id` for one run by `owner` until `now + leaseMs`, unless another owner
   * holds an unexpired lease (the same owner renews its own). With `slot` (a scheduled run),
   * only while that slot is still due — after `anchor_at`, which the run's start moves to the
   * slot — so a slot is claimed once, by one scheduler, however many ask. Returns whether this
   * caller got it; `releaseRun` gives it back.
   */
  claimRun(input: {
    subscriptionId: number;
    owner: string;
    now: number;
    leaseMs: number;
    slot?: number;
  }): boolean {
    const slot = input.slot ?? null;
    return (
      this.db
        .prepare(
          `UPDATE subscriptions SET lease_owner = ?, lease_until = ?
           WHERE id = ? AND (lease_until IS NULL OR lease_until < ? OR lease_owner = ?)
             AND (? IS NULL OR (status = 'active' AND anchor_at < ?))`,
        )
        .run(
          input.owner,
          input.now + input.leaseMs,
          input.subscriptionId,
          input.now,
          input.owner,
          slot,
          slot,
        ).changes === 1
    );
  }

  /** Gives back a subscription claimed by `owner` (nothing when another holds it by now). */
  releaseRun(subscriptionId: number, owner: string): void {
    this.db
      .prepare(
        'UPDATE subscriptions SET lease_owner = NULL, lease_until = NULL WHERE id = ? AND lease_owner = ?',
      )
      .run(subscriptionId, owner);
  }

  /** Gives back every lease `owner` holds: at start, those a killed earlier life left behind. */
  releaseLeases(owner: string): void {
    this.db
      .prepare(
        'UPDATE subscriptions SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = ?',
      )
      .run(owner);
  }

  /**
   * Records that a run started. For a scheduled run, in the same transaction, the subscription's
   * anchor moves to the slot and its next run is stored, so the slot is consumed exactly once.
   */
  startRun(input: {
    subscriptionId: number;
    trigger: RunTrigger;
    scheduledFor: number | null;
    startedAt: number;
    nextRunAt?: number;
  }): number {
    return this.db.transaction(() => {
      const info = this.db
        .prepare(
          'INSERT INTO runs (subscription_id, trigger, scheduled_for, started_at) VALUES (?, ?, ?, ?)',
        )
        .run(input.subscriptionId, input.trigger, input.scheduledFor, input.startedAt);
      if (input.scheduledFor !== null && input.nextRunAt !== undefined) {
        this.db
          .prepare('UPDATE subscriptions SET anchor_at = ?, next_run_at = ? WHERE id = ?')
          .run(input.scheduledFor, input.nextRunAt, input.subscriptionId);
      }
      return Number(info.lastInsertRowid);
    })();
  }

  /** Records how a run ended and shows it as the subscription's last run. */
  finishRun(
    runId: number,
    result: { finishedAt: number; outcome: RunOutcome; detail: string | null; posted: number },
  ): void {
    this.db.transaction(() => {
      this.db
        .prepare(
          'UPDATE runs SET finished_at = ?, outcome = ?, detail = ?, posted = ? WHERE id = ?',
        )
        .run(result.finishedAt, result.outcome, result.detail, result.posted, runId);
      this.db
        .prepare(
          'UPDATE subscriptions SET last_run_at = ?, last_outcome = ? WHERE id = (SELECT subscription_id FROM runs WHERE id = ?)',
        )
        .run(result.finishedAt, result.outcome, runId);
    })();
  }

  /**
   * Closes, as `interrupted`, runs left open by a scheduler that stopped: those of subscriptions
   * no one holds an unexpired lease on at `now` (a run in progress holds one). Returns how many.
   * A scheduled run that stopped before recording its post gives its slot back (the
   * subscription's anchor moves to just before it, if no later run moved it on), so the next tick
   * runs that slot once; a run that recorded a post is finished by reconciling the post instead.
   */
  closeInterruptedRuns(now: number): number {
    const unheld = 'lease_until IS NULL OR lease_until < ?';
    return this.db.transaction(() => {
      this.db
        .prepare(
          `UPDATE subscriptions SET anchor_at = runs.scheduled_for - 1, next_run_at = runs.scheduled_for
           FROM runs
           WHERE runs.subscription_id = subscriptions.id AND runs.finished_at IS NULL
             AND runs.scheduled_for IS NOT NULL AND subscriptions.anchor_at = runs.scheduled_for
             AND subscriptions.status = 'active' AND (subscriptions.${unheld})
             AND NOT EXISTS (SELECT 1 FROM posts WHERE posts.run_id = runs.id)`,
        )
        .run(now);
      return this.db
        .prepare(
          `UPDATE runs SET finished_at = ?, outcome = 'interrupted', detail = 'the bot stopped during this run'
           WHERE finished_at IS NULL AND subscription_id IN (SELECT id FROM subscriptions WHERE ${unheld})`,
        )
        .run(now, now).changes;
    })();
  }

  /**
   * Deletes finished runs older than `before` that posted nothing (a `* * * * *` digest records
   * 1,440 a day); runs with posts are kept, as their posts and deliveries hang on them.
   */
  pruneQuietRuns(before: number): number {
    return this.db
      .prepare(
        `DELETE FROM runs WHERE finished_at IS NOT NULL AND finished_at < ?
           AND NOT EXISTS (SELECT 1 FROM posts WHERE posts.run_id = runs.id)`,
      )
      .run(before).changes;
  }

  /** A subscription's runs, newest first. */
  runsOf(subscriptionId: number, limit = 20): RunRecord[] {
    const rows = this.db
      .prepare('SELECT * FROM runs WHERE subscription_id = ? ORDER BY id DESC LIMIT ?')
      .all(subscriptionId, limit) as RunRow[];
    return rows.map(toRun);
  }

  /** Whether this passage was already chosen for this subscription (sent or being sent). */
  isDelivered(subscriptionId: number, passageKey: string): boolean {
    return (
      this.db
        .prepare('SELECT 1 FROM deliveries WHERE subscription_id = ? AND passage_key = ?')
        .get(subscriptionId, passageKey) !== undefined
    );
  }

  /**
   * Records the intent to post `payload` with `nonce`, reserving `passageKeys` for the
   * subscription, in one transaction. Throws (and records nothing) when a key is already taken.
   */
  recordIntent(input: {
    subscriptionId: number;
    runId: number;
    channelId: string;
    nonce: string;
    payload: string;
    passageKeys: readonly string[];
    now: number;
  }): PostRecord {
    return this.db.transaction(() => {
      const info = this.db
        .prepare(
          `INSERT INTO posts (subscription_id, run_id, channel_id, nonce, payload, status, created_at) VALUES (?, ?, ?, ?, ?, 'pending', ?)`,
        )
        .run(
          input.subscriptionId,
          input.runId,
          input.channelId,
          input.nonce,
          input.payload,
          input.now,
        );
      const postId = Number(info.lastInsertRowid);
      const insert = this.db.prepare(
        'INSERT INTO deliveries (subscription_id, passage_key, post_id) VALUES (?, ?, ?)',
      );
      for (const key of new Set(input.passageKeys)) insert.run(input.subscriptionId, key, postId);
      return toPost(this.db.prepare('SELECT * FROM posts WHERE id = ?').get(postId) as PostRow);
    })();
  }

  /**
   * Marks a post as sent, with the Discord message id. The subscription's first sent post sets
   * its baseline (when that digest was built), in the same transaction: a digest Discord refused
   * must not move the baseline, or its passages would never qualify again.
   */
  markSent(postId: number, messageId: string, now: number): void {
    this.db.transaction(() => {
      this.db
        .prepare(`UPDATE posts SET status = 'sent', message_id = ?, sent_at = ? WHERE id = ?`)
        .run(messageId, now, postId);
      this.db
        .prepare(
          `UPDATE subscriptions SET baseline_at = (
             SELECT runs.started_at FROM posts JOIN runs ON runs.id = posts.run_id WHERE posts.id = ?)
           WHERE id = (SELECT subscription_id FROM posts WHERE id = ?) AND baseline_at IS NULL`,
        )
        .run(postId, postId);
    })();
  }

  /** How many passages a post carries (its reserved deliveries). */
  passageCountOf(postId: number): number {
    return (
      this.db.prepare('SELECT COUNT(*) AS n FROM deliveries WHERE post_id = ?').get(postId) as {
        n: number;
      }
    ).n;
  }

  /** Marks a post as failed and frees its passages, so a later digest may post them. */
  markFailed(postId: number): void {
    this.db.transaction(() => {
      this.db.prepare(`UPDATE posts SET status = 'failed' WHERE id = ?`).run(postId);
      this.db.prepare('DELETE FROM deliveries WHERE post_id = ?').run(postId);
    })();
  }

  /** Posts recorded but not known to be sent (a crash came between intent and record), oldest first. */
  pendingPosts(): PostRecord[] {
    const rows = this.db
      .prepare(`SELECT * FROM posts WHERE status = 'pending' ORDER BY id`)
      .all() as PostRow[];
    return rows.map(toPost);
  }

  /** A post by id, or null. */
  post(id: number): PostRecord | null {
    const row = this.db.prepare('SELECT * FROM posts WHERE id = ?').get(id) as PostRow | undefined;
    return row === undefined ? null : toPost(row);
  }

  /** The posts of a subscription, oldest first. */
  postsOf(subscriptionId: number): PostRecord[] {
    const rows = this.db
      .prepare('SELECT * FROM posts WHERE subscription_id = ? ORDER BY id')
      .all(subscriptionId) as PostRow[];
    return rows.map(toPost);
  }

  /** Notes the first time each passage key was seen in the library; already known keys keep their time. */
  recordPassagesSeen(passageKeys: Iterable<string>, now: number): number {
    const insert = this.db.prepare(
      'INSERT OR IGNORE INTO passages_seen (passage_key, first_seen_at) VALUES (?, ?)',
    );
    return this.db.transaction(() => {
      let added = 0;
      for (const key of passageKeys) added += insert.run(key, now).changes;
      return added;
    })();
  }

  /** When a passage key was first seen, or null if never recorded. */
  firstSeen(passageKey: string): number | null {
    const row = this.db
      .prepare('SELECT first_seen_at FROM passages_seen WHERE passage_key = ?')
      .get(passageKey) as { first_seen_at: number } | undefined;
    return row?.first_seen_at ?? null;
  }
}
