import { defineConfig } from 'vitest/config';

/**
 * `npm run test:slow`: differential and end-to-end suites that take minutes (a clean production
 * install, comparisons over thousands of synthetic passages). CI runs them after `npm test`.
 */
export default defineConfig({
  test: {
    include: ['test/**/*.slow.test.ts'],
    testTimeout: 1_800_000,
    hookTimeout: 1_800_000,
    pool: 'forks',
    fileParallelism: false,
    env: { DOTENV_CONFIG_QUIET: 'true' },
  },
});
