/**
 * `npm run trend -- "topic" [--out trend.png] [--json] [--since D] [--until D]
 * [--by outlet|language] [--interval day|week|month] [--corpus DIR]`: draws how many articles
 * matching the topic each outlet published per interval, writes the PNG and prints the summary
 * (or, with --json, the counts as one JSON object).
 */
import { UsageError } from '../core/errors.js';
import { createLogger } from '../core/log.js';
import { openCorpus } from '../library/open.js';
import { EXIT_USAGE, loadConfigOrReport, parseArgumentsOrReport, runMain } from './run.js';
import { parseTrendArguments, runTrend } from './trend-command.js';

async function main(): Promise<number> {
  const args = parseArgumentsOrReport(parseTrendArguments);
  if (args === null) return EXIT_USAGE;
  const config = await loadConfigOrReport();
  if (config === null) return EXIT_USAGE;
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
  // The persisted index belongs to the configured corpus; another --corpus is built in memory.
  const { library } =
    args.corpus === null
      ? await openCorpus(config.corpusDir, logger, Date.now, { dataDir: config.dataDir })
      : await openCorpus(args.corpus, logger);
  try {
    const text = await runTrend(
      library,
      args,
      process.cwd(),
      process.stdout.isTTY ? 'ansi' : 'markdown',
    );
    process.stdout.write(`${text}\n`);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message}\n`);
      return EXIT_USAGE;
    }
    throw error;
  }
  return 0;
}

runMain('trend', main);
