// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * The layers of src/, lowest first. A folder may import its own files and any folder of a lower
 * layer, never one of its own layer or above: imports only go down.
 */
const LAYERS = [
  ['core'],
  ['text'],
  ['index'],
  ['library', 'db'],
  ['answer'],
  ['digest', 'feeds', 'trend'],
  ['present'],
  ['scheduler'],
  ['discord'],
  ['cli'],
];

/** The pure core: no Discord, cron, environment or file system (src/library reads files). */
const PURE = [
  'src/text/**',
  'src/index/**',
  'src/answer/**',
  'src/digest/build.ts',
  'src/digest/schedule.ts',
];
const FORBIDDEN_IN_PURE = [
  { name: 'discord.js', message: 'The core is pure: Discord belongs in src/discord.' },
  { name: 'node-cron', message: 'The core is pure: scheduling I/O belongs at the edge.' },
  { name: 'dotenv', message: 'Only src/config.ts reads the environment.' },
  { name: 'better-sqlite3', message: 'The core is pure: storage belongs in src/db.' },
  { name: 'fs', message: 'The core is pure: src/library reads files.' },
  { name: 'node:fs', message: 'The core is pure: src/library reads files.' },
  { name: 'fs/promises', message: 'The core is pure: src/library reads files.' },
  { name: 'node:fs/promises', message: 'The core is pure: src/library reads files.' },
];

/** no-restricted-imports patterns forbidding every folder at `level` or above but `own`. */
function upwardPatterns(level, own) {
  const above = LAYERS.slice(level)
    .flat()
    .filter((folder) => folder !== own);
  const group = [
    ...above.flatMap((folder) => [`../${folder}/**`, `../../src/${folder}/**`]),
    ...(level < LAYERS.length - 1 ? ['../../commands/**', '../main.js'] : []),
  ];
  return group.length === 0
    ? []
    : [{ group, message: 'Imports only go down the layers (see LAYERS in eslint.config.js).' }];
}

const layerRules = LAYERS.flatMap((folders, level) =>
  folders.map((folder) => ({
    files: [`src/${folder}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: PURE.some((p) => p.startsWith(`src/${folder}/**`)) ? FORBIDDEN_IN_PURE : [],
          patterns: upwardPatterns(level, folder),
        },
      ],
    },
  })),
);

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
  ...layerRules,
  {
    files: ['src/digest/build.ts', 'src/digest/schedule.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: FORBIDDEN_IN_PURE, patterns: upwardPatterns(5, 'digest') },
      ],
    },
  },
  {
    files: ['commands/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['../src/cli/**', '../src/main.js'],
              message: 'Commands sit below the entry points.',
            },
          ],
        },
      ],
    },
  },
  {
    files: PURE,
    rules: {
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
