/** /digest edit — change a digest; a new schedule or time zone counts from now. */
import { UsageError } from '../../src/core/errors.js';
import { MAX_DIGEST_LIMIT } from '../../src/digest/build.js';
import { normalizeTimeZone, parseSchedule } from '../../src/digest/schedule.js';
import type { DigestScheduler } from '../../src/scheduler/scheduler.js';
import {
  MAX_TOPIC_LENGTH,
  addSettingOptions,
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
    addSettingOptions(
      s
        .setDescription('Change a digest; a new schedule or time zone counts from now')
        .addIntegerOption(idOption(true))
        .addStringOption((o) =>
          o.setName('topic').setDescription('New words to follow').setMaxLength(MAX_TOPIC_LENGTH),
        ),
      {
        channel: 'Post somewhere else',
        schedule: 'hourly, daily HH:MM, weekly mon HH:MM or cron',
        timezone: 'IANA time zone, e.g. Europe/Sofia',
        limit: `Most quotes per digest (1–${MAX_DIGEST_LIMIT})`,
        sayWhenEmpty: 'Post one short line when there is nothing new',
      },
    ),
  async run(call) {
    const { interaction, context, scheduler } = call;
    const { options } = interaction;
    const target = await targetOf(call);
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
    const updated = await scheduler.update(target.id, changes);
    await replyPrivately(
      interaction,
      `Digest #${updated.id} updated.\n${describeSubscription(updated)}`,
    );
  },
};
