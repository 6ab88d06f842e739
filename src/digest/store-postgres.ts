/**
 * Digest state in PostgreSQL (`DATABASE_URL`), for several bot processes sharing one database:
 * the same tables, rules and methods as the SQLite DigestStore (src/digest/store.ts), each
 * method returning a promise. What makes several processes safe lives in both stores:
 *
 * - `claimRun` takes a subscription for one run — its due slot, when scheduled — in one
 *   conditional UPDATE: of any number of processes asking at once exactly one gets it, and a
 *   slot already consumed is never claimed again. The claim is a lease, renewed while the run
 *   lasts: a process killed mid-post holds the subscription only until the lease runs out,
 *   after which another process re-sends its pending post with the same nonce.
 * - `closeInterruptedRuns` closes only runs whose subscription nobody holds: another process's
 *   run in progress is not "interrupted" by this one starting.
 */
import { inTransaction, type PgPool } from '../db/postgres.js';
import {
  toPost,
  toRun,
  toSubscription,
  type NewSubscription,
  type PostRecord,
  type PostRow,
  type RunOutcome,
  type RunRecord,
  type RunRow,
  type RunTrigger,
  type Subscription,
  type SubscriptionRow,
} from './store.js';

/** Columns of a subscription as the SQLite store returns them (no lease). */
const SUBSCRIPTION_COLUMNS = `id, guild_id, channel_id, topic, schedule, time_zone, max_quotes,
  post_when_empty, status, pause_reason, created_by, created_at, anchor_at, baseline_at,
  next_run_at, last_run_at, last_outcome`;

/** Typed access to the digest tables in PostgreSQL; migrate with DIGEST_MIGRATIONS first. */
export class PostgresDigestStore {
  constructor(private readonly pool: PgPool) {}

  /** Runs `work` in one transaction on one connection. */
  private transaction<T>(work: (query: PgPool['query']) => Promise<T>): Promise<T> {
    return inTransaction(this.pool, work);
  }

  /** Creates an active subscription whose slots count from `now`. */
  async addSubscription(
    input: NewSubscription,
    now: number,
    nextRunAt: number | null,
  ): Promise<Subscription> {
    const found = await this.pool.query<SubscriptionRow>(
      `INSERT INTO subscriptions (guild_id, channel_id, topic, schedule, time_zone, max_quotes,
         post_when_empty, status, created_by, created_at, anchor_at, next_run_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'active', $8, $9, $9, $10)
       RETURNING ${SUBSCRIPTION_COLUMNS}`,
      [
        input.guildId,
        input.channelId,
        input.topic,
        input.schedule,
        input.timeZone,
        input.maxQuotes,
        input.postWhenEmpty,
        input.createdBy,
        now,
        nextRunAt,
      ],
    );
    return toSubscription(found.rows[0]!);
  }

  /** The subscription with this id, or null. */
  async subscription(id: number): Promise<Subscription | null> {
    const found = await this.pool.query<SubscriptionRow>(
      `SELECT ${SUBSCRIPTION_COLUMNS} FROM subscriptions WHERE id = $1`,
      [id],
    );
    const row = found.rows[0];
    return row === undefined ? null : toSubscription(row);
  }

  private async requireSubscription(id: number): Promise<Subscription> {
    const sub = await this.subscription(id);
    if (sub === null) throw new Error(`subscription ${id} does not exist`);
    return sub;
  }

  /** A server's subscriptions, oldest first. */
  async subscriptionsOf(guildId: string): Promise<Subscription[]> {
    const found = await this.pool.query<SubscriptionRow>(
      `SELECT ${SUBSCRIPTION_COLUMNS} FROM subscriptions WHERE guild_id = $1 ORDER BY id`,
      [guildId],
    );
    return found.rows.map(toSubscription);
  }

  /** Active subscriptions whose next run is at or before `now`, soonest first. */
  async dueSubscriptions(now: number): Promise<Subscription[]> {
    const found = await this.pool.query<SubscriptionRow>(
      `SELECT ${SUBSCRIPTION_COLUMNS} FROM subscriptions
       WHERE status = 'active' AND next_run_at IS NOT NULL AND next_run_at <= $1
       ORDER BY next_run_at, id`,
      [now],
    );
    return found.rows.map(toSubscription);
  }

  /** Every active subscription (to compute next runs at start). */
  async activeSubscriptions(): Promise<Subscription[]> {
    const found = await this.pool.query<SubscriptionRow>(
      `SELECT ${SUBSCRIPTION_COLUMNS} FROM subscriptions WHERE status = 'active' ORDER BY id`,
    );
    return found.rows.map(toSubscription);
  }

