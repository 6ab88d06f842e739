/**
 * /trend in Discord: reads the options, builds the report (src/present/trend.ts) and edits the
 * deferred reply with the chart attached, the summary line as the message text and the peak's
 * best quote rendered as /ask renders quotes. A topic that matches nothing gets one line and no
 * chart.
 */
import type {
  APIEmbed,
  ChatInputCommandInteraction,
  InteractionEditReplyOptions,
} from 'discord.js';
import { UsageError } from '../core/errors.js';
import { buildTrendReport, type TrendReport, type TrendRequest } from '../present/trend.js';
import {
  TREND_GROUPINGS,
  TREND_INTERVALS,
  type TrendGrouping,
  type TrendInterval,
} from '../trend/series.js';
import { NO_MENTIONS, parseDateOption } from './answers.js';
import { runOnAnswerQueue, type CommandContext } from './command.js';
import { ANSWER_COLOUR, renderQuotes } from '../present/discord.js';
import { DISCORD_LIMITS } from '../present/limits.js';
import { fitEscaped } from '../present/markdown.js';

/** The attachment's file name. */
const TREND_FILE_NAME = 'trend.png';

/**
 * Discord's smallest upload limit (a server without boosts), in bytes: a chart above it is not
 * sent. Charts are ~20–150 KB, far below.
 */
const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;

/** Reads /trend's options; throws UsageError on bad input. */
function readTrendRequest(interaction: ChatInputCommandInteraction): TrendRequest {
  const topic = interaction.options.getString('topic', true).trim();
  if (topic === '') throw new UsageError('Please give the topic some words.');
  const sinceRaw = interaction.options.getString('since');
  const untilRaw = interaction.options.getString('until');
  const since = sinceRaw === null ? undefined : parseDateOption('since', sinceRaw);
  const until = untilRaw === null ? undefined : parseDateOption('until', untilRaw);
  if (since !== undefined && until !== undefined && since > until)
    throw new UsageError('“since” is after “until”; swap them to get a date range.');
  const by = interaction.options.getString('by') ?? 'outlet';
  const interval = interaction.options.getString('interval');
  if (!(TREND_GROUPINGS as readonly string[]).includes(by))
    throw new UsageError(`“by” must be one of ${TREND_GROUPINGS.join(', ')}.`);
  if (interval !== null && !(TREND_INTERVALS as readonly string[]).includes(interval))
    throw new UsageError(`“interval” must be one of ${TREND_INTERVALS.join(', ')}.`);
  return {
    topic,
    by: by as TrendGrouping,
    ...(interval !== null ? { interval: interval as TrendInterval } : {}),
    ...(since !== undefined ? { since } : {}),
    ...(until !== undefined ? { until } : {}),
  };
}

/** The edit that shows a report: chart attached, summary as text, the peak's quote below. */
function renderTrendReply(report: TrendReport): InteractionEditReplyOptions {
  const summary = fitEscaped(report.summary, DISCORD_LIMITS.content);
  if (report.chart === null || report.chart.png.byteLength > MAX_ATTACHMENT_BYTES)
    return { content: summary, embeds: [], allowedMentions: NO_MENTIONS };
  const embeds: APIEmbed[] =
    report.peakQuote === null
      ? []
      : [
          {
            title: fitEscaped(`From the peak: ${report.match.topic}`, DISCORD_LIMITS.embedTitle),
            description: renderQuotes([report.peakQuote]),
            color: ANSWER_COLOUR,
            footer: { text: 'The best verbatim quote of the busiest interval' },
          },
        ];
  return {
    content: summary,
    embeds,
    files: [{ attachment: Buffer.from(report.chart.png), name: TREND_FILE_NAME }],
    allowedMentions: NO_MENTIONS,
  };
}

/** Answers /trend: defers, builds the report, and edits the reply with it. */
export async function replyWithTrend(
  interaction: ChatInputCommandInteraction,
  context: CommandContext,
): Promise<void> {
  const request = readTrendRequest(interaction);
  await interaction.deferReply();
  const report = await runOnAnswerQueue(context, () => buildTrendReport(context.library, request));
  await interaction.editReply(renderTrendReply(report));
}
