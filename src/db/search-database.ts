/**
 * The database of the shared search (SEARCH_BACKEND=postgres): a pool on DATABASE_URL with the
 * `search` track migrated, which src/library/shared-corpus.ts opens the corpus on.
 */
import type { Config } from '../config.js';
import { SEARCH_MIGRATIONS } from '../index/postgres-schema.js';
import { migratePostgres, openPostgres, type PgPool } from './postgres.js';

/**
 * The migrated pool when SEARCH_BACKEND is postgres, else null: `shared` when given (the bot's
 * one pool on DATABASE_URL), else a pool of its own. The caller ends the pool.
 */
export async function openSearchDatabase(
  config: Pick<Config, 'searchBackend' | 'databaseUrl'>,
  shared?: PgPool,
): Promise<PgPool | null> {
  if (config.searchBackend !== 'postgres' || config.databaseUrl === null) return null;
  const pool = shared ?? openPostgres(config.databaseUrl);
  try {
    await migratePostgres(pool, 'search', SEARCH_MIGRATIONS);
  } catch (error) {
    if (shared === undefined) await pool.end();
    throw error;
  }
  return pool;
}