  /** Deletes a server's subscription with its runs, posts and deliveries; false when not found. */
  async removeSubscription(guildId: string, id: number): Promise<boolean> {
    const done = await this.pool.query(
      'DELETE FROM subscriptions WHERE id = $1 AND guild_id = $2',
      [id, guildId],
    );
    return (done.rowCount ?? 0) > 0;
  }

  /**
   * Changes a subscription's settings. A new topic starts over from the best current matches;
   * a new schedule or zone counts slots from `now`.
   */
  async updateSubscription(
    id: number,
    changes: Partial<
      Pick<
        Subscription,
        'channelId' | 'topic' | 'schedule' | 'timeZone' | 'maxQuotes' | 'postWhenEmpty'
      >
    >,
    now: number,
    nextRunAt: number | null,
  ): Promise<Subscription> {
    const current = await this.requireSubscription(id);
    const next = { ...current, ...changes };
    const rescheduled = next.schedule !== current.schedule || next.timeZone !== current.timeZone;
    await this.pool.query(
      `UPDATE subscriptions SET channel_id = $1, topic = $2, schedule = $3, time_zone = $4,
         max_quotes = $5, post_when_empty = $6, baseline_at = $7, anchor_at = $8,
         next_run_at = $9 WHERE id = $10`,
      [
        next.channelId,
        next.topic,
        next.schedule,
        next.timeZone,
        next.maxQuotes,
        next.postWhenEmpty,
        next.topic !== current.topic ? null : current.baselineAt,
        rescheduled ? now : current.anchorAt,
        current.status === 'active' && rescheduled ? nextRunAt : current.nextRunAt,
        id,
      ],
    );
    return this.requireSubscription(id);
  }

  /** Pauses a subscription, keeping the reason to show in `list`. */
  async pauseSubscription(id: number, reason: string): Promise<void> {
    await this.pool.query(
      `UPDATE subscriptions SET status = 'paused', pause_reason = $1, next_run_at = NULL
       WHERE id = $2`,
      [reason, id],
    );
  }

  /** Resumes a subscription; slots count from `now` (slots missed while paused are not run). */
  async resumeSubscription(id: number, now: number, nextRunAt: number): Promise<void> {
    await this.pool.query(
      `UPDATE subscriptions SET status = 'active', pause_reason = NULL, anchor_at = $1,
         next_run_at = $2 WHERE id = $3`,
      [now, nextRunAt, id],
    );
  }

  /** Stores when a subscription should next be looked at. */
  async setNextRun(id: number, nextRunAt: number): Promise<void> {
    await this.pool.query('UPDATE subscriptions SET next_run_at = $1 WHERE id = $2', [
      nextRunAt,
      id,
    ]);
  }

  /** Marks when the first digest was built (only the first call has an effect). */
  async setBaseline(id: number, at: number): Promise<void> {
    await this.pool.query(
      'UPDATE subscriptions SET baseline_at = $1 WHERE id = $2 AND baseline_at IS NULL',
      [at, id],
    );
  }

  /** A server's default time zone, or null. */
  async guildTimeZone(guildId: string): Promise<string | null> {
    const found = await this.pool.query<{ time_zone: string }>(
      'SELECT time_zone FROM guild_settings WHERE guild_id = $1',
      [guildId],
    );
    return found.rows[0]?.time_zone ?? null;
  }

  /** Sets a server's default time zone for new subscriptions. */
  async setGuildTimeZone(guildId: string, timeZone: string): Promise<void> {
    await this.pool.query(
      `INSERT INTO guild_settings (guild_id, time_zone) VALUES ($1, $2)
       ON CONFLICT (guild_id) DO UPDATE SET time_zone = excluded.time_zone`,
      [guildId, timeZone],
    );
  }

  /**
   * Takes subscription `id` for one run by `owner` until `now + leaseMs`, unless another process
   * holds an unexpired lease (the same owner renews its own). With `slot` (a scheduled run),
   * only while that slot is still due — after `anchor_at`, which the run's start moves to the
   * slot — so a slot is claimed once, by one process, however many ask. Returns whether this
   * caller got it; `releaseRun` gives it back.
   */
  async claimRun(input: {
    subscriptionId: number;
    owner: string;
    now: number;
    leaseMs: number;
    slot?: number;
  }): Promise<boolean> {
    const done = await this.pool.query(
      `UPDATE subscriptions SET lease_owner = $2, lease_until = $3
       WHERE id = $1 AND (lease_until IS NULL OR lease_until < $4 OR lease_owner = $2)
         AND ($5::bigint IS NULL OR (status = 'active' AND anchor_at < $5))`,
      [input.subscriptionId, input.owner, input.now + input.leaseMs, input.now, input.slot ?? null],
    );
    return done.rowCount === 1;
  }

