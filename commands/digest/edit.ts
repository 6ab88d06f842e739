/** /digest edit — change a digest; a new schedule or time zone counts from now. */
import { ChannelType } from 'discord.js';
import { UsageError } from '../../src/core/errors.js';
import { MAX_DIGEST_LIMIT } from '../../src/digest/build.js';
import { normalizeTimeZone, parseSchedule } from '../../src/digest/schedule.js';
import type { DigestScheduler } from '../../src/scheduler/scheduler.js';
import {
  MAX_SETTING_LENGTH,
  MAX_TOPIC_LENGTH,
  checkTopic,
  describeSubscription,
  idOption,
  replyPrivately,
  targetOf,
  type DigestSubcommand,
} from './shared.js';

type Changes = Parameters<DigestScheduler['update']>[1];

export const edit: DigestSubcommand = {
  name: 'edit',
  define: (s) =>
    s
      .setDescription('Change a digest; a new schedule or time zone counts from now')
      .addIntegerOption(idOption(true))
      .addStringOption((o) =>
        o.setName('topic').setDescription('New words to follow').setMaxLength(MAX_TOPIC_LENGTH),
      )
      .addChannelOption((o) =>
        o
          .setName('channel')
          .setDescription('Post somewhere else')
          .addChannelTypes(ChannelType.GuildText, ChannelType.GuildAnnouncement),
      )
      .addStringOption((o) =>
        o
          .setName('schedule')
          .setDescription('hourly, daily HH:MM, weekly mon HH:MM or cron')
          .setMaxLength(MAX_SETTING_LENGTH),
      )
      .addStringOption((o) =>
        o
          .setName('timezone')
          .setDescription('IANA time zone, e.g. Europe/Sofia')
          .setAutocomplete(true)
          .setMaxLength(MAX_SETTING_LENGTH),
      )
      .addIntegerOption((o) =>
        o
          .setName('limit')
          .setDescription(`Most quotes per digest (1–${MAX_DIGEST_LIMIT})`)
          .setMinValue(1)
          .setMaxValue(MAX_DIGEST_LIMIT),
      )
      .addBooleanOption((o) =>
        o.setName('say_when_empty').setDescription('Post one short line when there is nothing new'),
      ),
  async run(call) {
    const { interaction, context, scheduler } = call;
    const { options } = interaction;
    const target = targetOf(call);
    const topic = options.getString('topic');
    const channel = options.getChannel('channel');
    const schedule = options.getString('schedule');
    const zone = options.getString('timezone');
    const limit = options.getInteger('limit');
    const sayWhenEmpty = options.getBoolean('say_when_empty');
    const changes: Changes = {
      ...(topic !== null ? { topic: checkTopic(context, topic.trim()) } : {}),
      ...(channel !== null ? { channelId: channel.id } : {}),
      ...(schedule !== null ? { schedule: parseSchedule(schedule).text } : {}),
      ...(zone !== null ? { timeZone: normalizeTimeZone(zone) } : {}),
      ...(limit !== null ? { maxQuotes: limit } : {}),
      ...(sayWhenEmpty !== null ? { postWhenEmpty: sayWhenEmpty } : {}),
    };
    if (Object.keys(changes).length === 0) {
      throw new UsageError(
        `Say what to change, e.g. \`/digest edit id:${target.id} schedule:daily 08:00\`.`,
      );
    }
    const updated = scheduler.update(target.id, changes);
    await replyPrivately(
      interaction,
      `Digest #${updated.id} updated.\n${describeSubscription(updated)}`,
    );
  },
};
