/**
 * A fresh database of the run's PostgreSQL server (test/pg/server.ts) per test file, dropped
 * after it: files run in parallel without seeing each other's tables.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, inject } from 'vitest';

/** A database created for one test file; `url()` is valid inside its tests. */
export interface TestDatabase {
  url(): string;
}

/** Creates a database before the file's tests and drops it after them. */
export function useTestDatabase(): TestDatabase {
  const adminUrl = inject('pgAdminUrl');
  const name = `verbatim_test_${randomBytes(6).toString('hex')}`;
  let url: string | null = null;
  const admin = async <T>(work: (client: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  };
  beforeAll(async () => {
    await admin((c) => c.query(`CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'UTF8'`));
    const parsed = new URL(adminUrl);
    parsed.pathname = `/${name}`;
    url = parsed.toString();
  });
  afterAll(async () => {
    await admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  });
  return {
    url() {
      if (url === null) throw new Error('the test database exists only inside tests');
      return url;
    },
  };
}
