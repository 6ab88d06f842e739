/**
 * Feed state in SQLite: the feeds followed (with their conditional-GET validators, last fetch,
 * last error, failures in a row, next poll and poll lease), the items already handled from each,
 * so an item is recognised on the next poll by its key (GUID, id or link), and the claims by
 * which one item of any feed owns an article's canonical link and text. All instants are epoch
 * milliseconds. src/feeds/store-postgres.ts is the same on PostgreSQL.
 */
import type { Db } from '../db/db.js';

/** One followed feed. */
export interface Feed {
  readonly id: number;
  readonly url: string;
  readonly name: string;
  /** Language forced on its articles (`--lang`), else null (the feed's or the page's). */
  readonly lang: string | null;
  /** Own poll interval in minutes; null uses FEED_POLL_MINUTES. */
  readonly intervalMinutes: number | null;
  readonly addedBy: string | null;
  readonly addedAt: number;
  readonly etag: string | null;
  readonly lastModified: string | null;
  readonly lastFetchAt: number | null;
  readonly lastSuccessAt: number | null;
  /** One line on the last poll, e.g. "3 new, 1 updated" or "not modified". */
  readonly lastStatus: string | null;
  /** Why the last poll failed; null after a success. */
  readonly lastError: string | null;
  /** Failed polls in a row. */
  readonly failures: number;
  /** Items written from this feed so far, counted from its recorded items at each poll (so a poll killed half-way still counts). */
  readonly itemsSeen: number;
  readonly nextPollAt: number;
  /** The process polling it now (`host/pid/nonce`), until `leaseUntil`; null when none. */
  readonly leaseOwner: string | null;
  readonly leaseUntil: number | null;
}

/** What is remembered of an item already written. */
export interface FeedItemRecord {
  readonly feedId: number;
  readonly itemKey: string;
  readonly link: string | null;
  /** Hash of the feed entry as last seen: a change means the item was edited. */
  readonly entryHash: string;
  /** Hash of the article text written; null when the item gave no text. */
  readonly textHash: string | null;
  readonly articleId: string | null;
  /** Corpus-relative path of the file written, or null. */
  readonly file: string | null;
}

/** A row of `feeds` as both databases return it. */
export interface FeedRow {
  id: number;
  url: string;
  name: string;
  lang: string | null;
  interval_minutes: number | null;
  added_by: string | null;
  added_at: number;
  etag: string | null;
  last_modified: string | null;
  last_fetch_at: number | null;
  last_success_at: number | null;
  last_status: string | null;
  last_error: string | null;
  failures: number;
  items_seen: number;
  next_poll_at: number;
  lease_owner: string | null;
  lease_until: number | null;
}

/** A `feeds` row as a Feed. */
export function toFeed(row: FeedRow): Feed {
  return {
    id: row.id,
    url: row.url,
    name: row.name,
    lang: row.lang,
    intervalMinutes: row.interval_minutes,
    addedBy: row.added_by,
    addedAt: row.added_at,
    etag: row.etag,
    lastModified: row.last_modified,
    lastFetchAt: row.last_fetch_at,
    lastSuccessAt: row.last_success_at,
    lastStatus: row.last_status,
    lastError: row.last_error,
    failures: row.failures,
    itemsSeen: row.items_seen,
    nextPollAt: row.next_poll_at,
    leaseOwner: row.lease_owner,
    leaseUntil: row.lease_until,
  };
}

/** A row of `feed_items` as both databases return it. */
export interface ItemRow {
  feed_id: number;
  item_key: string;
  link: string | null;
  entry_hash: string;
  text_hash: string | null;
  article_id: string | null;
  file: string | null;
}

/** A `feed_items` row as a FeedItemRecord. */
export function toItem(row: ItemRow): FeedItemRecord {
  return {
    feedId: row.feed_id,
    itemKey: row.item_key,
    link: row.link,
    entryHash: row.entry_hash,
    textHash: row.text_hash,
    articleId: row.article_id,
    file: row.file,
  };
}

/** What `feeds add` supplies. */
export interface NewFeed {
  readonly url: string;
  readonly name: string;
  readonly lang: string | null;
  readonly intervalMinutes: number | null;
  readonly addedBy: string | null;
}

/** How a poll ended, as stored. */
export type PollRecord =
  | {
      readonly ok: true;
      readonly at: number;
      readonly status: string;
      /** New validators; undefined keeps the old ones (a 304). */
      readonly validators?: { etag: string | null; lastModified: string | null };
      readonly nextPollAt: number;
    }
  | {
      readonly ok: false;
      readonly at: number;
      readonly error: string;
      readonly nextPollAt: number;
    };

/** A poll lease asked for: feed `feedId` for `owner` from `now` for `leaseMs`. */
export interface PollClaim {
  readonly feedId: number;
  readonly owner: string;
  readonly now: number;
  readonly leaseMs: number;
  /** Only while the feed is still due at `now` (a scheduled poll), so it is polled once per slot. */
  readonly dueOnly: boolean;
  /** A holder known to be gone (a killed process on this machine) whose lease may be taken. */
  readonly takeOverFrom?: string;
}

