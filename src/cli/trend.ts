/**
 * `npm run trend -- "topic" [--out trend.png] [--json] [--since D] [--until D]
 * [--by outlet|language] [--interval day|week|month] [--corpus DIR]`: draws how many articles
 * matching the topic each outlet published per interval, writes the PNG and prints the summary
 * (or, with --json, the counts as one JSON object).
 */
import { UsageError } from '../core/errors.js';
import { createLogger } from '../core/log.js';
import { openConfiguredCorpus } from './configured-corpus.js';
import { EXIT_USAGE, loadConfigOrReport, parseArgumentsOrReport, runMain } from './run.js';
import { parseTrendArguments, runTrend } from './trend-command.js';

async function main(): Promise<number> {
  const args = parseArgumentsOrReport(parseTrendArguments);
  if (args === null) return EXIT_USAGE;
  const config = await loadConfigOrReport();
  if (config === null) return EXIT_USAGE;
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
  const corpus = await openConfiguredCorpus(config, logger, args.corpus);
  const { library } = corpus.opened;
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
  } finally {
    await corpus.close();
  }
  return 0;
}

runMain('trend', main);
