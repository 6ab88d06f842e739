// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** The pure core: no Discord, cron, environment or file system (one loader reads files). */
const CORE = ['src/ingest/**', 'src/search/**', 'src/quote/**', 'src/digest/**', 'src/lang/**'];
const FORBIDDEN_IN_CORE = [
  { name: 'discord.js', message: 'The core is pure: Discord belongs in src/discord.' },
  { name: 'node-cron', message: 'The core is pure: scheduling I/O belongs at the edge.' },
  { name: 'dotenv', message: 'Only src/config.ts reads the environment.' },
  { name: 'better-sqlite3', message: 'The core is pure: storage belongs at the edge.' },
  { name: 'fs', message: 'The core is pure: src/corpus/load.ts reads files.' },
  { name: 'node:fs', message: 'The core is pure: src/corpus/load.ts reads files.' },
  { name: 'fs/promises', message: 'The core is pure: src/corpus/load.ts reads files.' },
  { name: 'node:fs/promises', message: 'The core is pure: src/corpus/load.ts reads files.' },
];

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'dist/**',
      'data/**',
      'coverage/**',
      'corpus/**',
      'bench/results/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'no-console': 'off',
    },
  },
  {
    files: CORE,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: FORBIDDEN_IN_CORE,
          patterns: [
            {
              group: ['**/discord/**', '**/config', '**/config.js'],
              message: 'The core takes state and config as arguments.',
            },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'process', message: 'The core reads no environment; pass values in.' },
      ],
      'no-restricted-properties': [
        'error',
        {
          object: 'Date',
          property: 'now',
          message: 'Time is passed in to the core, never read inside it.',
        },
      ],
    },
  },
);
