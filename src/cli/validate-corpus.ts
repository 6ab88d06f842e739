/**
 * `npm run validate-corpus [-- DIR]`: prints every corpus problem as `file:line: message` and
 * exits 1 when there is one (0 when clean, 2 on bad arguments).
 */
import { EXIT_USAGE, loadConfigOrReport, runMain } from './run.js';
import { formatProblem } from '../text/parse.js';
import { loadCorpus } from '../library/load.js';

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  if (args.length > 1 || args[0]?.startsWith('-')) {
    process.stderr.write('usage: npm run validate-corpus [-- DIR]\n');
    return EXIT_USAGE;
  }
  let dir = args[0];
  if (dir === undefined) {
    const config = await loadConfigOrReport();
    if (config === null) return EXIT_USAGE;
    dir = config.corpusDir;
  }
  const loaded = await loadCorpus(dir);
  for (const problem of loaded.problems) process.stdout.write(formatProblem(problem) + '\n');
  process.stderr.write(
    `${loaded.files.length} files, ${loaded.articles.length} articles, ${loaded.problems.length} problems in ${dir}\n`,
  );
  return loaded.problems.length === 0 ? 0 : 1;
}

runMain('validate-corpus', main);
