/**
 * What every /digest subcommand shares: the shape of a subcommand module, the checks run before
 * any of them (a server, Manage Server, the database), finding a digest by id, the topic check
 * and the private reply.
 */
import {
  ChannelType,
  MessageFlags,
  PermissionFlagsBits,
  type ChatInputCommandInteraction,
  type SlashCommandIntegerOption,
  type SlashCommandStringOption,
  type SlashCommandSubcommandBuilder,
} from 'discord.js';
import { UsageError, UserFacingError } from '../../src/core/errors.js';
import { weighQuery } from '../../src/answer/answer.js';
import { MAX_DIGEST_LIMIT, type Digest } from '../../src/digest/build.js';
import { formatInZone } from '../../src/digest/schedule.js';
import type { Subscription } from '../../src/digest/store.js';
import { NO_MENTIONS } from '../../src/discord/answers.js';
import type { CommandContext } from '../../src/discord/command.js';
import { renderDigest } from '../../src/present/digest.js';
import { DISCORD_LIMITS } from '../../src/present/limits.js';
import { escapeMarkdown, truncateText } from '../../src/present/markdown.js';
import type { DigestScheduler } from '../../src/scheduler/scheduler.js';

/** The longest topic accepted. */
export const MAX_TOPIC_LENGTH = 200;
/** The longest schedule or time zone accepted. */
const MAX_SETTING_LENGTH = 100;

/** Said to members without Manage Server. */
export const NEEDS_MANAGE_SERVER =
  'Managing digests needs the Manage Server permission in this server.';
/** Said when the bot runs without its database. */
const DIGESTS_UNAVAILABLE =
  'Digests are not available right now: my database could not be opened. Please tell the bot owner.';

/** One /digest subcommand run: the interaction and what the checks before it established. */
export interface DigestCall {
  readonly interaction: ChatInputCommandInteraction;
  readonly context: CommandContext;
  readonly scheduler: DigestScheduler;
  readonly guildId: string;
}

/** A /digest subcommand module: its definition and what it does. */
export interface DigestSubcommand {
  readonly name: string;
  /** Adds this subcommand's description and options to `builder` (already named). */
  define(builder: SlashCommandSubcommandBuilder): SlashCommandSubcommandBuilder;
  run(call: DigestCall): Promise<void>;
}

/** The `id` option of the subcommands that act on one digest. */
export const idOption =
  (required: boolean) =>
  (option: SlashCommandIntegerOption): SlashCommandIntegerOption =>
    option
      .setName('id')
      .setDescription('The digest (see /digest list)')
      .setRequired(required)
      .setMinValue(1)
      .setAutocomplete(true);

/** A `timezone` option (autocompleted from the IANA zones). */
export const timeZoneOption =
  (description: string, required = false) =>
  (option: SlashCommandStringOption): SlashCommandStringOption =>
    option
      .setName('timezone')
      .setDescription(description)
      .setRequired(required)
      .setAutocomplete(true)
      .setMaxLength(MAX_SETTING_LENGTH);

/** What the settings options of `add` and `edit` say (they differ in defaults only). */
export interface SettingDescriptions {
  readonly channel: string;
  readonly schedule: string;
  readonly timezone: string;
  readonly limit: string;
  readonly sayWhenEmpty: string;
}

/** The options a digest is set up with: channel, schedule, timezone, limit, say_when_empty. */
export function addSettingOptions(
  builder: SlashCommandSubcommandBuilder,
  say: SettingDescriptions,
): SlashCommandSubcommandBuilder {
  return builder
    .addChannelOption((o) =>
      o
        .setName('channel')
        .setDescription(say.channel)
        .addChannelTypes(ChannelType.GuildText, ChannelType.GuildAnnouncement),
    )
    .addStringOption((o) =>
      o.setName('schedule').setDescription(say.schedule).setMaxLength(MAX_SETTING_LENGTH),
    )
    .addStringOption(timeZoneOption(say.timezone))
    .addIntegerOption((o) =>
      o.setName('limit').setDescription(say.limit).setMinValue(1).setMaxValue(MAX_DIGEST_LIMIT),
    )
    .addBooleanOption((o) => o.setName('say_when_empty').setDescription(say.sayWhenEmpty));
}

