/**
 * Feed state in PostgreSQL (`DATABASE_URL`), for several bot processes sharing one database: the
 * same tables, rules and methods as the SQLite FeedStore (src/feeds/store.ts), each returning a
 * promise. What several processes need is in the statements themselves: `claimPoll` is one
 * conditional UPDATE, so of any number of processes asking at once one gets the feed;
 * `claimArticle` inserts an article's keys in one transaction whose unique index makes a second
 * claimant wait for the first and then see its keys taken.
 */
import { inTransaction, type PgPool } from '../db/postgres.js';
import {
  itemsSeenSql,
  toFeed,
  toItem,
  type ArticleClaim,
  type Feed,
  type FeedItemRecord,
  type FeedRow,
  type ItemRow,
  type NewFeed,
  type PollClaim,
  type PollRecord,
} from './store.js';

/** PostgreSQL's code for a unique index violation. */
const UNIQUE_VIOLATION = '23505';

/** Typed access to the feed tables in PostgreSQL; migrate with DIGEST_MIGRATIONS first. */
export class PostgresFeedStore {
  constructor(private readonly pool: PgPool) {}

  /** Runs `work` in one transaction on one connection; `work` returning false rolls it back. */
  private transaction<T>(work: (query: PgPool['query']) => Promise<T>): Promise<T> {
    return inTransaction(this.pool, work, (result) => result !== false);
  }

  private async one(sql: string, values: unknown[]): Promise<Feed | null> {
    const found = await this.pool.query<FeedRow>(sql, values);
    const row = found.rows[0];
    return row === undefined ? null : toFeed(row);
  }

  /** Adds a feed, due at `nextPollAt`; null when its URL is already followed. */
  async add(input: NewFeed, now: number, nextPollAt: number): Promise<Feed | null> {
    return this.one(
      `INSERT INTO feeds (url, name, lang, interval_minutes, added_by, added_at, next_poll_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (url) DO NOTHING RETURNING *`,
      [input.url, input.name, input.lang, input.intervalMinutes, input.addedBy, now, nextPollAt],
    );
  }

  /** The feed with this id, or null. */
  async feed(id: number): Promise<Feed | null> {
    return this.one('SELECT * FROM feeds WHERE id = $1', [id]);
  }

  /** The feed with this URL, or null. */
  async feedByUrl(url: string): Promise<Feed | null> {
    return this.one('SELECT * FROM feeds WHERE url = $1', [url]);
  }

  /** Every feed, oldest first. */
  async all(): Promise<Feed[]> {
    const found = await this.pool.query<FeedRow>('SELECT * FROM feeds ORDER BY id');
    return found.rows.map(toFeed);
  }

  /** Feeds due at `now` (leased or not: claimPoll decides), most overdue first. */
  async due(now: number): Promise<Feed[]> {
    const found = await this.pool.query<FeedRow>(
      'SELECT * FROM feeds WHERE next_poll_at <= $1 ORDER BY next_poll_at, id',
      [now],
    );
    return found.rows.map(toFeed);
  }

  /** Stops following a feed (its items' records and claims go too; files already written stay). */
  async remove(id: number): Promise<boolean> {
    const done = await this.pool.query('DELETE FROM feeds WHERE id = $1', [id]);
    return (done.rowCount ?? 0) > 0;
  }

  /**
   * Takes the feed's poll lease unless another process holds an unexpired one; with `dueOnly`,
   * only while the feed is due. Returns the feed as it now is, or null when not taken.
   */
  async claimPoll(claim: PollClaim): Promise<Feed | null> {
    return this.one(
      `UPDATE feeds SET lease_owner = $2, lease_until = $3
       WHERE id = $1 AND (lease_until IS NULL OR lease_until < $4 OR lease_owner = $2
                          OR lease_owner = $5)
         AND (NOT $6 OR next_poll_at <= $4)
       RETURNING *`,
      [
        claim.feedId,
        claim.owner,
        claim.now + claim.leaseMs,
        claim.now,
        claim.takeOverFrom ?? null,
        claim.dueOnly,
      ],
    );
  }

  /** Extends `owner`'s lease to `until`; false when it no longer holds it. */
  async renewPoll(feedId: number, owner: string, until: number): Promise<boolean> {
    const done = await this.pool.query(
      'UPDATE feeds SET lease_until = $3 WHERE id = $1 AND lease_owner = $2',
      [feedId, owner, until],
    );
    return (done.rowCount ?? 0) > 0;
  }

  /** Gives back `owner`'s lease (nothing when another holds it by now). */
  async releasePoll(feedId: number, owner: string): Promise<void> {
    await this.pool.query(
      `UPDATE feeds SET lease_owner = NULL, lease_until = NULL
       WHERE id = $1 AND lease_owner = $2`,
      [feedId, owner],
    );
  }

