/**
 * Button state that survives a restart. A custom id holds at most 100 characters, too few for a
 * long question and its filters, so the state is stored under a short content hash and the
 * custom id carries only the hash. The store is an append-only JSON-lines file in DATA_DIR (one
 * small append per new entry, coalesced per tick, so a busy bot never rewrites a large file per
 * answer); it is compacted when it holds twice as many lines as entries. A torn last line after a
 * crash is skipped; a missing file starts empty.
 */
import { createHash } from 'node:crypto';
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { replaceFile } from '../core/files.js';
import path from 'node:path';
import type { Logger } from '../core/log.js';

/** File name of the button state in DATA_DIR. */
export const BUTTON_STATE_FILE = 'button-state.jsonl';
/** The oldest entries are dropped beyond this many. */
const MAX_BUTTON_STATES = 20_000;

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
 * Write failures are logged and the store keeps working in memory.
 */
export function openButtonStateStore(
  dir: string | null,
  logger: Logger,
  max = MAX_BUTTON_STATES,
): ButtonStateStore {
  const entries = new Map<string, unknown>();
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
        entries.delete(k);
        entries.set(k, v);
      } catch {
        skipped++;
      }
    }
    if (skipped > 0) logger.warn(`button state: skipped ${skipped} unreadable line(s)`, { file });
    while (entries.size > max) {
      const oldest = entries.keys().next().value;
      if (oldest === undefined) break;
      entries.delete(oldest);
    }
  }
  let pending: string[] = [];
  let scheduled = false;
  const write = (): void => {
    if (file === null) return;
    mkdirSync(path.dirname(file), { recursive: true });
    if (linesInFile + pending.length > 2 * max) {
      const lines = [...entries].map(([k, v]) => JSON.stringify({ k, v }) + '\n');
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
        entries.set(key, value);
        while (entries.size > max) {
          const oldest = entries.keys().next().value;
          if (oldest === undefined) break;
          entries.delete(oldest);
        }
        pending.push(JSON.stringify({ k: key, v: value }) + '\n');
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