  /** Gives back a subscription claimed by `owner` (nothing when another holds it by now). */
  async releaseRun(subscriptionId: number, owner: string): Promise<void> {
    await this.pool.query(
      `UPDATE subscriptions SET lease_owner = NULL, lease_until = NULL
       WHERE id = $1 AND lease_owner = $2`,
      [subscriptionId, owner],
    );
  }

  /** Gives back every lease `owner` holds: at start, those a killed earlier life left behind. */
  async releaseLeases(owner: string): Promise<void> {
    await this.pool.query(
      'UPDATE subscriptions SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = $1',
      [owner],
    );
  }

  /**
   * Records that a run started. For a scheduled run, in the same transaction, the subscription's
   * anchor moves to the slot and its next run is stored, so the slot is consumed exactly once.
   */
  async startRun(input: {
    subscriptionId: number;
    trigger: RunTrigger;
    scheduledFor: number | null;
    startedAt: number;
    nextRunAt?: number;
  }): Promise<number> {
    return this.transaction(async (query) => {
      const found = await query<{ id: number }>(
        `INSERT INTO runs (subscription_id, trigger, scheduled_for, started_at)
         VALUES ($1, $2, $3, $4) RETURNING id`,
        [input.subscriptionId, input.trigger, input.scheduledFor, input.startedAt],
      );
      if (input.scheduledFor !== null && input.nextRunAt !== undefined)
        await query('UPDATE subscriptions SET anchor_at = $1, next_run_at = $2 WHERE id = $3', [
          input.scheduledFor,
          input.nextRunAt,
          input.subscriptionId,
        ]);
      return found.rows[0]!.id;
    });
  }

  /** Records how a run ended and shows it as the subscription's last run. */
  async finishRun(
    runId: number,
    result: { finishedAt: number; outcome: RunOutcome; detail: string | null; posted: number },
  ): Promise<void> {
    await this.transaction(async (query) => {
      await query(
        'UPDATE runs SET finished_at = $1, outcome = $2, detail = $3, posted = $4 WHERE id = $5',
        [result.finishedAt, result.outcome, result.detail, result.posted, runId],
      );
      await query(
        `UPDATE subscriptions SET last_run_at = $1, last_outcome = $2
         WHERE id = (SELECT subscription_id FROM runs WHERE id = $3)`,
        [result.finishedAt, result.outcome, runId],
      );
    });
  }

  /**
   * Closes, as `interrupted`, runs left open by a process that stopped: those of subscriptions
   * no process holds an unexpired lease on at `now`. Returns how many. A scheduled run that
   * stopped before recording its post gives its slot back, as in SQLite, so the next tick runs
   * that slot once; a run that recorded a post is finished by reconciling the post instead.
   */
  async closeInterruptedRuns(now: number): Promise<number> {
    return this.transaction(async (query) => {
      await query(
        `UPDATE subscriptions SET anchor_at = runs.scheduled_for - 1, next_run_at = runs.scheduled_for
         FROM runs
         WHERE runs.subscription_id = subscriptions.id AND runs.finished_at IS NULL
           AND runs.scheduled_for IS NOT NULL AND subscriptions.anchor_at = runs.scheduled_for
           AND subscriptions.status = 'active'
           AND (subscriptions.lease_until IS NULL OR subscriptions.lease_until < $1)
           AND NOT EXISTS (SELECT 1 FROM posts WHERE posts.run_id = runs.id)`,
        [now],
      );
      const done = await query(
        `UPDATE runs SET finished_at = $1, outcome = 'interrupted',
           detail = 'the bot stopped during this run'
         WHERE finished_at IS NULL AND subscription_id IN (
           SELECT id FROM subscriptions WHERE lease_until IS NULL OR lease_until < $1)`,
        [now],
      );
      return done.rowCount ?? 0;
    });
  }

  /** Deletes finished runs older than `before` that posted nothing. */
  async pruneQuietRuns(before: number): Promise<number> {
    const done = await this.pool.query(
      `DELETE FROM runs WHERE finished_at IS NOT NULL AND finished_at < $1
         AND NOT EXISTS (SELECT 1 FROM posts WHERE posts.run_id = runs.id)`,
      [before],
    );
    return done.rowCount ?? 0;
  }

  /** A subscription's runs, newest first. */
  async runsOf(subscriptionId: number, limit = 20): Promise<RunRecord[]> {
    const found = await this.pool.query<RunRow>(
      'SELECT * FROM runs WHERE subscription_id = $1 ORDER BY id DESC LIMIT $2',
      [subscriptionId, limit],
    );
    return found.rows.map(toRun);
  }

