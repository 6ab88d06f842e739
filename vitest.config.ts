import { defineConfig } from 'vitest/config';

/** `npm test`: the fast suites. Slow ones (*.slow.test.ts) run with `npm run test:slow`. */
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/**/*.slow.test.ts', 'node_modules/**'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    env: { DOTENV_CONFIG_QUIET: 'true' },
  },
});
