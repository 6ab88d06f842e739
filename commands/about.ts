/**
 * /about — the corpus (documents, passages, languages, dates, when it was loaded) and the version.
 */
import { SlashCommandBuilder } from 'discord.js';
import { NO_MENTIONS } from '../src/discord/answers.js';
import type { Command } from '../src/discord/command.js';
import { renderAboutEmbed } from '../src/present/discord.js';

export const about: Command = {
  data: new SlashCommandBuilder()
    .setName('about')
    .setDescription('What the corpus holds and which version of Verbatim this is'),
  usage: 'the corpus (documents, passages, languages, dates, when it was loaded) and the version',
  async execute(interaction, context) {
    await interaction.reply({
      embeds: [renderAboutEmbed(context.library.stats(), context.loadedAt(), context.version)],
      allowedMentions: NO_MENTIONS,
    });
  },
};
