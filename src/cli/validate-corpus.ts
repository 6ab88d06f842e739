/**
 * `npm run validate-corpus [-- DIR]`: prints every corpus problem as `file:line: message` and
 * exits 1 when there is one (0 when clean, 2 on bad arguments).
 */
import { loadConfig } from '../config.js';
import { formatProblem } from '../ingest/parse.js';
import { loadCorpus } from '../corpus/load.js';

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  if (args.length > 1 || args[0]?.startsWith('-')) {
    process.stderr.write('usage: npm run validate-corpus [-- DIR]\n');
    return 2;
  }
  const dir = args[0] ?? (await loadConfig()).corpusDir;
  const loaded = await loadCorpus(dir);
  for (const problem of loaded.problems) process.stdout.write(formatProblem(problem) + '\n');
  process.stderr.write(
    `${loaded.files.length} files, ${loaded.articles.length} articles, ${loaded.problems.length} problems in ${dir}\n`,
  );
  return loaded.problems.length === 0 ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `validate-corpus failed: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
