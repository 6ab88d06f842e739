import { defineConfig } from 'vitest/config';

/**
 * `npm run test:slow`: differential and end-to-end suites that take minutes (a clean production
 * install, comparisons over thousands of synthetic passages). CI runs them after `npm test`.
 */
export default defineConfig({
  test: {
    include: ['test/**/*.slow.test.ts'],
    testTimeout: 900_000,
    hookTimeout: 900_000,
    pool: 'forks',
    fileParallelism: false,
    env: { DOTENV_CONFIG_QUIET: 'true' },
  },
});
