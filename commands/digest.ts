/**
 * /digest — scheduled digests of new quotes on a topic, posted to a channel:
 * add, edit, list, remove, pause, resume, preview, run, settings. Members need Manage Server: it is the
 * command's default permission and is checked again whenever a subcommand runs.
 */
import {
  ChannelType,
  InteractionContextType,
  MessageFlags,
  PermissionFlagsBits,
  SlashCommandBuilder,
  type AutocompleteInteraction,
  type ChatInputCommandInteraction,
} from 'discord.js';
import { DEFAULT_DIGEST_LIMIT, MAX_DIGEST_LIMIT, type Digest } from '../src/digest/build.js';
import { cutAtWord, escapeMarkdown, renderDigest } from '../src/present/digest.js';
import {
  formatInZone,
  listTimeZones,
  normalizeTimeZone,
  parseSchedule,
} from '../src/digest/schedule.js';
import { NO_MENTIONS } from '../src/discord/answers.js';
import type { Command, CommandContext } from '../src/discord/command.js';
import { UsageError, UserFacingError } from '../src/core/errors.js';
import { weighQuery } from '../src/answer/answer.js';
import type { DigestScheduler } from '../src/scheduler/scheduler.js';
import type { Subscription } from '../src/digest/store.js';
import { MAX_CHOICES, toChoice } from './options.js';

/** The schedule used when `add` is given none. */
export const DEFAULT_SCHEDULE = 'daily 09:00';
/** The longest topic accepted. */
export const MAX_TOPIC_LENGTH = 200;

/** Said to members without Manage Server. */
export const NEEDS_MANAGE_SERVER =
  'Managing digests needs the Manage Server permission in this server.';
/** Said when the bot runs without its database. */
export const DIGESTS_UNAVAILABLE =
  'Digests are not available right now: my database could not be opened. Please tell the bot owner.';

const idOption = (required: boolean) => (o: import('discord.js').SlashCommandIntegerOption) =>
  o
    .setName('id')
    .setDescription('The digest (see /digest list)')
    .setRequired(required)
    .setMinValue(1)
    .setAutocomplete(true);

const data = new SlashCommandBuilder()
  .setName('digest')
  .setDescription('Post the best new quotes on a topic to a channel on a schedule')
  .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
  .setContexts(InteractionContextType.Guild)
  .addSubcommand((s) =>
    s
      .setName('add')
      .setDescription('Follow a topic in a channel')
      .addStringOption((o) =>
        o
          .setName('topic')
          .setDescription('Words to follow, e.g. Bennett Putin talks')
          .setRequired(true)
          .setMaxLength(MAX_TOPIC_LENGTH),
      )
      .addChannelOption((o) =>
        o
          .setName('channel')
          .setDescription('Where to post (default: this channel)')
          .addChannelTypes(ChannelType.GuildText, ChannelType.GuildAnnouncement),
      )
      .addStringOption((o) =>
        o
          .setName('schedule')
          .setDescription(
            `hourly, daily HH:MM, weekly mon HH:MM or cron (default ${DEFAULT_SCHEDULE})`,
          )
          .setMaxLength(100),
      )
      .addStringOption((o) =>
        o
          .setName('timezone')
          .setDescription('IANA time zone, e.g. Europe/Sofia (default: the server’s, else UTC)')
          .setAutocomplete(true)
          .setMaxLength(100),
      )
      .addIntegerOption((o) =>
        o
          .setName('limit')
          .setDescription(
            `Most quotes per digest (1–${MAX_DIGEST_LIMIT}, default ${DEFAULT_DIGEST_LIMIT})`,
          )
          .setMinValue(1)
          .setMaxValue(MAX_DIGEST_LIMIT),
      )
      .addBooleanOption((o) =>
        o
          .setName('say_when_empty')
          .setDescription('Post one short line when there is nothing new (default: post nothing)'),
      ),
  )
  .addSubcommand((s) =>
    s
      .setName('edit')
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
          .setMaxLength(100),
      )
      .addStringOption((o) =>
        o
          .setName('timezone')
          .setDescription('IANA time zone, e.g. Europe/Sofia')
          .setAutocomplete(true)
          .setMaxLength(100),
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
  )
  .addSubcommand((s) => s.setName('list').setDescription('This server’s digests'))
  .addSubcommand((s) =>
    s.setName('remove').setDescription('Stop and delete a digest').addIntegerOption(idOption(true)),
  )
  .addSubcommand((s) =>
    s.setName('pause').setDescription('Pause a digest').addIntegerOption(idOption(true)),
  )
  .addSubcommand((s) =>
    s.setName('resume').setDescription('Resume a paused digest').addIntegerOption(idOption(true)),
  )
  .addSubcommand((s) =>
    s
      .setName('preview')
      .setDescription('Privately see what a digest would post now')
      .addIntegerOption(idOption(false))
      .addStringOption((o) =>
        o
          .setName('topic')
          .setDescription('Or preview a topic before adding it')
          .setMaxLength(MAX_TOPIC_LENGTH),
      ),
  )
  .addSubcommand((s) =>
    s.setName('run').setDescription('Post a digest now').addIntegerOption(idOption(true)),
  )
  .addSubcommand((s) =>
    s
      .setName('settings')
      .setDescription('Server defaults for new digests')
      .addStringOption((o) =>
        o
          .setName('timezone')
          .setDescription('Default time zone, e.g. Europe/Sofia')
          .setRequired(true)
          .setAutocomplete(true)
          .setMaxLength(100),
      ),
  );

