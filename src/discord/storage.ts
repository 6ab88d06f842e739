/**
 * Where the bot keeps its digest and button state, chosen by the config: DATA_DIR (the SQLite
 * file and a JSON-lines file; the embedded default, one process), or the PostgreSQL database of
 * `DATABASE_URL`, migrated on open, which several bot processes share.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config.js';
import type { Logger } from '../core/log.js';
import { DATABASE_FILE, DatabaseTooNewError, openDatabaseKeepingAside, type Db } from '../db/db.js';
import { migratePostgres, openPostgres, type PgPool } from '../db/postgres.js';
import { sqliteDigestStorage, type DigestStorage } from '../digest/storage.js';
import { PostgresDigestStore } from '../digest/store-postgres.js';
import { DIGEST_MIGRATIONS } from '../db/postgres-schema.js';
import { DigestStore } from '../digest/store.js';
import {
  openButtonStateStore,
  openPostgresButtonStateStore,
  type ButtonStateStore,
} from './state.js';

/** Connections of the button-state pool: a click reads one row, a tick writes one batch. */
/**
 * Connections in the one pool a bot process keeps on DATABASE_URL for digests, buttons, feeds
 * and the shared search: a few processes stay well inside PostgreSQL's default of 100.
 */
const SHARED_POOL_SIZE = 12;

/**
 * The bot process's one pool on DATABASE_URL, or null without it. Connections are made when
 * first needed; the bot ends the pool at stop, after everything that uses it.
 */
export function openSharedDatabase(config: Pick<Config, 'databaseUrl'>): PgPool | null {
  return config.databaseUrl === null
    ? null
    : openPostgres(config.databaseUrl, { max: SHARED_POOL_SIZE });
}

/**
 * The lease owner of the one process an SQLite file serves: a restart takes back at once what
 * its killed earlier life held. Processes sharing PostgreSQL each get a name of their own.
 */
const EMBEDDED_LEASE_OWNER = 'embedded';

/** Open digest storage and how to close it. */
export interface OpenedDigestStorage {
  readonly storage: DigestStorage;
  /** The scheduler's lease owner; undefined: one unique to the process. */
  readonly leaseOwner: string | undefined;
  close(): Promise<void>;
}

/** The storage, or null when it cannot be used, and what /digest should tell users. */
export interface DigestStorageOutcome {
  readonly opened: OpenedDigestStorage | null;
  /** One sentence for /digest (database kept aside, refused, unreachable), or null. */
  readonly notice: string | null;
}

/**
 * Opens `DATA_DIR/verbatim.db` as openDatabaseKeepingAside does, logging (as an error) and
 * returning the sentence to tell /digest users when an empty or damaged file was kept aside.
 * The bot calls it before anything else opens the file (feeds share it), so the first opener
 * cannot silently start a fresh database; later openers find the new one.
 */
export function openDatabaseReporting(
  dataDir: string,
  logger: Logger,
): { readonly db: Db; readonly notice: string | null } {
  const opened = openDatabaseKeepingAside(path.join(dataDir, DATABASE_FILE));
  if (opened.setAside === null) return { db: opened.db, notice: null };
  const keptAs = path.basename(opened.setAside.keptAs);
  logger.error('the database could not be used; kept it aside and started a new one', {
    problem: opened.setAside.problem,
    detail: opened.setAside.detail,
    keptAs: opened.setAside.keptAs,
  });
  return {
    db: opened.db,
    notice: `The digest database was ${opened.setAside.problem} when I started, so I kept it aside as \`${keptAs}\` in my data folder and started a new one: digests made before are not scheduled until the bot owner restores that file.`,
  };
}

function unavailable(why: string): DigestStorageOutcome {
  return {
    opened: null,
    notice: `Digests are not available right now: ${why}. Please tell the bot owner.`,
  };
}

/**
 * Opens the digest storage the config names. PostgreSQL: a pool on DATABASE_URL, brought up to
 * the digest schema under the migration lock (processes starting together migrate once).
 * SQLite: an empty or damaged file is kept aside and a new one started (`notice` says so). A
 * database that cannot be used (unreachable, newer schema) leaves `opened` null, logged, and
 * `notice` saying why: the bot then serves without digests.
 */
export async function openDigestStorage(
  config: Config,
  logger: Logger,
  pool: PgPool | null,
): Promise<DigestStorageOutcome> {
  if (pool !== null) {
    try {
      await migratePostgres(pool, 'digest', DIGEST_MIGRATIONS);
    } catch (error) {
      // The URL is never logged: it may hold a password.
      logger.error('cannot open the PostgreSQL digest database; /digest is unavailable', {
        error,
      });
      return unavailable('my shared database could not be reached or is from a newer Verbatim');
    }
    return {
      opened: {
        storage: new PostgresDigestStore(pool),
        leaseOwner: undefined,
        // The pool is the bot's, ended after everything that uses it.
        close: async () => undefined,
      },
      notice: null,
    };
  }
  const file = path.join(config.dataDir, DATABASE_FILE);
  try {
    const { db, notice } = openDatabaseReporting(config.dataDir, logger);
    return {
      opened: {
        storage: sqliteDigestStorage(new DigestStore(db)),
        leaseOwner: EMBEDDED_LEASE_OWNER,
        close: async () => {
          db.close();
        },
      },
      notice,
    };
  } catch (error) {
    logger.error('cannot open the digest database; /digest is unavailable', { file, error });
    return unavailable(
      error instanceof DatabaseTooNewError
        ? `my database was written by a newer Verbatim (schema ${error.version}); I left it untouched`
        : 'my database could not be opened',
    );
  }
}

function writableDataDir(dir: string, logger: Logger): string | null {
  try {
    mkdirSync(dir, { recursive: true });
    return dir;
  } catch (error) {
    logger.warn('DATA_DIR cannot be created; buttons will not survive a restart', { dir, error });
    return null;
  }
}

/**
 * Opens the button state the config names: a table in DATABASE_URL's PostgreSQL, shared by
 * every process; else (or when PostgreSQL cannot be reached, logged) the file in DATA_DIR.
 */
export async function openButtonState(
  config: Config,
  logger: Logger,
  pool: PgPool | null,
): Promise<ButtonStateStore> {
  if (pool !== null) {
    try {
      return await openPostgresButtonStateStore(pool, logger);
    } catch (error) {
      logger.error('cannot open button state in PostgreSQL; keeping it in DATA_DIR', { error });
    }
  }
  return openButtonStateStore(writableDataDir(config.dataDir, logger), logger);
}
