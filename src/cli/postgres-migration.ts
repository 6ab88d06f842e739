/**
 * Moving an embedded deployment to PostgreSQL: the digest state of the SQLite file (every
 * table, ids kept, so posts keep their nonces and deliveries their passages) and the corpus's
 * articles into the shared search tables. Safe to run again: rows already copied are kept as
 * they are and unchanged articles are left alone, so an interrupted copy is finished by
 * running it once more.
 */
import Database from 'better-sqlite3';
import type { Article } from '../core/types.js';
import { openDatabase } from '../db/db.js';
import { migratePostgres, type PgPool } from '../db/postgres.js';
import { DIGEST_MIGRATIONS } from '../db/postgres-schema.js';
import { SEARCH_MIGRATIONS } from '../index/postgres-schema.js';
import { PostgresSearch } from '../index/postgres.js';

/** Rows copied per INSERT. */
const BATCH = 2_000;

/** The SQLite tables in foreign-key order, with the columns copied and their conflict key. */
const TABLES: readonly { name: string; columns: readonly string[]; key: string }[] = [
  { name: 'guild_settings', columns: ['guild_id', 'time_zone'], key: 'guild_id' },
  {
    name: 'subscriptions',
    columns: [
      'id',
      'guild_id',
      'channel_id',
      'topic',
      'schedule',
      'time_zone',
      'max_quotes',
      'post_when_empty',
      'status',
      'pause_reason',
      'created_by',
      'created_at',
      'anchor_at',
      'baseline_at',
      'next_run_at',
      'last_run_at',
      'last_outcome',
    ],
    key: 'id',
  },
  {
    name: 'runs',
    columns: [
      'id',
      'subscription_id',
      'trigger',
      'scheduled_for',
      'started_at',
      'finished_at',
      'outcome',
      'detail',
      'posted',
    ],
    key: 'id',
  },
  {
    name: 'posts',
    columns: [
      'id',
      'subscription_id',
      'run_id',
      'channel_id',
      'nonce',
      'payload',
      'status',
      'message_id',
      'created_at',
      'sent_at',
    ],
    key: 'id',
  },
  {
    name: 'deliveries',
    columns: ['subscription_id', 'passage_key', 'post_id'],
    key: 'subscription_id, passage_key',
  },
  { name: 'passages_seen', columns: ['passage_key', 'first_seen_at'], key: 'passage_key' },
  {
    name: 'feeds',
    columns: [
      'id',
      'url',
      'name',
      'lang',
      'interval_minutes',
      'added_by',
      'added_at',
      'etag',
      'last_modified',
      'last_fetch_at',
      'last_success_at',
      'last_status',
      'last_error',
      'failures',
      'items_seen',
      'next_poll_at',
      'items_pruned',
    ],
    key: 'id',
  },
  {
    name: 'feed_items',
    columns: [
      'id',
      'feed_id',
      'item_key',
      'link',
      'entry_hash',
      'text_hash',
      'article_id',
      'file',
      'first_seen_at',
      'updated_at',
      'last_seen_at',
    ],
    key: 'id',
  },
  {
    name: 'feed_claims',
    columns: ['claim_key', 'feed_id', 'item_key', 'claimed_at'],
    key: 'claim_key',
  },
];

/** What a migration copied: rows per table, and the corpus's articles. */
export interface PostgresMigrationReport {
  readonly rows: Readonly<Record<string, number>>;
  readonly articles: {
    readonly added: number;
    readonly changed: number;
    readonly unchanged: number;
  };
}

/**
 * Copies the SQLite digest database at `sqliteFile` (opened read-only; absent means no digest
 * state) and `articles` into the PostgreSQL database of `pool`, migrating it first.
 */
export async function copyToPostgres(input: {
  readonly pool: PgPool;
  readonly sqliteFile: string | null;
  readonly articles: Iterable<Article>;
}): Promise<PostgresMigrationReport> {
  const { pool } = input;
  await migratePostgres(pool, 'digest', DIGEST_MIGRATIONS);
  await migratePostgres(pool, 'search', SEARCH_MIGRATIONS);
  const rows: Record<string, number> = {};
  if (input.sqliteFile !== null) {
    // A file from an older Verbatim is brought to this schema first, so every column exists.
    openDatabase(input.sqliteFile).close();
    const sqlite = new Database(input.sqliteFile, { readonly: true, fileMustExist: true });
    try {
      for (const table of TABLES) rows[table.name] = await copyTable(sqlite, pool, table);
    } finally {
      sqlite.close();
    }
    // Ids were copied as they were: new rows must be numbered after them.
    for (const table of ['subscriptions', 'runs', 'posts', 'feeds', 'feed_items'])
      await pool.query(
        `SELECT setval(pg_get_serial_sequence('${table}', 'id'), coalesce(max(id), 0) + 1, false)
         FROM ${table}`,
      );
  }
  const upserted = await new PostgresSearch(pool).upsert(input.articles);
  return {
    rows,
    articles: {
      added: upserted.added.length,
      changed: upserted.changed.length,
      unchanged: upserted.unchanged.length,
    },
  };
}

/** Copies one table in batches in one transaction; returns the rows read. */
async function copyTable(
  sqlite: Database.Database,
  pool: PgPool,
  table: (typeof TABLES)[number],
): Promise<number> {
  const { name, columns, key } = table;
  const select = sqlite.prepare(`SELECT ${columns.join(', ')} FROM ${name}`);
  const client = await pool.connect();
  let count = 0;
  try {
    await client.query('BEGIN');
    let batch: Record<string, unknown>[] = [];
    const flush = async (): Promise<void> => {
      if (batch.length === 0) return;
      const values: unknown[] = [];
      const tuples = batch.map((row) => {
        const placeholders = columns.map((column) => {
          const value = row[column];
          values.push(column === 'post_when_empty' ? value === 1 : value);
          return `$${values.length}`;
        });
        return `(${placeholders.join(', ')})`;
      });
      await client.query(
        `INSERT INTO ${name} (${columns.join(', ')}) VALUES ${tuples.join(', ')}
         ON CONFLICT (${key}) DO NOTHING`,
        values,
      );
      batch = [];
    };
    for (const row of select.iterate() as Iterable<Record<string, unknown>>) {
      batch.push(row);
      count++;
      // PostgreSQL takes at most 65,535 parameters per statement.
      if (batch.length * columns.length >= BATCH * 8) await flush();
    }
    await flush();
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
  return count;
}