  /** Stores how a poll ended: validators, status or error, failures in a row, next poll. */
  async recordPoll(id: number, record: PollRecord): Promise<void> {
    if (record.ok) {
      const keep = record.validators === undefined;
      await this.pool.query(
        `UPDATE feeds SET last_fetch_at = $2, last_success_at = $2, last_status = $3,
           last_error = NULL, failures = 0, items_seen = ${itemsSeenSql('$1')}, next_poll_at = $4,
           etag = CASE WHEN $5 THEN etag ELSE $6 END,
           last_modified = CASE WHEN $5 THEN last_modified ELSE $7 END
         WHERE id = $1`,
        [
          id,
          record.at,
          record.status,
          record.nextPollAt,
          keep,
          record.validators?.etag ?? null,
          record.validators?.lastModified ?? null,
        ],
      );
    } else {
      await this.pool.query(
        `UPDATE feeds SET last_fetch_at = $2, last_error = $3, failures = failures + 1,
           next_poll_at = $4
         WHERE id = $1`,
        [id, record.at, record.error, record.nextPollAt],
      );
    }
  }

  /**
   * Follows the feed at `url` from now on (it answered with a permanent redirect there); false,
   * changing nothing, when another feed already has that URL.
   */
  async moveFeed(id: number, url: string): Promise<boolean> {
    try {
      const done = await this.pool.query('UPDATE feeds SET url = $2 WHERE id = $1', [id, url]);
      return (done.rowCount ?? 0) > 0;
    } catch (error) {
      if ((error as { code?: unknown }).code === UNIQUE_VIOLATION) return false;
      throw error;
    }
  }

  /** The record of an item of a feed by its key, or null. */
  async item(feedId: number, itemKey: string): Promise<FeedItemRecord | null> {
    const found = await this.pool.query<ItemRow>(
      'SELECT * FROM feed_items WHERE feed_id = $1 AND item_key = $2',
      [feedId, itemKey],
    );
    const row = found.rows[0];
    return row === undefined ? null : toItem(row);
  }

  /** Records (or updates) what is known of an item after it was handled; it was seen at `now`. */
  async saveItem(record: FeedItemRecord, now: number): Promise<void> {
    await this.pool.query(
      `INSERT INTO feed_items (feed_id, item_key, link, entry_hash, text_hash, article_id, file,
         first_seen_at, updated_at, last_seen_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $8)
       ON CONFLICT (feed_id, item_key) DO UPDATE SET link = excluded.link,
         entry_hash = excluded.entry_hash, text_hash = excluded.text_hash,
         article_id = excluded.article_id, file = excluded.file, updated_at = excluded.updated_at,
         last_seen_at = excluded.last_seen_at`,
      [
        record.feedId,
        record.itemKey,
        record.link,
        record.entryHash,
        record.textHash,
        record.articleId,
        record.file,
        now,
      ],
    );
  }

  /** Notes that the items with these keys were in the feed's document at `at`. */
  async markSeen(feedId: number, itemKeys: readonly string[], at: number): Promise<void> {
    await this.pool.query(
      `UPDATE feed_items SET last_seen_at = $3 WHERE feed_id = $1 AND item_key = ANY ($2::text[])`,
      [feedId, itemKeys, at],
    );
  }

  /**
   * Forgets the feed's items last seen before `before` and absent from its latest document (those
   * seen at the latest sighting stay, however old), with their claims. Returns how many.
   */
  async pruneItems(feedId: number, before: number): Promise<number> {
    return this.transaction(async (query) => {
      const prunable = `feed_id = $1 AND last_seen_at < $2
        AND last_seen_at < (SELECT MAX(last_seen_at) FROM feed_items WHERE feed_id = $1)`;
      await query(
        `DELETE FROM feed_claims WHERE feed_id = $1 AND claimed_at < $2 AND item_key NOT IN (
           SELECT item_key FROM feed_items WHERE feed_id = $1 AND NOT (${prunable}))`,
        [feedId, before],
      );
      const pruned = await query<{ file: string | null }>(
        `DELETE FROM feed_items WHERE ${prunable} RETURNING file`,
        [feedId, before],
      );
      const written = pruned.rows.filter((r) => r.file !== null).length;
      await query('UPDATE feeds SET items_pruned = items_pruned + $2 WHERE id = $1', [
        feedId,
        written,
      ]);
      return pruned.rows.length;
    });
  }

  /**
   * Claims an article's keys for one item, all or none: true when every key is now this item's
   * (claimed now or before), false, claiming nothing, when another item of any feed holds one
   * (the article is a duplicate). Keys are inserted in one order, so two claimants never wait
   * on each other in a cycle.
   */
  async claimArticle(claim: ArticleClaim): Promise<boolean> {
    const keys = [...claim.keys].sort();
    return this.transaction(async (query) => {
      for (const key of keys) {
        await query(
          `INSERT INTO feed_claims (claim_key, feed_id, item_key, claimed_at)
           VALUES ($1, $2, $3, $4) ON CONFLICT (claim_key) DO NOTHING`,
          [key, claim.feedId, claim.itemKey, claim.now],
        );
      }
      const others = await query(
        `SELECT 1 FROM feed_claims WHERE claim_key = ANY ($1::text[])
           AND NOT (feed_id = $2 AND item_key = $3)`,
        [keys, claim.feedId, claim.itemKey],
      );
      return others.rows.length === 0;
    });
  }
}
