/**
 * `npm start`: with DISCORD_TOKEN, the Discord bot; without, the local console over the corpus.
 * Configuration problems stop the start with one line naming the key.
 */
import { loadConfigOrReport, runMain, EXIT_USAGE } from './cli/run.js';
import { openCorpus } from './library/open.js';
import { createLogger } from './core/log.js';
import { runConsole } from './cli/console.js';
import { packageVersion } from './core/version.js';

const VERSION = packageVersion(import.meta.url);

async function main(): Promise<number> {
  const config = await loadConfigOrReport();
  if (config === null) return EXIT_USAGE;
  const logger = createLogger(config.logLevel, { secrets: [config.discordToken] });
  if (config.discordToken === null) {
    const quiet = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
    const opened = await openCorpus(config.corpusDir, quiet, Date.now, { dataDir: config.dataDir });
    const interactive = process.stdin.isTTY === true && process.stdout.isTTY === true;
    await runConsole({
      library: () => opened.library,
      input: process.stdin,
      output: process.stdout,
      interactive,
      logger: quiet,
      loadedAt: opened.loadedAt,
      version: VERSION,
    });
    return 0;
  }
  const { startBot } = await import('./discord/bot.js');
  const { COMMANDS } = await import('../commands/index.js');
  const bot = await startBot({ config, logger, version: VERSION, commands: COMMANDS });
  // A stop signal finishes in-flight work (digest runs, button state) before leaving.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      logger.info(`received ${signal}; shutting down`);
      bot.stop().then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error('shutdown failed', { error });
          process.exit(1);
        },
      );
    });
  }
  return 0;
}

runMain('Verbatim', main);
