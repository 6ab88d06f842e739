/** /digest add — follow a topic in a channel, and privately preview the first digest. */
import { DEFAULT_DIGEST_LIMIT, MAX_DIGEST_LIMIT } from '../../src/digest/build.js';
import { normalizeTimeZone, parseSchedule } from '../../src/digest/schedule.js';
import { escapeMarkdown } from '../../src/present/markdown.js';
import {
  MAX_TOPIC_LENGTH,
  addSettingOptions,
  checkTopic,
  replyPrivately,
  when,
  type DigestSubcommand,
} from './shared.js';

/** The schedule used when `add` is given none. */
const DEFAULT_SCHEDULE = 'daily 09:00';

export const add: DigestSubcommand = {
  name: 'add',
  define: (s) =>
    addSettingOptions(
      s
        .setDescription('Follow a topic in a channel')
        .addStringOption((o) =>
          o
            .setName('topic')
            .setDescription('Words to follow, e.g. Bennett Putin talks')
            .setRequired(true)
            .setMaxLength(MAX_TOPIC_LENGTH),
        ),
      {
        channel: 'Where to post (default: this channel)',
        schedule: `hourly, daily HH:MM, weekly mon HH:MM or cron (default ${DEFAULT_SCHEDULE})`,
        timezone: 'IANA time zone, e.g. Europe/Sofia (default: the server’s, else UTC)',
        limit: `Most quotes per digest (1–${MAX_DIGEST_LIMIT}, default ${DEFAULT_DIGEST_LIMIT})`,
        sayWhenEmpty: 'Post one short line when there is nothing new (default: post nothing)',
      },
    ),
  async run({ interaction, context, scheduler, guildId }) {
    const { options } = interaction;
    const topic = checkTopic(context, options.getString('topic', true).trim());
    const channelId = options.getChannel('channel')?.id ?? interaction.channelId;
    const schedule = parseSchedule(options.getString('schedule') ?? DEFAULT_SCHEDULE);
    const timeZone = normalizeTimeZone(
      options.getString('timezone') ?? (await scheduler.store.guildTimeZone(guildId)) ?? 'UTC',
    );
    const sub = await scheduler.add({
      guildId,
      channelId,
      topic,
      schedule: schedule.text,
      timeZone,
      maxQuotes: options.getInteger('limit') ?? DEFAULT_DIGEST_LIMIT,
      postWhenEmpty: options.getBoolean('say_when_empty') ?? false,
      createdBy: interaction.user.id,
    });
    const preview = await scheduler.preview(sub);
    const head =
      `Digest **#${sub.id}** added: ${escapeMarkdown(topic)} → <#${channelId}>, \`${sub.schedule}\` (${timeZone}).\n` +
      `Next run: ${when(sub.nextRunAt, timeZone)}.\n`;
    const tail =
      preview.quoteCount === 0
        ? 'Nothing in the corpus matches it yet; digests will post what arrives.'
        : `Preview of the first digest (${preview.quoteCount} quote${preview.quoteCount === 1 ? '' : 's'}):`;
    await replyPrivately(interaction, head + tail, preview);
  },
};
