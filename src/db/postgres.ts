/**
 * PostgreSQL connections (node-postgres) and versioned migrations, for deployments where several
 * bot processes share one database (`DATABASE_URL`). Migrations are grouped in tracks (digest
 * state, search) with one version per track in `schema_versions`; a process applies them under
 * an advisory lock, so processes starting together migrate once.
 */
import pg from 'pg';

/** A pool of connections to one database. */
export type PgPool = pg.Pool;

/** Advisory-lock key (any constant) held while migrations run. */
const MIGRATION_LOCK = 0x5645_5242; // "VERB"

/**
 * bigint columns (ids, epoch milliseconds, counts) are read as numbers: every value Verbatim
 * stores in one is far below 2^53, and the SQLite store hands out numbers too.
 */
const TYPES = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === pg.types.builtins.INT8
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format ?? 'text')) as typeof pg.types.getTypeParser,
};

/** Opens a pool on `url` (postgres://…); connections are made when first needed. */
export function openPostgres(url: string, options: { readonly max?: number } = {}): PgPool {
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 10, types: TYPES });
  // An idle client losing its server (restart, failover) must not crash the process: the
  // next query reconnects.
  pool.on('error', () => undefined);
  return pool;
}

/**
 * Runs `work` in one transaction on one connection of `pool`, rolling back when it throws or when
 * `commits` says its result must not stay (a claim that found its key taken).
 *
 * @example
 * await inTransaction(pool, (query) => query('UPDATE feeds SET name = $1 WHERE id = $2', ['BTA', 1]));
 */
export async function inTransaction<T>(
  pool: PgPool,
  work: (query: PgPool['query']) => Promise<T>,
  commits: (result: T) => boolean = () => true,
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    try {
      const result = await work(client.query.bind(client) as PgPool['query']);
      await client.query(commits(result) ? 'COMMIT' : 'ROLLBACK');
      return result;
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    }
  } finally {
    client.release();
  }
}

/**
 * Brings `track` up to `migrations.length`: migration i takes it from version i to i + 1, each in
 * its own transaction. Never edit a migration that has shipped: append one. Returns the version.
 */
export async function migratePostgres(
  pool: PgPool,
  track: string,
  migrations: readonly string[],
): Promise<number> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      await client.query(
        `CREATE TABLE IF NOT EXISTS schema_versions (
           track text PRIMARY KEY,
           version integer NOT NULL
         )`,
      );
      const found = await client.query<{ version: number }>(
        'SELECT version FROM schema_versions WHERE track = $1',
        [track],
      );
      const current = found.rows[0]?.version ?? 0;
      if (current > migrations.length)
        throw new Error(
          `the ${track} schema is version ${current}, newer than this Verbatim (${migrations.length}); upgrade Verbatim`,
        );
      for (let version = current; version < migrations.length; version++) {
        await client.query('BEGIN');
        try {
          await client.query(migrations[version] ?? '');
          await client.query(
            `INSERT INTO schema_versions (track, version) VALUES ($1, $2)
             ON CONFLICT (track) DO UPDATE SET version = excluded.version`,
            [track, version + 1],
          );
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK');
          throw error;
        }
      }
      return migrations.length;
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  } finally {
    client.release();
  }
}
