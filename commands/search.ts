/**
 * /search query:<words> [source] [since] [until] — keyword lookup: every word, "quoted phrases",
 * and the last word as a prefix; `query` autocompletes from the index.
 */
import { SlashCommandBuilder } from 'discord.js';
import { suggestCompletions } from '../src/answer/keywords.js';
import { readAnswerRequest, replyWithAnswer } from '../src/discord/answers.js';
import type { Command } from '../src/discord/command.js';
import { DISCORD_LIMITS } from '../src/present/limits.js';
import { completeSource, sinceOption, sourceOption, toChoice, untilOption } from './options.js';

export const search: Command = {
  data: new SlashCommandBuilder()
    .setName('search')
    .setDescription('Keyword lookup: all words, "quoted phrases", last word may be a prefix')
    .addStringOption((o) =>
      o
        .setName('query')
        .setDescription('Words or "a quoted phrase", e.g. Gomel delegation')
        .setRequired(true)
        .setMaxLength(200)
        .setAutocomplete(true),
    )
    .addStringOption(sourceOption)
    .addStringOption(sinceOption)
    .addStringOption(untilOption),
  usage:
    'keyword lookup: every word must occur, "quoted phrases" in order, the last word may be a prefix',
  async execute(interaction, context) {
    const request = readAnswerRequest(interaction, 'search', 'query');
    await replyWithAnswer(interaction, request, false, context);
  },
  async autocomplete(interaction, context) {
    const focused = interaction.options.getFocused(true);
    if (focused.name === 'source') {
      await completeSource(interaction, context);
      return;
    }
    const typed = String(focused.value);
    const choices = suggestCompletions(context.library, typed, DISCORD_LIMITS.choices)
      .filter((s) => s.trim() !== '')
      .map((s) => toChoice(s));
    await interaction.respond(choices);
  },
};
