/**
 * Opens Verbatim's one SQLite file (better-sqlite3) in WAL mode and brings its schema up to date
 * with numbered migrations, tracked in `PRAGMA user_version`.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { VerbatimError } from '../core/errors.js';

/** A better-sqlite3 connection. */
export type Db = Database.Database;

/** The file name inside DATA_DIR. */
export const DATABASE_FILE = 'verbatim.db';

/**
 * Schema migrations, in order; migration i brings user_version from i to i + 1. Never edit one
 * that has shipped: append a new one.
 */
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE guild_settings (
    guild_id TEXT PRIMARY KEY,
    time_zone TEXT NOT NULL
  );
  CREATE TABLE subscriptions (
    id INTEGER PRIMARY KEY,
    guild_id TEXT NOT NULL,
    channel_id TEXT NOT NULL,
    topic TEXT NOT NULL,
    schedule TEXT NOT NULL,
    time_zone TEXT NOT NULL,
    max_quotes INTEGER NOT NULL,
    post_when_empty INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL CHECK (status IN ('active', 'paused')),
    pause_reason TEXT,
    created_by TEXT,
    created_at INTEGER NOT NULL,
    anchor_at INTEGER NOT NULL,
    baseline_at INTEGER,
    next_run_at INTEGER,
    last_run_at INTEGER,
    last_outcome TEXT
  );
  CREATE INDEX subscriptions_by_guild ON subscriptions (guild_id);
  CREATE INDEX subscriptions_due ON subscriptions (status, next_run_at);
  CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    subscription_id INTEGER NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
    trigger TEXT NOT NULL CHECK (trigger IN ('scheduled', 'catch-up', 'manual', 'reconcile')),
    scheduled_for INTEGER,
    started_at INTEGER NOT NULL,
    finished_at INTEGER,
    outcome TEXT,
    detail TEXT,
    posted INTEGER NOT NULL DEFAULT 0
  );
  CREATE INDEX runs_by_subscription ON runs (subscription_id, id);
  CREATE TABLE posts (
    id INTEGER PRIMARY KEY,
    subscription_id INTEGER NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
    run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    channel_id TEXT NOT NULL,
    nonce TEXT NOT NULL UNIQUE,
    payload TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
    message_id TEXT,
    created_at INTEGER NOT NULL,
    sent_at INTEGER
  );
  CREATE INDEX posts_pending ON posts (status) WHERE status = 'pending';
  CREATE TABLE deliveries (
    subscription_id INTEGER NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
    passage_key TEXT NOT NULL,
    post_id INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    PRIMARY KEY (subscription_id, passage_key)
  ) WITHOUT ROWID;
  CREATE TABLE passages_seen (
    passage_key TEXT PRIMARY KEY,
    first_seen_at INTEGER NOT NULL
  ) WITHOUT ROWID;
  `,
  // Feeds followed into the corpus and the items already written from them.
  `
  CREATE TABLE feeds (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    lang TEXT,
    interval_minutes INTEGER,
    added_by TEXT,
    added_at INTEGER NOT NULL,
    etag TEXT,
    last_modified TEXT,
    last_fetch_at INTEGER,
    last_success_at INTEGER,
    last_status TEXT,
    last_error TEXT,
    failures INTEGER NOT NULL DEFAULT 0,
    items_seen INTEGER NOT NULL DEFAULT 0,
    next_poll_at INTEGER NOT NULL
  );
  CREATE INDEX feeds_due ON feeds (next_poll_at);
  CREATE TABLE feed_items (
    id INTEGER PRIMARY KEY,
    feed_id INTEGER NOT NULL REFERENCES feeds (id) ON DELETE CASCADE,
    item_key TEXT NOT NULL,
    link TEXT,
    entry_hash TEXT NOT NULL,
    text_hash TEXT,
    article_id TEXT,
    file TEXT,
    first_seen_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (feed_id, item_key)
  );
  CREATE INDEX feed_items_by_link ON feed_items (link);
  CREATE INDEX feed_items_by_text ON feed_items (text_hash);
  `,
  // The run lease (DigestStore.claimRun), as in PostgreSQL's digest track version 3.
  `
  ALTER TABLE subscriptions ADD COLUMN lease_owner TEXT;
  ALTER TABLE subscriptions ADD COLUMN lease_until INTEGER;
  `,
  // Feeds: the poll lease (the bot and `npm run feeds -- poll` may share this file), item
  // pruning, and the claims that make a write idempotent across feeds.
  `
  ALTER TABLE feeds ADD COLUMN lease_owner TEXT;
  ALTER TABLE feeds ADD COLUMN lease_until INTEGER;
  ALTER TABLE feeds ADD COLUMN items_pruned INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE feed_items ADD COLUMN last_seen_at INTEGER NOT NULL DEFAULT 0;
  UPDATE feed_items SET last_seen_at = updated_at;
  CREATE INDEX feed_items_by_age ON feed_items (feed_id, last_seen_at);
  DROP INDEX feed_items_by_link;
  DROP INDEX feed_items_by_text;
  CREATE TABLE feed_claims (
    claim_key TEXT PRIMARY KEY,
    feed_id INTEGER NOT NULL REFERENCES feeds (id) ON DELETE CASCADE,
    item_key TEXT NOT NULL,
    claimed_at INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX feed_claims_by_item ON feed_claims (feed_id, item_key);
  INSERT OR IGNORE INTO feed_claims (claim_key, feed_id, item_key, claimed_at)
    SELECT 'link:' || link, feed_id, item_key, first_seen_at FROM feed_items
    WHERE file IS NOT NULL AND link IS NOT NULL AND length(link) <= 1000 ORDER BY id;
  INSERT OR IGNORE INTO feed_claims (claim_key, feed_id, item_key, claimed_at)
    SELECT 'text:' || text_hash, feed_id, item_key, first_seen_at FROM feed_items
    WHERE file IS NOT NULL AND text_hash IS NOT NULL ORDER BY id;
  `,
  // Every beat looks for runs left open (closeInterruptedRuns): only those are indexed.
  `
  CREATE INDEX runs_open ON runs (subscription_id) WHERE finished_at IS NULL;
  `,
];

/** The schema version this code writes. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/** The database was written by a newer Verbatim; it is left as it is. */
export class DatabaseTooNewError extends VerbatimError {
  override readonly name = 'DatabaseTooNewError';
  constructor(readonly version: number) {
    super(
      `the database schema is version ${version}, newer than this Verbatim (${MIGRATIONS.length}); upgrade Verbatim`,
    );
  }
}

/** Applies every migration above the file's user_version, each in its own transaction. */
function migrate(db: Db): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) throw new DatabaseTooNewError(current);
  for (let version = current; version < MIGRATIONS.length; version++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[version] ?? '');
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
  return MIGRATIONS.length;
}

/**
 * Opens (creating folders and file as needed) the database at `file`, in WAL mode with foreign
 * keys on, and migrates it. Pass `DATA_DIR/verbatim.db`.
 */
export function openDatabase(file: string): Db {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = openDatabaseFile(file);
  try {
    migrate(db);
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}

function openDatabaseFile(file: string): Db {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // FULL: an intent must be on disk before its message is sent, even across a power cut.
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  return db;
}

/** A database file that could not be used, renamed so nothing in it is lost. */
interface SetAside {
  readonly problem: 'empty' | 'damaged';
  /** Where the file now is (its WAL and shared-memory files, if any, beside it with the same name). */
  readonly keptAs: string;
  /** What was wrong, in a few words (SQLite's message for a damaged file). */
  readonly detail: string;
}

/** An open database and what, if anything, had to be set aside to open it. */
export interface OpenedDatabase {
  readonly db: Db;
  readonly setAside: SetAside | null;
}

/** SQLite's codes for a file whose content is not a usable database. */
function isDamage(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && /^SQLITE_(CORRUPT|NOTADB)/.test(code);
}

function sizeOf(file: string): number | null {
  try {
    return fs.statSync(file).size;
  } catch {
    return null;
  }
}

/**
 * Checks every page of an existing file (quick_check) and its schema version through a read-only
 * connection, which neither checkpoints nor deletes the WAL: a damaged file is kept as found.
 */
function checkExisting(file: string): void {
  if (!fs.existsSync(file)) return;
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const check = db.pragma('quick_check(1)', { simple: true });
    if (check !== 'ok') {
      throw Object.assign(new Error(`quick_check: ${String(check)}`), { code: 'SQLITE_CORRUPT' });
    }
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > MIGRATIONS.length) throw new DatabaseTooNewError(version);
  } finally {
    db.close();
  }
}

function keepAside(
  file: string,
  problem: SetAside['problem'],
  detail: string,
  now: Date,
): SetAside {
  const stamp = now
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/:/g, '-');
  const keptAs = `${file}.${problem}-${stamp}`;
  for (const suffix of ['', '-wal', '-shm']) {
    if (fs.existsSync(file + suffix)) fs.renameSync(file + suffix, keptAs + suffix);
  }
  return { problem, keptAs, detail };
}

/**
 * Opens the database at `file` like `openDatabase`, but a file that is empty (0 bytes, no WAL) or
 * damaged (SQLite cannot read it, or a page fails quick_check) is renamed to
 * `<file>.<problem>-<UTC time>` with its WAL, and a new database is started in its place; the
 * caller must report `setAside`. A database from a newer Verbatim is left untouched
 * (DatabaseTooNewError); any other failure (permissions, disk) is thrown as it is.
 */
export function openDatabaseKeepingAside(file: string, now: Date = new Date()): OpenedDatabase {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  let setAside: SetAside | null = null;
  // An empty main file with frames in its WAL is still a database (SQLite replays the WAL).
  if (sizeOf(file) === 0 && (sizeOf(`${file}-wal`) ?? 0) === 0) {
    setAside = keepAside(file, 'empty', 'the file is empty (0 bytes)', now);
  } else {
    try {
      checkExisting(file);
    } catch (error) {
      if (!isDamage(error)) throw error;
      setAside = keepAside(file, 'damaged', (error as Error).message, now);
    }
  }
  return { db: openDatabase(file), setAside };
}
