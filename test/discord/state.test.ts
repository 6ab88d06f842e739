import { describe, expect, it } from 'vitest';
import { appendFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { BUTTON_STATE_FILE, openButtonStateStore, stateKey } from '../../src/discord/state.js';
import { SILENT_LOGGER, createLogger } from '../../src/core/log.js';
import { removeDir, tempDataDir } from './harness.js';

describe('openButtonStateStore', async () => {
  it('keeps values across a reopen under stable short keys', async () => {
    const dir = tempDataDir();
    try {
      const store = openButtonStateStore(dir, SILENT_LOGGER);
      const key = store.put({ kind: 'ask', question: 'q'.repeat(500) });
      expect(key).toMatch(/^[\w-]{12}$/);
      expect(store.put({ kind: 'ask', question: 'q'.repeat(500) })).toBe(key);
      await store.flush();
      expect(await openButtonStateStore(dir, SILENT_LOGGER).get(key)).toEqual({
        kind: 'ask',
        question: 'q'.repeat(500),
      });
    } finally {
      removeDir(dir);
    }
  });

  it('drops the oldest entries beyond its capacity', async () => {
    const store = openButtonStateStore(null, SILENT_LOGGER, 2);
    const a = store.put('a');
    const b = store.put('b');
    const c = store.put('c');
    expect(await Promise.all([a, b, c].map((k) => store.get(k)))).toEqual([undefined, 'b', 'c']);
  });

  it('skips a torn line with a warning and keeps the rest', async () => {
    const dir = tempDataDir();
    try {
      const first = openButtonStateStore(dir, SILENT_LOGGER);
      const key = first.put({ question: 'kept' });
      await first.flush();
      appendFileSync(path.join(dir, BUTTON_STATE_FILE), '{"k":"torn","v":{"quest');
      const lines: string[] = [];
      const store = openButtonStateStore(dir, createLogger('warn', { sink: (l) => lines.push(l) }));
      expect(await store.get(key)).toEqual({ question: 'kept' });
      expect(await store.get('torn')).toBeUndefined();
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain('button state: skipped 1 unreadable line(s)');
    } finally {
      removeDir(dir);
    }
  });

  it('compacts the file once it holds twice as many lines as entries', async () => {
    const dir = tempDataDir();
    try {
      const store = openButtonStateStore(dir, SILENT_LOGGER, 3);
      for (const value of ['a', 'b', 'c', 'd', 'e', 'f', 'g']) {
        store.put(value);
        await store.flush();
      }
      const lines = readFileSync(path.join(dir, BUTTON_STATE_FILE), 'utf8').trim().split('\n');
      expect(lines.map((l) => (JSON.parse(l) as { v: string }).v)).toEqual(['e', 'f', 'g']);
      const reopened = openButtonStateStore(dir, SILENT_LOGGER, 3);
      expect(await Promise.all(['e', 'f', 'g'].map((v) => reopened.get(stateKey(v))))).toEqual([
        'e',
        'f',
        'g',
      ]);
    } finally {
      removeDir(dir);
    }
  });
});
