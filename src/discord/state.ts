/**
 * Button state that survives a restart. A custom id holds at most 100 characters, too few for a
 * long question and its filters, so the state is stored under a short content hash and the
 * custom id carries only the hash. The embedded store is an append-only JSON-lines file in
 * DATA_DIR (one small append per new entry, coalesced per tick, so a busy bot never rewrites a
 * large file per answer); it is compacted when it holds twice as many lines as entries. A torn
 * last line after a crash is skipped; a missing file starts empty. With DATABASE_URL the state is
 * a table in PostgreSQL instead, so a button works whichever process the click reaches.
 */
import { createHash } from 'node:crypto';
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { replaceFile } from '../core/files.js';
import path from 'node:path';
import { LRUCache } from 'lru-cache';
import type { Logger } from '../core/log.js';
import { migratePostgres, type PgPool } from '../db/postgres.js';

/** File name of the button state in DATA_DIR. */
export const BUTTON_STATE_FILE = 'button-state.jsonl';
/** The oldest entries are dropped beyond this many. */
const MAX_BUTTON_STATES = 20_000;

/** A small persistent map from short keys to JSON values. */
export interface ButtonStateStore {
  /** Stores `value` and returns its key (the same value always gets the same key). */
  put(value: unknown): string;
  /** The value stored under `key`, or undefined when it is unknown (never stored, or dropped). */
  get(key: string): Promise<unknown>;
  /** Writes pending changes now. */
  flush(): Promise<void>;
  /** Writes pending changes and lets go of the storage. */
  close(): Promise<void>;
}

/**
 * The newest `max` entries. Values are boxed (lru-cache holds no null), and reads use `peek`, so
 * "newest" is by insertion, as in the file: a read does not keep an entry longer.
 */
function newestEntries(max: number): LRUCache<string, { readonly value: unknown }> {
  return new LRUCache({ max });
}

/** The key of a value: 12 base64url characters of its SHA-256 (72 bits). */
export function stateKey(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('base64url').slice(0, 12);
}

/**
 * Opens the store kept in `dir` (null: memory only, e.g. when DATA_DIR cannot be written).
 * Write failures are logged and the store keeps working in memory.
 */
export function openButtonStateStore(
  dir: string | null,
  logger: Logger,
  max = MAX_BUTTON_STATES,
): ButtonStateStore {
  const entries = newestEntries(max);
  const file = dir === null ? null : path.join(dir, BUTTON_STATE_FILE);
  let linesInFile = 0;
  if (file !== null) {
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        logger.warn('button state unreadable; starting empty', { file, error });
      }
    }
    let skipped = 0;
    for (const line of text.split('\n')) {
      if (line === '') continue;
      linesInFile++;
      try {
        const { k, v } = JSON.parse(line) as { k?: unknown; v?: unknown };
        if (typeof k !== 'string') throw new Error('no key');
        // A key written again is newer: `set` makes it the newest.
        entries.set(k, { value: v });
      } catch {
        skipped++;
      }
    }
    if (skipped > 0) logger.warn(`button state: skipped ${skipped} unreadable line(s)`, { file });
  }
  let pending: string[] = [];
  let scheduled = false;
  const write = (): void => {
    if (file === null) return;
    mkdirSync(path.dirname(file), { recursive: true });
    if (linesInFile + pending.length > 2 * max) {
      // Oldest first, as they were appended.
      const lines = [...entries.rkeys()].map(
        (k) => JSON.stringify({ k, v: entries.peek(k)?.value }) + '\n',
      );
      replaceFile(file, lines.join(''));
      linesInFile = lines.length;
    } else {
      appendFileSync(file, pending.join(''));
      linesInFile += pending.length;
    }
  };
  const flush = (): void => {
    scheduled = false;
    if (pending.length === 0) return;
    try {
      write();
    } catch (error) {
      logger.warn('could not save button state; buttons will not survive a restart', {
        file,
        error,
      });
    }
    pending = [];
  };
  return {
    put(value) {
      const key = stateKey(value);
      if (!entries.has(key)) {
        entries.set(key, { value });
        pending.push(JSON.stringify({ k: key, v: value }) + '\n');
        if (!scheduled) {
          scheduled = true;
          setImmediate(flush);
        }
      }
      return key;
    },
    get: (key) => Promise.resolve(entries.peek(key)?.value),
    flush: () => Promise.resolve(flush()),
    close: () => Promise.resolve(flush()),
  };
}

/** The `buttons` migration track of PostgreSQL: one table, the newest `seq` last. */
const BUTTON_STATE_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE button_states (
    key text PRIMARY KEY,
    value text NOT NULL,
    seq bigint GENERATED ALWAYS AS IDENTITY
  );
  CREATE INDEX button_states_by_age ON button_states (seq);
  `,
];

/**
 * Opens the button state kept in PostgreSQL (migrating its table), shared by every process:
 * new entries are written in one statement per tick and the oldest beyond `max` deleted; a key
 * this process does not hold is read from the table. A failed write or read is logged and the
 * entry kept in memory (a click on another process then says the buttons expired). `close`
 * writes what is pending; the pool stays its opener's to end.
 */
export async function openPostgresButtonStateStore(
  pool: PgPool,
  logger: Logger,
  max = MAX_BUTTON_STATES,
): Promise<ButtonStateStore> {
  await migratePostgres(pool, 'buttons', BUTTON_STATE_MIGRATIONS);
  const cache = newestEntries(max);
  let pending = new Map<string, string>();
  let writing: Promise<void> = Promise.resolve();
  let scheduled = false;
  const write = async (batch: Map<string, string>): Promise<void> => {
    await pool.query(
      `INSERT INTO button_states (key, value) SELECT * FROM unnest($1::text[], $2::text[])
       ON CONFLICT (key) DO NOTHING`,
      [[...batch.keys()], [...batch.values()]],
    );
    await pool.query(
      `DELETE FROM button_states WHERE seq <= (
         SELECT seq FROM button_states ORDER BY seq DESC OFFSET $1 LIMIT 1)`,
      [max],
    );
  };
  const flush = (): Promise<void> => {
    scheduled = false;
    if (pending.size > 0) {
      const batch = pending;
      pending = new Map();
      writing = writing
        .then(() => write(batch))
        .catch((error: unknown) =>
          logger.warn('could not save button state in PostgreSQL; buttons may expire early', {
            error,
          }),
        );
    }
    return writing;
  };
  return {
    put(value) {
      const key = stateKey(value);
      if (!cache.has(key)) {
        cache.set(key, { value });
        pending.set(key, JSON.stringify(value));
        if (!scheduled) {
          scheduled = true;
          setImmediate(() => void flush());
        }
      }
      return key;
    },
    async get(key) {
      const cached = cache.peek(key);
      if (cached !== undefined) return cached.value;
      try {
        const found = await pool.query<{ value: string }>(
          'SELECT value FROM button_states WHERE key = $1',
          [key],
        );
        const row = found.rows[0];
        if (row === undefined) return undefined;
        const value: unknown = JSON.parse(row.value);
        cache.set(key, { value });
        return value;
      } catch (error) {
        logger.warn('could not read button state from PostgreSQL', { error });
        return undefined;
      }
    },
    flush,
    async close() {
      await flush();
    },
  };
}
