import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // *.slow.test.ts (kill -9 through child processes, long fuzz runs) run with `npm run test:slow`.
    exclude: [
      ...configDefaults.exclude,
      ...(process.env['VERBATIM_SLOW_TESTS'] === '1' ? [] : ['**/*.slow.test.ts']),
    ],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    env: { DOTENV_CONFIG_QUIET: 'true' },
  },
});