/** An article's claim keys for item `itemKey` of feed `feedId`. */
export interface ArticleClaim {
  readonly feedId: number;
  readonly itemKey: string;
  /** `link:<canonical link>` and `text:<text hash>`, see claimKeysOf in write.ts. */
  readonly keys: readonly string[];
  readonly now: number;
}

/**
 * The SQL of the item count shown by `list`: items pruned plus items recorded with a file, so
 * pruning old records does not lower it. `?`/`$n` is the feed id.
 */
export function itemsSeenSql(param: string): string {
  return `items_pruned + (SELECT COUNT(*) FROM feed_items WHERE feed_id = ${param} AND file IS NOT NULL)`;
}

/** Typed access to the feed tables of an open SQLite database. */
export class FeedStore {
  constructor(private readonly db: Db) {}

  /** Adds a feed, due at `nextPollAt`; null when its URL is already followed. */
  add(input: NewFeed, now: number, nextPollAt: number): Feed | null {
    const info = this.db
      .prepare(
        `INSERT INTO feeds (url, name, lang, interval_minutes, added_by, added_at, next_poll_at)
         VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (url) DO NOTHING`,
      )
      .run(
        input.url,
        input.name,
        input.lang,
        input.intervalMinutes,
        input.addedBy,
        now,
        nextPollAt,
      );
    return info.changes === 0 ? null : this.feed(Number(info.lastInsertRowid));
  }

  /** The feed with this id, or null. */
  feed(id: number): Feed | null {
    const row = this.db.prepare('SELECT * FROM feeds WHERE id = ?').get(id) as FeedRow | undefined;
    return row === undefined ? null : toFeed(row);
  }

  /** The feed with this URL, or null. */
  feedByUrl(url: string): Feed | null {
    const row = this.db.prepare('SELECT * FROM feeds WHERE url = ?').get(url) as
      FeedRow | undefined;
    return row === undefined ? null : toFeed(row);
  }

  /** Every feed, oldest first. */
  all(): Feed[] {
    return (this.db.prepare('SELECT * FROM feeds ORDER BY id').all() as FeedRow[]).map(toFeed);
  }

  /** Feeds due at `now` (leased or not: claimPoll decides), most overdue first. */
  due(now: number): Feed[] {
    return (
      this.db
        .prepare('SELECT * FROM feeds WHERE next_poll_at <= ? ORDER BY next_poll_at, id')
        .all(now) as FeedRow[]
    ).map(toFeed);
  }

  /** Stops following a feed (its items' records and claims go too; files already written stay). */
  remove(id: number): boolean {
    return this.db.prepare('DELETE FROM feeds WHERE id = ?').run(id).changes > 0;
  }

  /**
   * Takes the feed's poll lease unless another process holds an unexpired one; with `dueOnly`,
   * only while the feed is due. Returns the feed as it now is, or null when not taken.
   */
  claimPoll(claim: PollClaim): Feed | null {
    const row = this.db
      .prepare(
        `UPDATE feeds SET lease_owner = ?, lease_until = ?
         WHERE id = ? AND (lease_until IS NULL OR lease_until < ? OR lease_owner = ? OR lease_owner = ?)
           AND (? = 0 OR next_poll_at <= ?)
         RETURNING *`,
      )
      .get(
        claim.owner,
        claim.now + claim.leaseMs,
        claim.feedId,
        claim.now,
        claim.owner,
        claim.takeOverFrom ?? null,
        claim.dueOnly ? 1 : 0,
        claim.now,
      ) as FeedRow | undefined;
    return row === undefined ? null : toFeed(row);
  }

  /** Extends `owner`'s lease to `until`; false when it no longer holds it. */
  renewPoll(feedId: number, owner: string, until: number): boolean {
    return (
      this.db
        .prepare('UPDATE feeds SET lease_until = ? WHERE id = ? AND lease_owner = ?')
        .run(until, feedId, owner).changes > 0
    );
  }

  /** Gives back `owner`'s lease (nothing when another holds it by now). */
  releasePoll(feedId: number, owner: string): void {
    this.db
      .prepare(
        'UPDATE feeds SET lease_owner = NULL, lease_until = NULL WHERE id = ? AND lease_owner = ?',
      )
      .run(feedId, owner);
  }