function schedulerOf(context: CommandContext): DigestScheduler {
  const scheduler = context.digests?.() ?? null;
  if (scheduler === null) throw new UserFacingError(DIGESTS_UNAVAILABLE);
  return scheduler;
}

function guildOf(interaction: ChatInputCommandInteraction | AutocompleteInteraction): string {
  if (interaction.guildId === null)
    throw new UserFacingError('Digests belong to a server: use /digest in a server channel.');
  return interaction.guildId;
}

function requireManageServer(interaction: ChatInputCommandInteraction): void {
  if (interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild) !== true)
    throw new UserFacingError(NEEDS_MANAGE_SERVER);
}

function subscriptionOf(scheduler: DigestScheduler, guildId: string, id: number): Subscription {
  const sub = scheduler.store.subscription(id);
  if (sub === null || sub.guildId !== guildId)
    throw new UsageError(`There is no digest #${id} in this server; /digest list shows them.`);
  return sub;
}

function when(ms: number | null, timeZone: string): string {
  return ms === null ? '—' : formatInZone(new Date(ms), timeZone);
}

function statusOf(sub: Subscription): string {
  return sub.status === 'active' ? 'active' : `paused: ${sub.pauseReason ?? 'by a moderator'}`;
}

/** One entry of `/digest list` (four lines). */
export function describeSubscription(sub: Subscription): string {
  const last =
    sub.lastRunAt === null
      ? 'never'
      : `${when(sub.lastRunAt, sub.timeZone)} (${sub.lastOutcome ?? '—'})`;
  return [
    `**#${sub.id}** · ${escapeMarkdown(sub.topic)} → <#${sub.channelId}>`,
    `\`${sub.schedule}\` · ${sub.timeZone} · ${sub.maxQuotes} quotes`,
    `next: ${sub.status === 'active' ? when(sub.nextRunAt, sub.timeZone) : '—'} · last: ${last}`,
    `status: ${statusOf(sub)}`,
  ].join('\n');
}

async function replyPrivately(
  interaction: ChatInputCommandInteraction,
  content: string,
  digest?: Digest,
): Promise<void> {
  const embeds = digest !== undefined && digest.quoteCount > 0 ? renderDigest(digest).embeds : [];
  const message = {
    content: cutAtWord(content, 2_000),
    embeds: [...embeds],
    allowedMentions: NO_MENTIONS,
  };
  if (interaction.deferred) await interaction.editReply(message);
  else await interaction.reply({ ...message, flags: MessageFlags.Ephemeral });
}

