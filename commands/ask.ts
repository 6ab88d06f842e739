/**
 * /ask question:<text> [limit] [since] [until] [source] [private] — ranked verbatim quotes.
 */
import { SlashCommandBuilder } from 'discord.js';
import { MAX_LIMIT } from '../src/answer/answer.js';
import { readAnswerRequest, replyWithAnswer } from '../src/discord/answers.js';
import type { Command } from '../src/discord/command.js';
import { completeSource, sinceOption, sourceOption, untilOption } from './options.js';

/** The longest question accepted (Discord allows 6,000; long ones only dilute the ranking). */
const MAX_QUESTION_LENGTH = 500;

export const ask: Command = {
  data: new SlashCommandBuilder()
    .setName('ask')
    .setDescription('Ask a question; get ranked verbatim quotes from the news corpus')
    .addStringOption((o) =>
      o
        .setName('question')
        .setDescription('Your question, e.g. What did Putin tell Bennett?')
        .setRequired(true)
        .setMaxLength(MAX_QUESTION_LENGTH),
    )
    .addIntegerOption((o) =>
      o
        .setName('limit')
        .setDescription(`How many quotes (1–${MAX_LIMIT}, default 5)`)
        .setMinValue(1)
        .setMaxValue(MAX_LIMIT),
    )
    .addStringOption(sinceOption)
    .addStringOption(untilOption)
    .addStringOption(sourceOption)
    .addBooleanOption((o) => o.setName('private').setDescription('Only you see the answer')),
  usage:
    'ask a question; ranked verbatim quotes with outlet, date and link (options: limit, since, until, source, private)',
  async execute(interaction, context) {
    const request = readAnswerRequest(interaction, 'ask', 'question');
    await replyWithAnswer(
      interaction,
      request,
      interaction.options.getBoolean('private') ?? false,
      context,
    );
  },
  async autocomplete(interaction, context) {
    await completeSource(interaction, context);
  },
};
