/** /digest settings — the server's default time zone for new digests. */
import { normalizeTimeZone } from '../../src/digest/schedule.js';
import { replyPrivately, timeZoneOption, type DigestSubcommand } from './shared.js';

export const settings: DigestSubcommand = {
  name: 'settings',
  define: (s) =>
    s
      .setDescription('Server defaults for new digests')
      .addStringOption(timeZoneOption('Default time zone, e.g. Europe/Sofia', true)),
  async run({ interaction, scheduler, guildId }) {
    const timeZone = normalizeTimeZone(interaction.options.getString('timezone', true));
    await scheduler.store.setGuildTimeZone(guildId, timeZone);
    await replyPrivately(
      interaction,
      `New digests in this server now default to ${timeZone}. Existing digests keep their own time zone.`,
    );
  },
};
