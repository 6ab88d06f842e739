import { afterAll, describe, expect, it } from 'vitest';
import { openPostgres, type PgPool } from '../../src/db/postgres.js';
import { SILENT_LOGGER } from '../../src/core/log.js';
import { openPostgresButtonStateStore, stateKey } from '../../src/discord/state.js';
import { useTestDatabase } from '../pg/database.js';

const database = useTestDatabase();
const pools: PgPool[] = [];

afterAll(async () => {
  await Promise.all(pools.filter((pool) => !pool.ended).map((pool) => pool.end()));
});

/** A store on a pool of its own, as another bot process would open it. */
function openProcess(max?: number): ReturnType<typeof openPostgresButtonStateStore> {
  const pool = openPostgres(database.url(), { max: 2 });
  pools.push(pool);
  return openPostgresButtonStateStore(pool, SILENT_LOGGER, max);
}

describe('button state in PostgreSQL', () => {
  it('answers a click in another process with what this one stored', async () => {
    const [one, two] = await Promise.all([openProcess(), openProcess()]);
    const request = { kind: 'ask', question: 'q'.repeat(500), since: '2022-03-01' };
    const key = one.put(request);
    expect(key).toBe(stateKey(request));
    expect(one.put(request)).toBe(key);
    await one.flush();
    expect(await two.get(key)).toEqual(request);
    expect(await two.get('unknownkey12')).toBeUndefined();
    // A restarted process finds it too; close writes what is pending.
    const late = one.put('written at close');
    await one.close();
    expect(await (await openProcess()).get(late)).toBe('written at close');
  });

  it('keeps only the newest entries beyond its capacity', async () => {
    const store = await openProcess(3);
    const keys = ['a', 'b', 'c', 'd', 'e'].map((value) => store.put(value));
    await store.flush();
    const other = await openProcess(3);
    expect(await Promise.all(keys.map((key) => other.get(key)))).toEqual([
      undefined,
      undefined,
      'c',
      'd',
      'e',
    ]);
  });
});