  /** Whether this passage was already chosen for this subscription (sent or being sent). */
  async isDelivered(subscriptionId: number, passageKey: string): Promise<boolean> {
    const found = await this.pool.query(
      'SELECT 1 FROM deliveries WHERE subscription_id = $1 AND passage_key = $2',
      [subscriptionId, passageKey],
    );
    return found.rows.length > 0;
  }

  /**
   * Records the intent to post `payload` with `nonce`, reserving `passageKeys` for the
   * subscription, in one transaction. Throws (and records nothing) when a key is already taken.
   */
  async recordIntent(input: {
    subscriptionId: number;
    runId: number;
    channelId: string;
    nonce: string;
    payload: string;
    passageKeys: readonly string[];
    now: number;
  }): Promise<PostRecord> {
    return this.transaction(async (query) => {
      const found = await query<PostRow>(
        `INSERT INTO posts (subscription_id, run_id, channel_id, nonce, payload, status, created_at)
         VALUES ($1, $2, $3, $4, $5, 'pending', $6) RETURNING *`,
        [input.subscriptionId, input.runId, input.channelId, input.nonce, input.payload, input.now],
      );
      const post = found.rows[0]!;
      const keys = [...new Set(input.passageKeys)];
      await query(
        `INSERT INTO deliveries (subscription_id, passage_key, post_id)
         SELECT $1, key, $3 FROM unnest($2::text[]) AS key`,
        [input.subscriptionId, keys, post.id],
      );
      return toPost(post);
    });
  }

  /**
   * Marks a post as sent, with the Discord message id; the subscription's first sent post sets
   * its baseline in the same transaction, as in SQLite.
   */
  async markSent(postId: number, messageId: string, now: number): Promise<void> {
    await this.transaction(async (query) => {
      await query(`UPDATE posts SET status = 'sent', message_id = $1, sent_at = $2 WHERE id = $3`, [
        messageId,
        now,
        postId,
      ]);
      await query(
        `UPDATE subscriptions SET baseline_at = runs.started_at
         FROM posts JOIN runs ON runs.id = posts.run_id
         WHERE posts.id = $1 AND subscriptions.id = posts.subscription_id
           AND subscriptions.baseline_at IS NULL`,
        [postId],
      );
    });
  }

  /** How many passages a post carries (its reserved deliveries). */
  async passageCountOf(postId: number): Promise<number> {
    const found = await this.pool.query<{ n: number }>(
      'SELECT COUNT(*)::integer AS n FROM deliveries WHERE post_id = $1',
      [postId],
    );
    return found.rows[0]?.n ?? 0;
  }

  /** Marks a post as failed and frees its passages, so a later digest may post them. */
  async markFailed(postId: number): Promise<void> {
    await this.transaction(async (query) => {
      await query(`UPDATE posts SET status = 'failed' WHERE id = $1`, [postId]);
      await query('DELETE FROM deliveries WHERE post_id = $1', [postId]);
    });
  }

  /** Posts recorded but not known to be sent, oldest first. */
  async pendingPosts(): Promise<PostRecord[]> {
    const found = await this.pool.query<PostRow>(
      `SELECT * FROM posts WHERE status = 'pending' ORDER BY id`,
    );
    return found.rows.map(toPost);
  }

  /** A post by id, or null. */
  async post(id: number): Promise<PostRecord | null> {
    const found = await this.pool.query<PostRow>('SELECT * FROM posts WHERE id = $1', [id]);
    const row = found.rows[0];
    return row === undefined ? null : toPost(row);
  }

  /** The posts of a subscription, oldest first. */
  async postsOf(subscriptionId: number): Promise<PostRecord[]> {
    const found = await this.pool.query<PostRow>(
      'SELECT * FROM posts WHERE subscription_id = $1 ORDER BY id',
      [subscriptionId],
    );
    return found.rows.map(toPost);
  }

  /** Notes the first time each passage key was seen; already known keys keep their time. */
  async recordPassagesSeen(passageKeys: Iterable<string>, now: number): Promise<number> {
    const keys = [...new Set(passageKeys)];
    if (keys.length === 0) return 0;
    const done = await this.pool.query(
      `INSERT INTO passages_seen (passage_key, first_seen_at)
       SELECT key, $2 FROM unnest($1::text[]) AS key
       ON CONFLICT (passage_key) DO NOTHING`,
      [keys, now],
    );
    return done.rowCount ?? 0;
  }

  /** When a passage key was first seen, or null if never recorded. */
  async firstSeen(passageKey: string): Promise<number | null> {
    const found = await this.pool.query<{ first_seen_at: number }>(
      'SELECT first_seen_at FROM passages_seen WHERE passage_key = $1',
      [passageKey],
    );
    return found.rows[0]?.first_seen_at ?? null;
  }
}
