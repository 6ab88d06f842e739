/**
 * `npm run deploy-commands`: puts the slash-command definitions to Discord by hand (to
 * DISCORD_GUILD_ID when set, else globally), even when they are unchanged, and records their
 * hash in DATA_DIR so the bot's next start does not put them again.
 */
import { REST, Routes, type APIApplication } from 'discord.js';
import { COMMANDS } from '../../commands/index.js';
import { EXIT_USAGE, loadConfigOrReport, runMain } from './run.js';
import { syncCommands } from '../discord/sync.js';
import { createLogger } from '../core/log.js';

async function main(): Promise<number> {
  const config = await loadConfigOrReport();
  if (config === null) return EXIT_USAGE;
  if (config.discordToken === null) {
    process.stderr.write('Configuration error: DISCORD_TOKEN: required to deploy commands\n');
    return EXIT_USAGE;
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

runMain('deploy-commands', main);
