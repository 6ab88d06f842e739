/**
 * `npm start`: with DISCORD_TOKEN, the Discord bot; without, the local console over the corpus.
 * Configuration problems stop the start with one line naming the key.
 */
import { readFileSync } from 'node:fs';
import { ConfigError, loadConfig, type Config } from './config.js';
import { openCorpus } from './corpus/open.js';
import { createLogger } from './log.js';
import { runConsole } from './cli/console.js';

const VERSION = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;

async function main(): Promise<number> {
  let config: Config;
  try {
    config = await loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`Configuration error: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
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
  const bot = await startBot({ config, logger, version: VERSION });
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

main().then(
  (code) => {
    if (code !== 0) process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `Verbatim failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
