/**
 * /trend topic:<words> [since] [until] [by] [interval] — a chart of how many articles about the
 * topic each outlet published per interval, with the peak's best quote.
 */
import { SlashCommandBuilder } from 'discord.js';
import type { Command } from '../src/discord/command.js';
import { replyWithTrend } from '../src/discord/trend.js';
import { MAX_TOPIC_LENGTH } from '../src/trend/match.js';
import { sinceOption, untilOption } from './options.js';

export const trend: Command = {
  data: new SlashCommandBuilder()
    .setName('trend')
    .setDescription('Chart how many articles about a topic each outlet published over time')
    .addStringOption((o) =>
      o
        .setName('topic')
        .setDescription('The topic, e.g. Bennett Putin')
        .setRequired(true)
        .setMaxLength(MAX_TOPIC_LENGTH),
    )
    .addStringOption(sinceOption)
    .addStringOption(untilOption)
    .addStringOption((o) =>
      o
        .setName('by')
        .setDescription('Split the bars by outlet (default) or language')
        .addChoices({ name: 'outlet', value: 'outlet' }, { name: 'language', value: 'language' }),
    )
    .addStringOption((o) =>
      o
        .setName('interval')
        .setDescription('One bar per day, week or month (default: week, month over long ranges)')
        .addChoices(
          { name: 'day', value: 'day' },
          { name: 'week', value: 'week' },
          { name: 'month', value: 'month' },
        ),
    ),
  usage:
    'a chart of how many articles about a topic each outlet published per week, with the peak’s best quote (options: since, until, by, interval)',
  async execute(interaction, context) {
    await replyWithTrend(interaction, context);
  },
};
