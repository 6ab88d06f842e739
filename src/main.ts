/**
 * `npm start`: with DISCORD_TOKEN, the Discord bot; without, the local console over the corpus.
 * Configuration problems stop the start with one line naming the key.
 */
import { loadConfigOrReport, runMain, EXIT_USAGE } from './cli/run.js';
import { openConfiguredCorpus } from './cli/configured-corpus.js';
import { createLogger } from './core/log.js';
import { runConsole } from './cli/console.js';
import { startReranker } from './answer/similarity.js';
import { packageVersion } from './core/version.js';
import type { BotHandle } from './discord/bot.js';

/** How long a stop signal waits for the graceful stop before exiting anyway. */
const SHUTDOWN_GRACE_MS = 15_000;

const VERSION = packageVersion(import.meta.url);

async function main(): Promise<number> {
  const config = await loadConfigOrReport();
  if (config === null) return EXIT_USAGE;
  const logger = createLogger(config.logLevel, { secrets: [config.discordToken] });
  if (config.discordToken === null) {
    const quiet = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
    const corpus = await openConfiguredCorpus(config, quiet);
    const { opened } = corpus;
    const interactive = process.stdin.isTTY === true && process.stdout.isTTY === true;
    const rerank = startReranker(config.semanticRerank, quiet);
    await runConsole({
      library: () => opened.library,
      input: process.stdin,
      output: process.stdout,
      interactive,
      logger: quiet,
      loadedAt: opened.loadedAt,
      version: VERSION,
      reranker: rerank.reranker,
    });
    await rerank.close();
    await corpus.close();
    return 0;
  }
  // The stop signals are handled before anything slow starts, so SIGTERM during the corpus load
  // or the login still ends in the graceful stop (in-flight digest runs, button state).
  let starting: Promise<BotHandle> | null = null;
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    // `on`, not `once`: a second signal (a supervisor repeating itself) must not kill the stop.
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      logger.info(`received ${signal}; shutting down`);
      // A stop that cannot finish (a login that never answers) must not keep the process forever.
      setTimeout(() => {
        logger.error('shutdown took too long; exiting');
        process.exit(1);
      }, SHUTDOWN_GRACE_MS).unref();
      const stopped = (starting ?? Promise.resolve(null)).then(
        (bot) => bot?.stop(),
        () => undefined,
      );
      stopped.then(
        () => {
          logger.info('stopped');
          process.exit(0);
        },
        (error: unknown) => {
          logger.error('shutdown failed', { error });
          process.exit(1);
        },
      );
    });
  }
  logger.info('starting', { corpus: config.corpusDir, dataDir: config.dataDir });
  const { startBot } = await import('./discord/bot.js');
  const { COMMANDS } = await import('../commands/index.js');
  starting = startBot({ config, logger, version: VERSION, commands: COMMANDS });
  await starting;
  // Digest catch-up and reconciliation are done by now: supervisors and tests wait for this line.
  logger.info('started');
  return 0;
}

runMain('Verbatim', main);
