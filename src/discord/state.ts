/**
 * Button state that survives a restart. A custom id holds at most 100 characters, too few for a
 * long question and its filters, so the state is stored under a short content hash in a JSON
 * file in DATA_DIR and the custom id carries only the hash. Writes are coalesced and atomic
 * (temporary file + rename); a missing or unreadable file starts empty.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from '../log.js';

/** File name of the button state in DATA_DIR. */
export const BUTTON_STATE_FILE = 'button-state.json';
/** The oldest entries are dropped beyond this many. */
export const MAX_BUTTON_STATES = 20_000;

/** A small persistent map from short keys to JSON values. */
export interface ButtonStateStore {
  /** Stores `value` and returns its key (the same value always gets the same key). */
  put(value: unknown): string;
  /** The value stored under `key`, or undefined when it is unknown (never stored, or dropped). */
  get(key: string): unknown;
  /** Writes pending changes now. */
  flush(): void;
}

/** The key of a value: 12 base64url characters of its SHA-256 (72 bits). */
export function stateKey(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('base64url').slice(0, 12);
}

/**
 * Opens the store kept in `dir` (null: memory only, e.g. when DATA_DIR cannot be written).
 * Write failures are logged once per burst and the store keeps working in memory.
 */
export function openButtonStateStore(
  dir: string | null,
  logger: Logger,
  max = MAX_BUTTON_STATES,
): ButtonStateStore {
  const entries = new Map<string, unknown>();
  const file = dir === null ? null : path.join(dir, BUTTON_STATE_FILE);
  if (file !== null) {
    try {
      const parsed = JSON.parse(readFileSync(file, 'utf8')) as unknown;
      if (parsed !== null && typeof parsed === 'object') {
        for (const [key, value] of Object.entries(parsed as Record<string, unknown>))
          entries.set(key, value);
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        logger.warn('button state unreadable; starting empty', { file, error });
      }
    }
  }
  let dirty = false;
  let scheduled = false;
  const flush = (): void => {
    scheduled = false;
    if (!dirty || file === null) return;
    dirty = false;
    try {
      mkdirSync(path.dirname(file), { recursive: true });
      const temp = `${file}.${process.pid}.tmp`;
      writeFileSync(temp, JSON.stringify(Object.fromEntries(entries)));
      renameSync(temp, file);
    } catch (error) {
      logger.warn('could not save button state; buttons will not survive a restart', {
        file,
        error,
      });
    }
  };
  return {
    put(value) {
      const key = stateKey(value);
      if (!entries.has(key)) {
        entries.set(key, value);
        while (entries.size > max) {
          const oldest = entries.keys().next().value;
          if (oldest === undefined) break;
          entries.delete(oldest);
        }
        dirty = true;
        if (!scheduled) {
          scheduled = true;
          setImmediate(flush);
        }
      }
      return key;
    },
    get: (key) => entries.get(key),
    flush,
  };
}