async function add(
  interaction: ChatInputCommandInteraction,
  context: CommandContext,
  scheduler: DigestScheduler,
  guildId: string,
): Promise<void> {
  const topic = interaction.options.getString('topic', true).trim();
  checkTopic(context, topic);
  const channelId = interaction.options.getChannel('channel')?.id ?? interaction.channelId;
  const schedule = parseSchedule(interaction.options.getString('schedule') ?? DEFAULT_SCHEDULE);
  const rawZone =
    interaction.options.getString('timezone') ?? scheduler.store.guildTimeZone(guildId) ?? 'UTC';
  const timeZone = normalizeTimeZone(rawZone);
  const sub = scheduler.add({
    guildId,
    channelId,
    topic,
    schedule: schedule.text,
    timeZone,
    maxQuotes: interaction.options.getInteger('limit') ?? DEFAULT_DIGEST_LIMIT,
    postWhenEmpty: interaction.options.getBoolean('say_when_empty') ?? false,
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
}

function checkTopic(context: CommandContext, topic: string): void {
  if (topic === '') {
    throw new UsageError(
      'The topic is empty; give a few words to follow, e.g. `Bennett Putin talks`.',
    );
  }
  if (weighQuery(context.library(), topic).terms.length === 0) {
    throw new UsageError(
      'That topic has only very common words; add a name, a place or a subject, e.g. `Bennett Putin talks`.',
    );
  }
}

async function edit(
  interaction: ChatInputCommandInteraction,
  context: CommandContext,
  scheduler: DigestScheduler,
  guildId: string,
): Promise<void> {
  const target = subscriptionOf(scheduler, guildId, interaction.options.getInteger('id', true));
  const changes: Parameters<DigestScheduler['update']>[1] = {};
  const topic = interaction.options.getString('topic');
  if (topic !== null) {
    checkTopic(context, topic.trim());
    Object.assign(changes, { topic: topic.trim() });
  }
  const channel = interaction.options.getChannel('channel');
  if (channel !== null) Object.assign(changes, { channelId: channel.id });
  const schedule = interaction.options.getString('schedule');
  if (schedule !== null) Object.assign(changes, { schedule: parseSchedule(schedule).text });
  const zone = interaction.options.getString('timezone');
  if (zone !== null) Object.assign(changes, { timeZone: normalizeTimeZone(zone) });
  const limit = interaction.options.getInteger('limit');
  if (limit !== null) Object.assign(changes, { maxQuotes: limit });
  const sayWhenEmpty = interaction.options.getBoolean('say_when_empty');
  if (sayWhenEmpty !== null) Object.assign(changes, { postWhenEmpty: sayWhenEmpty });
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
}

async function list(
  interaction: ChatInputCommandInteraction,
  scheduler: DigestScheduler,
  guildId: string,
): Promise<void> {
  const subs = scheduler.store.subscriptionsOf(guildId);
  if (subs.length === 0) {
    await replyPrivately(
      interaction,
      'This server has no digests yet. Add one with `/digest add topic:… schedule:daily 09:00`.',
    );
    return;
  }
  const lines: string[] = [];
  let length = 0;
  for (const [i, sub] of subs.entries()) {
    const line = describeSubscription(sub);
    if (length + line.length + 80 > 1_900) {
      lines.push(`…and ${subs.length - i} more.`);
      break;
    }
    lines.push(line);
    length += line.length + 2;
  }
  await replyPrivately(interaction, lines.join('\n\n'));
}

async function preview(
  interaction: ChatInputCommandInteraction,
  scheduler: DigestScheduler,
  guildId: string,
): Promise<void> {
  const id = interaction.options.getInteger('id');
  const topic = interaction.options.getString('topic')?.trim() ?? '';
  if (id === null && topic === '')
    throw new UsageError(
      'Give a digest `id` or a `topic` to preview, e.g. `/digest preview topic:Bennett Putin`.',
    );
  const target =
    id !== null
      ? subscriptionOf(scheduler, guildId, id)
      : { id: -1, topic, maxQuotes: DEFAULT_DIGEST_LIMIT, baselineAt: null };
  const digest = await scheduler.preview(target);
  const label =
    id !== null ? `digest #${id} (${escapeMarkdown(target.topic)})` : escapeMarkdown(topic);
  if (digest.quoteCount === 0) {
    await replyPrivately(interaction, `Nothing new to post for ${label} right now.`);
    return;
  }
  await replyPrivately(interaction, `What ${label} would post now:`, digest);
}

async function run(
  interaction: ChatInputCommandInteraction,
  scheduler: DigestScheduler,
  guildId: string,
): Promise<void> {
  const sub = subscriptionOf(scheduler, guildId, interaction.options.getInteger('id', true));
  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  const result = await scheduler.runNow(sub.id);
  const messages: Record<typeof result.outcome, string> = {
    posted: `Posted ${result.posted} quote${result.posted === 1 ? '' : 's'} for digest #${sub.id} to <#${sub.channelId}>.`,
    'nothing-new': `Nothing new to post for digest #${sub.id} right now.`,
    paused: `I could not post digest #${sub.id}, so it is paused: ${result.detail ?? ''}`,
    failed: `Discord did not accept digest #${sub.id} just now; it will be tried again at the next run.`,
    interrupted: `Digest #${sub.id} was interrupted; it will be tried again at the next run.`,
    busy: `Digest #${sub.id} is being posted right now; try again in a moment.`,
  };
  await replyPrivately(interaction, messages[result.outcome]);
}

async function execute(
  interaction: ChatInputCommandInteraction,
  context: CommandContext,
): Promise<void> {
  const guildId = guildOf(interaction);
  requireManageServer(interaction);
  const scheduler = schedulerOf(context);
  const sub = interaction.options.getSubcommand(true);
  switch (sub) {
    case 'add':
      return add(interaction, context, scheduler, guildId);
    case 'list':
      return list(interaction, scheduler, guildId);
    case 'remove': {
      const target = subscriptionOf(scheduler, guildId, interaction.options.getInteger('id', true));
      scheduler.remove(guildId, target.id);
      return replyPrivately(
        interaction,
        `Digest #${target.id} (${escapeMarkdown(target.topic)}) is removed.`,
      );
    }
    case 'edit':
      return edit(interaction, context, scheduler, guildId);
    case 'pause': {
      const target = subscriptionOf(scheduler, guildId, interaction.options.getInteger('id', true));
      scheduler.pause(target.id, `paused by <@${interaction.user.id}>`);
      return replyPrivately(
        interaction,
        `Digest #${target.id} is paused. \`/digest resume id:${target.id}\` starts it again.`,
      );
    }
    case 'resume': {
      const target = subscriptionOf(scheduler, guildId, interaction.options.getInteger('id', true));
      const resumed = scheduler.resume(target.id);
      return replyPrivately(
        interaction,
        `Digest #${target.id} is active again. Next run: ${when(resumed.nextRunAt, resumed.timeZone)}.`,
      );
    }
    case 'preview':
      return preview(interaction, scheduler, guildId);
    case 'run':
      return run(interaction, scheduler, guildId);
    case 'settings': {
      const timeZone = normalizeTimeZone(interaction.options.getString('timezone', true));
      scheduler.store.setGuildTimeZone(guildId, timeZone);
      return replyPrivately(
        interaction,
        `New digests in this server now default to ${timeZone}. Existing digests keep their own time zone.`,
      );
    }
    default:
      throw new UsageError('I do not know that /digest subcommand; /help lists them.');
  }
}

/** Time zones containing what was typed, those starting with it first. */
export function completeTimeZone(typed: string): { name: string; value: string }[] {
  const needle = typed.trim().toLowerCase().replace(/\s+/g, '_');
  const zones = listTimeZones();
  const starts = zones.filter(
    (z) =>
      z.toLowerCase().startsWith(needle) ||
      z
        .toLowerCase()
        .split('/')
        .some((p) => p.startsWith(needle)),
  );
  const contains = zones.filter((z) => !starts.includes(z) && z.toLowerCase().includes(needle));
  return [...starts, ...contains].slice(0, MAX_CHOICES).map((z) => toChoice(z));
}

async function autocomplete(
  interaction: AutocompleteInteraction,
  context: CommandContext,
): Promise<void> {
  const focused = interaction.options.getFocused(true);
  if (focused.name === 'timezone') {
    await interaction.respond(completeTimeZone(String(focused.value)));
    return;
  }
  const scheduler = context.digests?.() ?? null;
  if (
    focused.name !== 'id' ||
    scheduler === null ||
    interaction.guildId === null ||
    interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild) !== true
  ) {
    await interaction.respond([]);
    return;
  }
  const typed = String(focused.value).trim().toLowerCase().replace(/^#/, '');
  const choices = scheduler.store
    .subscriptionsOf(interaction.guildId)
    .filter(
      (s) =>
        typed === '' || String(s.id).startsWith(typed) || s.topic.toLowerCase().includes(typed),
    )
    .slice(0, MAX_CHOICES)
    .map((s) => ({
      ...toChoice(
        `#${s.id} · ${s.topic} · ${s.schedule}${s.status === 'paused' ? ' (paused)' : ''}`,
      ),
      value: s.id,
    }));
  await interaction.respond(choices);
}

export const digest: Command = {
  data,
  usage:
    'scheduled digests of new quotes on a topic: add, edit, list, remove, pause, resume, preview, run, settings (Manage Server)',
  execute,
  autocomplete,
};
