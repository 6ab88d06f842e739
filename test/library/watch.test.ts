import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openCorpus } from '../../src/library/open.js';
import { watchCorpus, type CorpusChange, type CorpusWatcher } from '../../src/library/watch.js';
import { SILENT_LOGGER } from '../../src/core/log.js';
import type { Library } from '../../src/library/library.js';

function doc(id: string, body: string): string {
  return `---\nid: ${id}\ntitle: ${id} title\nsource: Sputnik\ndate: 2022-03-01\nlang: en\n---\n${body}\n`;
}

let dir: string;
let library: Library;
let watcher: CorpusWatcher;
let changes: CorpusChange[];

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'verbatim-watch-'));
  fs.writeFileSync(
    path.join(dir, 'a.txt'),
    doc('a', 'Talks in Gomel were announced.\n\nThe weather was cold.'),
  );
  const opened = await openCorpus(dir, SILENT_LOGGER);
  library = opened.library;
  changes = [];
  // No timers in tests: scans are triggered by hand (the events and poll call the same rescan).
  watcher = await watchCorpus(dir, () => library, {
    logger: SILENT_LOGGER,
    initialFiles: opened.files,
    pollMs: 0,
    debounceMs: 60_000,
    onChange: (c) => changes.push(c),
  });
});

afterEach(() => {
  watcher.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('watchCorpus', () => {
  it('adds a new file, replaces a changed one and removes a deleted one, in place', async () => {
    fs.mkdirSync(path.join(dir, 'new'));
    fs.writeFileSync(path.join(dir, 'new', 'b.txt'), doc('b', 'Negotiators met in Istanbul.'));
    expect(await watcher.rescan()).toEqual({ upserted: ['b'], removed: [], files: ['new/b.txt'] });
    expect(library.article('b')?.text).toBe('Negotiators met in Istanbul.');

    fs.writeFileSync(
      path.join(dir, 'a.txt'),
      doc('a', 'Talks in Gomel were postponed.\n\nThe weather was cold.'),
    );
    fs.utimesSync(path.join(dir, 'a.txt'), new Date(), new Date(Date.now() + 5_000));
    expect(await watcher.rescan()).toEqual({ upserted: ['a'], removed: [], files: ['a.txt'] });
    expect(library.passagesOf('a').map((p) => library.passageText(p))).toEqual([
      'Talks in Gomel were postponed.',
      'The weather was cold.',
    ]);

    fs.rmSync(path.join(dir, 'new', 'b.txt'));
    expect(await watcher.rescan()).toEqual({ upserted: [], removed: ['b'], files: ['new/b.txt'] });
    expect(library.article('b')).toBeUndefined();
    expect(changes.map((c) => [c.upserted, c.removed])).toEqual([
      [['b'], []],
      [['a'], []],
      [[], ['b']],
    ]);
  });

  it('does nothing when nothing changed', async () => {
    expect(await watcher.rescan()).toEqual({ upserted: [], removed: [], files: [] });
    expect(changes).toEqual([]);
  });

  it('drops the articles a file no longer holds', async () => {
    fs.writeFileSync(
      path.join(dir, 'many.jsonl'),
      ['{"id":"x","text":"One talk."}', '{"id":"y","text":"Two talks."}'].join('\n'),
    );
    await watcher.rescan();
    fs.writeFileSync(path.join(dir, 'many.jsonl'), '{"id":"x","text":"One talk."}\n');
    fs.utimesSync(path.join(dir, 'many.jsonl'), new Date(), new Date(Date.now() + 5_000));
    expect(await watcher.rescan()).toEqual({ upserted: [], removed: ['y'], files: ['many.jsonl'] });
  });

  it('tries a file again at the next scan when writing it failed, and goes on with the others', async () => {
    watcher.close();
    let failures = 1;
    const writes: string[][] = [];
    watcher = await watchCorpus(dir, () => library, {
      logger: SILENT_LOGGER,
      pollMs: 0,
      debounceMs: 60_000,
      onChange: (c) => changes.push(c),
      writer: {
        upsertAsync: async (articles, pause) => {
          const list = [...articles];
          writes.push(list.map((a) => a.id));
          if (list.some((a) => a.id === 'b') && failures-- > 0)
            throw new Error('database unreachable');
          return library.upsertAsync(list, pause);
        },
        removeAsync: (ids, pause) => library.removeAsync(ids, pause),
      },
    });
    fs.writeFileSync(path.join(dir, 'b.txt'), doc('b', 'Negotiators met in Istanbul.'));
    fs.writeFileSync(path.join(dir, 'c.txt'), doc('c', 'A ceasefire was discussed.'));
    expect(await watcher.rescan()).toEqual({ upserted: ['c'], removed: [], files: ['c.txt'] });
    expect(library.article('b')).toBeUndefined();
    expect(await watcher.rescan()).toEqual({ upserted: ['b'], removed: [], files: ['b.txt'] });
    expect(library.article('b')?.text).toBe('Negotiators met in Istanbul.');
    expect(await watcher.rescan()).toEqual({ upserted: [], removed: [], files: [] });
    expect(writes).toEqual([['b'], ['c'], ['b']]);
  });

  it('notices a dropped file by itself through file-system events', async () => {
    watcher.close();
    const noticed = new Promise<CorpusChange>((resolve) => {
      void watchCorpus(dir, () => library, {
        logger: SILENT_LOGGER,
        pollMs: 0,
        debounceMs: 50,
        onChange: resolve,
      }).then((w) => {
        watcher = w;
        fs.writeFileSync(path.join(dir, 'c.txt'), doc('c', 'A ceasefire was discussed.'));
      });
    });
    expect(await noticed).toEqual({ upserted: ['c'], removed: [], files: ['c.txt'] });
  });
});