/** The call, or a clear refusal: outside a server, without Manage Server, without a database. */
export function openCall(
  interaction: ChatInputCommandInteraction,
  context: CommandContext,
): DigestCall {
  if (interaction.guildId === null)
    throw new UserFacingError('Digests belong to a server: use /digest in a server channel.');
  if (interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild) !== true)
    throw new UserFacingError(NEEDS_MANAGE_SERVER);
  const scheduler = context.digests?.() ?? null;
  if (scheduler === null)
    throw new UserFacingError(context.digestsNotice?.() ?? DIGESTS_UNAVAILABLE);
  return { interaction, context, scheduler, guildId: interaction.guildId };
}

/** The digest named by the required `id` option, if it belongs to this server. */
export function targetOf({ interaction, scheduler, guildId }: DigestCall): Promise<Subscription> {
  return subscriptionOf({ scheduler, guildId }, interaction.options.getInteger('id', true));
}

/** Digest `id` of this server, or a UsageError pointing at /digest list. */
export async function subscriptionOf(
  { scheduler, guildId }: Pick<DigestCall, 'scheduler' | 'guildId'>,
  id: number,
): Promise<Subscription> {
  const sub = await scheduler.store.subscription(id);
  if (sub === null || sub.guildId !== guildId)
    throw new UsageError(`There is no digest #${id} in this server; /digest list shows them.`);
  return sub;
}

/** An instant in the digest's time zone, or "—" when there is none. */
export function when(ms: number | null, timeZone: string): string {
  return ms === null ? '—' : formatInZone(new Date(ms), timeZone);
}

/** A topic with at least one word the index weighs, or a UsageError saying what to add. */
export function checkTopic(context: CommandContext, topic: string): string {
  if (topic === '') {
    throw new UsageError(
      'The topic is empty; give a few words to follow, e.g. `Bennett Putin talks`.',
    );
  }
  if (weighQuery(context.library, topic).terms.length === 0) {
    throw new UsageError(
      'That topic has only very common words; add a name, a place or a subject, e.g. `Bennett Putin talks`.',
    );
  }
  return topic;
}

/** One entry of `/digest list` (four lines). */
export function describeSubscription(sub: Subscription): string {
  const last =
    sub.lastRunAt === null
      ? 'never'
      : `${when(sub.lastRunAt, sub.timeZone)} (${sub.lastOutcome ?? '—'})`;
  const status =
    sub.status === 'active' ? 'active' : `paused: ${sub.pauseReason ?? 'by a moderator'}`;
  return [
    `**#${sub.id}** · ${escapeMarkdown(sub.topic)} → <#${sub.channelId}>`,
    `\`${sub.schedule}\` · ${sub.timeZone} · ${sub.maxQuotes} quotes`,
    `next: ${sub.status === 'active' ? when(sub.nextRunAt, sub.timeZone) : '—'} · last: ${last}`,
    `status: ${status}`,
  ].join('\n');
}

/** Replies only to the member who ran the command, with the digest's embeds when it has quotes. */
export async function replyPrivately(
  interaction: ChatInputCommandInteraction,
  content: string,
  digest?: Digest,
): Promise<void> {
  const embeds = digest !== undefined && digest.quoteCount > 0 ? renderDigest(digest).embeds : [];
  const message = {
    content: truncateText(content, DISCORD_LIMITS.content),
    embeds: [...embeds],
    allowedMentions: NO_MENTIONS,
  };
  if (interaction.deferred) await interaction.editReply(message);
  else await interaction.reply({ ...message, flags: MessageFlags.Ephemeral });
}
