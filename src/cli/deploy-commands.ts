/**
 * `npm run deploy-commands`: puts the slash-command definitions to Discord by hand (to
 * DISCORD_GUILD_ID when set, else globally), even when they are unchanged, and records their
 * hash in DATA_DIR so the bot's next start does not put them again.
 */
import { REST, Routes, type APIApplication } from 'discord.js';
import { COMMANDS } from '../../commands/index.js';
import { ConfigError, loadConfig } from '../config.js';
import { syncCommands } from '../discord/sync.js';
import { createLogger } from '../log.js';

async function main(): Promise<number> {
  let config;
  try {
    config = await loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`Configuration error: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  if (config.discordToken === null) {
    process.stderr.write('Configuration error: DISCORD_TOKEN: required to deploy commands\n');
    return 2;
  }
  const logger = createLogger(config.logLevel, { secrets: [config.discordToken] });
  const rest = new REST({ api: config.discordApiBase }).setToken(config.discordToken);
  const application = (await rest.get(Routes.currentApplication())) as APIApplication;
  const definitions = COMMANDS.map((c) => c.data.toJSON());
  await syncCommands({
    rest,
    definitions,
    target: { applicationId: application.id, guildId: config.discordGuildId },
    dataDir: config.dataDir,
    logger,
    now: () => new Date(),
    force: true,
  });
  const where =
    config.discordGuildId === null
      ? 'globally (may take up to an hour to appear)'
      : `to server ${config.discordGuildId}`;
  process.stdout.write(
    `Put ${definitions.length} commands (${definitions.map((d) => `/${d.name}`).join(' ')}) ${where}.\n`,
  );
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `deploy-commands failed: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
