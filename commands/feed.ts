/**
 * /feed — the news feeds followed into the corpus: `list` for everyone; `add`, `remove` and
 * `poll` only for the bot's owners (OWNER_IDS), checked whenever they run, since Discord's
 * permissions know server roles, not who runs the bot.
 */
import { MessageFlags, SlashCommandBuilder, type ChatInputCommandInteraction } from 'discord.js';
import { MAX_FEED_POLL_MINUTES } from '../src/config.js';
import { escapeMarkdown, truncateText } from '../src/present/markdown.js';
import { NO_MENTIONS } from '../src/discord/answers.js';
import type { Command, CommandContext } from '../src/discord/command.js';
import { UsageError, UserFacingError } from '../src/core/errors.js';
import { feedState, formatInstant, MAX_FEED_NAME, type FeedService } from '../src/feeds/runtime.js';
import type { Feed } from '../src/feeds/store.js';

/** Said to someone who is not an owner. */
export const OWNERS_ONLY = 'Only the bot’s owners can add, remove or poll feeds.';
/** Said when no owner is configured at all. */
export const NO_OWNERS =
  'No one can manage feeds yet: the bot’s operator has to list owners in OWNER_IDS.';
/** Said when the bot runs without its database. */
const FEEDS_UNAVAILABLE =
  'Feeds are not available right now: my database could not be opened. Please tell the bot owner.';

const data = new SlashCommandBuilder()
  .setName('feed')
  .setDescription('The news feeds the bot follows into its corpus')
  .addSubcommand((s) => s.setName('list').setDescription('The feeds followed, with their state'))
  .addSubcommand((s) =>
    s
      .setName('add')
      .setDescription('Follow a feed (owners only)')
      .addStringOption((o) =>
        o
          .setName('url')
          .setDescription('RSS, Atom or JSON feed address')
          .setRequired(true)
          .setMaxLength(500),
      )
      .addStringOption((o) =>
        o
          .setName('name')
          .setDescription('The outlet’s name (default: the feed’s title)')
          .setMaxLength(MAX_FEED_NAME),
      )
      .addStringOption((o) =>
        o.setName('lang').setDescription('Language of its articles, e.g. bg').setMaxLength(10),
      )
      .addIntegerOption((o) =>
        o
          .setName('every')
          .setDescription('Minutes between polls (default: the bot’s setting)')
          .setMinValue(1)
          .setMaxValue(MAX_FEED_POLL_MINUTES),
      ),
  )
  .addSubcommand((s) =>
    s
      .setName('remove')
      .setDescription('Stop following a feed (owners only)')
      .addIntegerOption((o) =>
        o
          .setName('id')
          .setDescription('The feed (see /feed list)')
          .setRequired(true)
          .setMinValue(1),
      ),
  )
  .addSubcommand((s) =>
    s
      .setName('poll')
      .setDescription('Poll now (owners only)')
      .addIntegerOption((o) =>
        o.setName('id').setDescription('One feed (default: all)').setMinValue(1),
      ),
  );

function serviceOf(context: CommandContext): FeedService {
  const service = context.feeds?.() ?? null;
  if (service === null) throw new UserFacingError(FEEDS_UNAVAILABLE);
  return service;
}

function requireOwner(interaction: ChatInputCommandInteraction, context: CommandContext): void {
  const owners = context.config.ownerIds;
  if (owners.length === 0) throw new UserFacingError(NO_OWNERS);
  if (!owners.includes(interaction.user.id)) throw new UserFacingError(OWNERS_ONLY);
}

/** One entry of `/feed list` (two lines). */
function describeFeedForDiscord(feed: Feed, defaultMinutes: number): string {
  const every = feed.intervalMinutes ?? defaultMinutes;
  return [
    `**#${feed.id}** · ${escapeMarkdown(feed.name)} · <${feed.url}> · every ${every} min`,
    `${escapeMarkdown(feedState(feed))} · ${feed.itemsSeen} articles · last fetch ${formatInstant(feed.lastFetchAt)}`,
  ].join('\n');
}

async function replyPrivately(
  interaction: ChatInputCommandInteraction,
  content: string,
): Promise<void> {
  const message = { content: truncateText(content, 2_000), allowedMentions: NO_MENTIONS };
  if (interaction.deferred) await interaction.editReply(message);
  else await interaction.reply({ ...message, flags: MessageFlags.Ephemeral });
}

async function list(
  interaction: ChatInputCommandInteraction,
  context: CommandContext,
  service: FeedService,
): Promise<void> {
  const feeds = await service.store.all();
  if (feeds.length === 0) {
    await replyPrivately(interaction, 'No feeds are followed yet.');
    return;
  }
  const entries: string[] = [];
  let length = 0;
  for (const [i, feed] of feeds.entries()) {
    const entry = describeFeedForDiscord(feed, context.config.feedPollMinutes);
    if (length + entry.length + 40 > 1_950) {
      entries.push(`…and ${feeds.length - i} more (\`npm run feeds -- list\` shows all).`);
      break;
    }
    entries.push(entry);
    length += entry.length + 2;
  }
  await replyPrivately(interaction, entries.join('\n\n'));
}

async function execute(
  interaction: ChatInputCommandInteraction,
  context: CommandContext,
): Promise<void> {
  const service = serviceOf(context);
  const sub = interaction.options.getSubcommand(true);
  if (sub === 'list') return list(interaction, context, service);
  requireOwner(interaction, context);
  switch (sub) {
    case 'add': {
      await interaction.deferReply({ flags: MessageFlags.Ephemeral });
      const feed = await service.add({
        url: interaction.options.getString('url', true),
        name: interaction.options.getString('name'),
        lang: interaction.options.getString('lang'),
        intervalMinutes: interaction.options.getInteger('every'),
        addedBy: interaction.user.id,
      });
      return replyPrivately(
        interaction,
        `Feed **#${feed.id}** ${escapeMarkdown(feed.name)} added (<${feed.url}>). Its articles reach the corpus within a minute.`,
      );
    }
    case 'remove': {
      const feed = await service.remove(interaction.options.getInteger('id', true));
      return replyPrivately(
        interaction,
        `Feed #${feed.id} ${escapeMarkdown(feed.name)} is removed; its articles stay quotable.`,
      );
    }
    case 'poll': {
      await interaction.deferReply({ flags: MessageFlags.Ephemeral });
      const summary = await service.pollNow(interaction.options.getInteger('id'));
      return replyPrivately(
        interaction,
        `Polled ${summary.feeds} feed${summary.feeds === 1 ? '' : 's'}: ${summary.newArticles} new articles, ` +
          `${summary.updatedArticles} updated, ${summary.notModified} unchanged, ${summary.failed} failed` +
          (summary.busy > 0 ? `, ${summary.busy} being polled by another bot process` : '') +
          (summary.failed > 0 ? ' (`/feed list` says why).' : '.'),
      );
    }
    default:
      throw new UsageError('I do not know that /feed subcommand; /help lists them.');
  }
}

export const feed: Command = {
  data,
  usage: 'the news feeds followed into the corpus: list; add, remove, poll (owners only)',
  execute,
};
