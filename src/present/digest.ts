/**
 * A digest as the body of a Discord message (plain JSON for `POST /channels/{id}/messages`): one
 * embed per article, each quote with its matched words in bold and "— *Source*, 23 Mar 2022"
 * linking to the article, as `/ask` shows them. Article text is escaped so it shows literally;
 * mentions never ping. Everything fits Discord's limits.
 */
import { formatDate } from './format.js';
import type { QuoteResult } from '../core/types.js';
import type { Digest, DigestGroup } from '../digest/build.js';

/** Discord's limits that a digest message must respect. */
export const DISCORD_LIMITS = {
  content: 2_000,
  embedTitle: 256,
  embedDescription: 4_096,
  embedsTotal: 6_000,
  embedsPerMessage: 10,
} as const;

/** The subset of an embed a digest uses. */
export interface DigestEmbed {
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

const EMBED_COLOR = 0x2b6cb0;
/** Characters of embed text reserved for titles and attributions when budgeting quotes. */
const ATTRIBUTION_ALLOWANCE = 160;

/** Escapes Discord markdown so text shows literally. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\*_~`|>[\]()#-]/g, (c) => `\\${c}`).replace(/^(\s*)(\d+)\./gm, '$1$2\\.');
}

/** Cuts `text` to at most `max` characters at a word boundary, ending with "…" when cut. */
export function cutAtWord(text: string, max: number): string {
  if (text.length <= max) return text;
  const room = Math.max(1, max - 1);
  const slice = text.slice(0, room);
  const space = slice.search(/\s\S*$/);
  const cut = space > room / 2 ? slice.slice(0, space) : slice;
  return cut.trimEnd() + '…';
}

function emphasise(quote: QuoteResult, visible: number): string {
  let out = '';
  let at = 0;
  for (const span of quote.highlights) {
    if (span.end > visible) break;
    out +=
      escapeMarkdown(quote.quote.slice(at, span.start)) +
      '**' +
      escapeMarkdown(quote.quote.slice(span.start, span.end)) +
      '**';
    at = span.end;
  }
  return out + escapeMarkdown(quote.quote.slice(at, visible));
}

/** The largest word boundary at or before `max` (or `max` itself when the word is long). */
function wordBoundary(text: string, max: number): number {
  const space = text.slice(0, max + 1).search(/\s\S*$/);
  return space > max / 2 ? space : max;
}

function renderQuote(quote: QuoteResult, budget: number): string {
  let visible = quote.quote.length;
  for (;;) {
    const text = emphasise(quote, visible).trimEnd() + (visible < quote.quote.length ? '…' : '');
    if (text.length + 2 <= budget || visible <= 1) return `“${text}”`;
    visible = wordBoundary(quote.quote, Math.max(1, visible - (text.length + 2 - budget)));
  }
}

function attribution(group: DigestGroup): string {
  const label = `— *${escapeMarkdown(group.source ?? 'Unknown source')}*, ${formatDate(group.date)}`;
  return group.url !== null && /^https?:\/\//.test(group.url) ? `[${label}](${group.url})` : label;
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
  const embeds = digest.groups
    .slice(0, DISCORD_LIMITS.embedsPerMessage)
    .map((group): DigestEmbed => {
      const title = cutAtWord(group.title ?? 'Untitled article', 200);
      const lines = group.quotes.map((q) => renderQuote(q, quoteBudget));
      const description = cutAtWord(
        `${lines.join('\n\n')}\n${attribution(group)}`,
        DISCORD_LIMITS.embedDescription,
      );
      const embed: DigestEmbed = { title, description, color: EMBED_COLOR };
      return group.url !== null && /^https?:\/\//.test(group.url)
        ? { ...embed, url: group.url }
        : embed;
    });
  const plural = digest.quoteCount === 1 ? 'quote' : 'quotes';
  const content = cutAtWord(
    `**Digest: ${escapeMarkdown(digest.topic)}** · ${digest.quoteCount} new ${plural}`,
    DISCORD_LIMITS.content,
  );
  return { content, embeds, allowed_mentions: { parse: [] } };
}

/** The one short line posted when a subscription asked to hear that nothing is new. */
export function renderNothingNew(topic: string): DigestMessage {
  return {
    content: cutAtWord(
      `**Digest: ${escapeMarkdown(topic)}** · nothing new since the last digest.`,
      DISCORD_LIMITS.content,
    ),
    embeds: [],
    allowed_mentions: { parse: [] },
  };
}

/** Total characters Discord counts across a message's embeds (titles and descriptions here). */
export function embedLength(message: DigestMessage): number {
  return message.embeds.reduce((n, e) => n + e.title.length + e.description.length, 0);
}
