import { defineConfig } from 'vitest/config';

/**
 * The PostgreSQL suites (`npm run test:pg`): test files named *.pg.test.ts, against one private
 * server started for the run (test/pg/server.ts). Kept out of `npm test`, which stays fast.
 */
export default defineConfig({
  test: {
    include: ['test/**/*.pg.test.ts'],
    globalSetup: ['test/pg/server.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    env: { DOTENV_CONFIG_QUIET: 'true' },
  },
});
