import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SILENT_LOGGER } from '../../src/core/log.js';
import type { Article } from '../../src/core/types.js';
import { migratePostgres, openPostgres, type PgPool } from '../../src/db/postgres.js';
import { SEARCH_MIGRATIONS } from '../../src/index/postgres-schema.js';
import { Library } from '../../src/library/library.js';
import { loadCorpus } from '../../src/library/load.js';
import { openSharedCorpus, type SharedCorpus } from '../../src/library/shared-corpus.js';
import { makeNewsArticle } from '../fixtures.js';
import { useTestDatabase } from '../pg/database.js';

const database = useTestDatabase();
let pools: PgPool[] = [];
const opened: SharedCorpus[] = [];
let corpus: Article[];

beforeAll(async () => {
  const pool = openPostgres(database.url());
  pools.push(pool);
  await migratePostgres(pool, 'search', SEARCH_MIGRATIONS);
  corpus = (await loadCorpus('corpus')).articles;
});
afterAll(async () => {
  for (const shared of opened) await shared.close();
  for (const pool of pools) await pool.end();
  pools = [];
});

/** A process's view: its own pool (connections) on the one database. */
async function openProcess(articles: readonly Article[]): Promise<SharedCorpus> {
  const pool = openPostgres(database.url());
  pools.push(pool);
  const shared = await openSharedCorpus(pool, articles, SILENT_LOGGER);
  opened.push(shared);
  return shared;
}

const pause = (): Promise<void> => Promise.resolve();

/** Waits, with a deadline, until `ready` holds. */
async function until(what: string, ready: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('the corpus shared through PostgreSQL', () => {
  it('indexes the files once: a second start finds every article unchanged and answers as MiniSearch does', async () => {
    const first = await openProcess(corpus);
    expect(first.start).toMatchObject({ written: corpus.length, removed: 0, unchanged: 0 });
    const second = await openProcess(corpus);
    expect(second.start).toMatchObject({ written: 0, removed: 0, unchanged: corpus.length });
    expect(second.library.articleCount).toBe(corpus.length);

    const memory = Library.build(corpus);
    expect(second.library.passageCount).toBe(memory.passageCount);
    for (const question of ['Russian delegation talks', 'grain corridor ships', 'Zelenskyy']) {
      const ours = await second.library.search(question, { limit: 10 });
      const theirs = await memory.search(question, { limit: 10 });
      expect(ours.length).toBeGreaterThan(0);
      expect(ours.map((h) => h.passage.id)).toEqual(theirs.map((h) => h.passage.id));
      for (const hit of ours)
        expect(hit.article.text).toContain(second.library.passageText(hit.passage));
    }
  });

  it('makes an article written through one process quotable through another within seconds, and its removal too', async () => {
    const writer = await openProcess(corpus);
    const reader = await openProcess(corpus);
    const text =
      'The Philharmonic orchestra of Gomel played in the flooded turbine hall on Sunday.';
    const late = makeNewsArticle('late-philharmonic', text);
    const result = await writer.upsertAsync([late], pause);
    expect(result.added).toEqual(['late-philharmonic']);
    expect(writer.library.article('late-philharmonic')?.text).toBe(text);

    await until(
      'the reader to hold the article',
      () => reader.library.article('late-philharmonic') !== undefined,
    );
    const [hit] = await reader.library.search('philharmonic turbine hall', { limit: 3 });
    expect(hit?.article.id).toBe('late-philharmonic');
    expect(reader.library.passageText(hit!.passage)).toBe(text);
    expect(reader.library.completeWord('philharm', 5)).toEqual(['philharmonic']);

    expect(await writer.removeAsync(['late-philharmonic'], pause)).toEqual(['late-philharmonic']);
    await until(
      'the reader to drop the article',
      () => reader.library.article('late-philharmonic') === undefined,
    );
    expect(await reader.library.search('philharmonic turbine hall', { limit: 3 })).toEqual([]);
  });

  it('writes at start only what changed in the files: a changed article replaced, a deleted one removed', async () => {
    const [changed, deleted, ...rest] = corpus;
    const edited = { ...changed!, text: `${changed!.text}\n\nA correction about the quarry.` };
    const started = await openProcess([edited, ...rest]);
    expect(started.start).toMatchObject({
      written: 1,
      removed: 1,
      unchanged: corpus.length - 2,
    });
    expect(started.library.article(deleted!.id)).toBeUndefined();
    const [hit] = await started.library.search('correction quarry', { limit: 1 });
    expect(hit?.article.id).toBe(changed!.id);
    // Every process opened before follows the same change.
    for (const other of opened.slice(0, -1))
      await until(
        'an earlier process to follow the start',
        () =>
          other.library.article(deleted!.id) === undefined &&
          other.library.article(changed!.id)?.text === edited.text,
      );
  });
});