  /** Stores how a poll ended: validators, status or error, failures in a row, next poll. */
  recordPoll(id: number, record: PollRecord): void {
    if (record.ok) {
      const keep = record.validators === undefined;
      this.db
        .prepare(
          `UPDATE feeds SET last_fetch_at = ?, last_success_at = ?, last_status = ?, last_error = NULL,
             failures = 0, items_seen = ${itemsSeenSql('?')}, next_poll_at = ?,
             etag = CASE WHEN ? THEN etag ELSE ? END,
             last_modified = CASE WHEN ? THEN last_modified ELSE ? END
           WHERE id = ?`,
        )
        .run(
          record.at,
          record.at,
          record.status,
          id,
          record.nextPollAt,
          keep ? 1 : 0,
          record.validators?.etag ?? null,
          keep ? 1 : 0,
          record.validators?.lastModified ?? null,
          id,
        );
    } else {
      this.db
        .prepare(
          `UPDATE feeds SET last_fetch_at = ?, last_error = ?, failures = failures + 1, next_poll_at = ?
           WHERE id = ?`,
        )
        .run(record.at, record.error, record.nextPollAt, id);
    }
  }

  /**
   * Follows the feed at `url` from now on (it answered with a permanent redirect there); false,
   * changing nothing, when another feed already has that URL.
   */
  moveFeed(id: number, url: string): boolean {
    return (
      this.db.prepare('UPDATE OR IGNORE feeds SET url = ? WHERE id = ?').run(url, id).changes > 0
    );
  }

  /** The record of an item of a feed by its key, or null. */
  item(feedId: number, itemKey: string): FeedItemRecord | null {
    const row = this.db
      .prepare('SELECT * FROM feed_items WHERE feed_id = ? AND item_key = ?')
      .get(feedId, itemKey) as ItemRow | undefined;
    return row === undefined ? null : toItem(row);
  }

  /** Records (or updates) what is known of an item after it was handled; it was seen at `now`. */
  saveItem(record: FeedItemRecord, now: number): void {
    this.db
      .prepare(
        `INSERT INTO feed_items (feed_id, item_key, link, entry_hash, text_hash, article_id, file,
           first_seen_at, updated_at, last_seen_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (feed_id, item_key) DO UPDATE SET link = excluded.link, entry_hash = excluded.entry_hash,
           text_hash = excluded.text_hash, article_id = excluded.article_id, file = excluded.file,
           updated_at = excluded.updated_at, last_seen_at = excluded.last_seen_at`,
      )
      .run(
        record.feedId,
        record.itemKey,
        record.link,
        record.entryHash,
        record.textHash,
        record.articleId,
        record.file,
        now,
        now,
        now,
      );
  }

  /** Notes that the items with these keys were in the feed's document at `at`. */
  markSeen(feedId: number, itemKeys: readonly string[], at: number): void {
    this.db
      .prepare(
        `UPDATE feed_items SET last_seen_at = ?
         WHERE feed_id = ? AND item_key IN (SELECT value FROM json_each(?))`,
      )
      .run(at, feedId, JSON.stringify(itemKeys));
  }

  /**
   * Forgets the feed's items last seen before `before` and absent from its latest document (those
   * seen at the latest sighting stay, however old: the feed still carries them, and a forgotten
   * item would be fetched and written again), with their claims. Returns how many were forgotten.
   */
  pruneItems(feedId: number, before: number): number {
    return this.db.transaction(() => {
      const prunable = `feed_id = ? AND last_seen_at < ?
        AND last_seen_at < (SELECT MAX(last_seen_at) FROM feed_items WHERE feed_id = ?)`;
      this.db
        .prepare(
          `DELETE FROM feed_claims WHERE feed_id = ? AND claimed_at < ? AND item_key NOT IN (
             SELECT item_key FROM feed_items WHERE feed_id = ? AND NOT (${prunable}))`,
        )
        .run(feedId, before, feedId, feedId, before, feedId);
      const written = this.db
        .prepare(`SELECT COUNT(*) AS n FROM feed_items WHERE ${prunable} AND file IS NOT NULL`)
        .get(feedId, before, feedId) as { n: number };
      const pruned = this.db
        .prepare(`DELETE FROM feed_items WHERE ${prunable}`)
        .run(feedId, before, feedId).changes;
      this.db
        .prepare('UPDATE feeds SET items_pruned = items_pruned + ? WHERE id = ?')
        .run(written.n, feedId);
      return pruned;
    })();
  }

  /**
   * Claims an article's keys for one item, all or none: true when every key is now this item's
   * (claimed now or before), false, claiming nothing, when another item of any feed holds one
   * (the article is a duplicate). The write lock is taken first, so two claims never interleave.
   */
  claimArticle(claim: ArticleClaim): boolean {
    const taken = this.db.prepare(
      'SELECT 1 FROM feed_claims WHERE claim_key = ? AND NOT (feed_id = ? AND item_key = ?)',
    );
    const insert = this.db.prepare(
      `INSERT INTO feed_claims (claim_key, feed_id, item_key, claimed_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (claim_key) DO NOTHING`,
    );
    return this.db
      .transaction(() => {
        if (claim.keys.some((key) => taken.get(key, claim.feedId, claim.itemKey) !== undefined))
          return false;
        for (const key of claim.keys) insert.run(key, claim.feedId, claim.itemKey, claim.now);
        return true;
      })
      .immediate();
  }
}
