/**
 * Feed state in SQLite: the feeds followed (with their conditional-GET validators, last fetch,
 * last error, failures in a row and next poll) and the items already written from each, so an
 * item is recognised on the next poll by its key (GUID, id or link), its link, or its text.
 * All instants are epoch milliseconds.
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

interface FeedRow {
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
}

function toFeed(row: FeedRow): Feed {
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
  };
}

interface ItemRow {
  feed_id: number;
  item_key: string;
  link: string | null;
  entry_hash: string;
  text_hash: string | null;
  article_id: string | null;
  file: string | null;
}

function toItem(row: ItemRow): FeedItemRecord {
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

/** Typed access to the feed tables of an open database. */
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

  /** Feeds due at `now`, most overdue first. */
  due(now: number): Feed[] {
    return (
      this.db
        .prepare('SELECT * FROM feeds WHERE next_poll_at <= ? ORDER BY next_poll_at, id')
        .all(now) as FeedRow[]
    ).map(toFeed);
  }

  /** The earliest next poll of any feed, or null without feeds. */
  nextDueAt(): number | null {
    const row = this.db.prepare('SELECT MIN(next_poll_at) AS at FROM feeds').get() as {
      at: number | null;
    };
    return row.at;
  }

  /** Stops following a feed (its items' records go too; files already written stay). */
  remove(id: number): boolean {
    return this.db.prepare('DELETE FROM feeds WHERE id = ?').run(id).changes > 0;
  }

  /** Stores how a poll ended: validators, status or error, failures in a row, next poll. */
  recordPoll(id: number, record: PollRecord): void {
    if (record.ok) {
      const keep = record.validators === undefined;
      this.db
        .prepare(
          `UPDATE feeds SET last_fetch_at = ?, last_success_at = ?, last_status = ?, last_error = NULL,
             failures = 0, items_seen = (SELECT COUNT(*) FROM feed_items WHERE feed_id = ? AND file IS NOT NULL),
             next_poll_at = ?,
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

  /** Moves a feed's next poll (e.g. `poll` now). */
  setNextPoll(id: number, at: number): void {
    this.db.prepare('UPDATE feeds SET next_poll_at = ? WHERE id = ?').run(at, id);
  }

  /** The record of an item of a feed by its key, or null. */
  item(feedId: number, itemKey: string): FeedItemRecord | null {
    const row = this.db
      .prepare('SELECT * FROM feed_items WHERE feed_id = ? AND item_key = ?')
      .get(feedId, itemKey) as ItemRow | undefined;
    return row === undefined ? null : toItem(row);
  }

  /** An item of any feed written from this canonical link, or null. */
  itemByLink(link: string): FeedItemRecord | null {
    const row = this.db
      .prepare('SELECT * FROM feed_items WHERE link = ? AND file IS NOT NULL LIMIT 1')
      .get(link) as ItemRow | undefined;
    return row === undefined ? null : toItem(row);
  }

  /** An item of any feed whose written text has this hash, or null. */
  itemByText(textHash: string): FeedItemRecord | null {
    const row = this.db
      .prepare('SELECT * FROM feed_items WHERE text_hash = ? AND file IS NOT NULL LIMIT 1')
      .get(textHash) as ItemRow | undefined;
    return row === undefined ? null : toItem(row);
  }

  /** Records (or updates) what is known of an item after it was handled. */
  saveItem(record: FeedItemRecord, now: number): void {
    this.db
      .prepare(
        `INSERT INTO feed_items (feed_id, item_key, link, entry_hash, text_hash, article_id, file, first_seen_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (feed_id, item_key) DO UPDATE SET link = excluded.link, entry_hash = excluded.entry_hash,
           text_hash = excluded.text_hash, article_id = excluded.article_id, file = excluded.file,
           updated_at = excluded.updated_at`,
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
      );
  }
}
