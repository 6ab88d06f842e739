/**
 * A digest as the body of a Discord message (plain JSON for `POST /channels/{id}/messages`): one
 * embed per article, each quote with its matched words in bold and the attribution line `/ask`
 * uses ("— *[Source](url)*, 23 Mar 2022"). Escaping, cutting and limits are the ones every
 * message uses (markdown.ts, limits.ts); mentions never ping.
 */
import type { Digest, DigestGroup } from '../digest/build.js';
import { ANSWER_COLOUR, formatAttributionMarkdown } from './discord.js';
import { DISCORD_LIMITS } from './limits.js';
import { escapeMarkdown, fitEscaped, fitQuote, linkTarget, truncateText } from './markdown.js';

/** The subset of an embed a digest uses. */
interface DigestEmbed {
  readonly title: string;
  readonly url?: string;
  readonly description: string;
  readonly color: number;
}

/** A message body for `POST /channels/{id}/messages` without nonce fields. */
export interface DigestMessage {
  readonly content: string;
  readonly embeds: readonly DigestEmbed[];
  readonly allowed_mentions: { readonly parse: readonly [] };
}

/** Characters of embed text reserved for titles and attributions when budgeting quotes. */
const ATTRIBUTION_ALLOWANCE = 160;
/** Titles are cut shorter than Discord's 256 so ten embeds stay well inside the 6,000 total. */
const MAX_TITLE = 200;

function renderGroup(group: DigestGroup, quoteBudget: number): DigestEmbed {
  const lines = group.quotes.map(
    (q) => `“${fitQuote(q.quote, q.highlights, Math.max(1, quoteBudget - 2))}”`,
  );
  const attribution = formatAttributionMarkdown({ ...group, alsoIn: [] });
  const embed: DigestEmbed = {
    title: fitEscaped(group.title ?? 'Untitled article', MAX_TITLE),
    description: truncateText(
      `${lines.join('\n\n')}\n${attribution}`,
      DISCORD_LIMITS.embedDescription,
    ),
    color: ANSWER_COLOUR,
  };
  const url = linkTarget(group.url);
  return url === null ? embed : { ...embed, url };
}

/**
 * Renders a non-empty digest as one message: a heading line in `content` and one embed per
 * article (at most 10 articles, as a digest holds at most 10 quotes).
 */
export function renderDigest(digest: Digest): DigestMessage {
  const quoteBudget = Math.min(
    1_000,
    Math.floor((DISCORD_LIMITS.embedsTotal - 200) / Math.max(1, digest.quoteCount)) -
      ATTRIBUTION_ALLOWANCE,
  );
  const plural = digest.quoteCount === 1 ? 'quote' : 'quotes';
  return {
    content: truncateText(
      `**Digest: ${escapeMarkdown(digest.topic)}** · ${digest.quoteCount} new ${plural}`,
      DISCORD_LIMITS.content,
    ),
    embeds: digest.groups
      .slice(0, DISCORD_LIMITS.embedsPerMessage)
      .map((group) => renderGroup(group, quoteBudget)),
    allowed_mentions: { parse: [] },
  };
}

/** The one short line posted when a subscription asked to hear that nothing is new. */
export function renderNothingNew(topic: string): DigestMessage {
  return {
    content: truncateText(
      `**Digest: ${escapeMarkdown(topic)}** · nothing new since the last digest.`,
      DISCORD_LIMITS.content,
    ),
    embeds: [],
    allowed_mentions: { parse: [] },
  };
}
