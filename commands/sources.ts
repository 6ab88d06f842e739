/**
 * /sources — the outlets with their number of articles and date range.
 */
import { SlashCommandBuilder } from 'discord.js';
import { NO_MENTIONS } from '../src/discord/answers.js';
import type { Command } from '../src/discord/command.js';
import { renderSourcesEmbed } from '../src/present/discord.js';

export const sources: Command = {
  data: new SlashCommandBuilder()
    .setName('sources')
    .setDescription('The outlets in the corpus, with article counts and dates'),
  usage: 'the outlets in the corpus with their number of articles and date range',
  async execute(interaction, context) {
    await interaction.reply({
      embeds: [renderSourcesEmbed(context.library.sources())],
      allowedMentions: NO_MENTIONS,
    });
  },
};
