/**
 * What users see in Discord: answers, context, sources, about and help as embeds and buttons
 * that always fit Discord's limits (limits.ts). Article text is escaped (shown literally) and cut
 * at word boundaries with an ellipsis; matched words are bold (markdown.ts).
 */
import {
  ButtonStyle,
  ComponentType,
  type APIActionRowComponent,
  type APIButtonComponentWithCustomId,
  type APIEmbed,
} from 'discord.js';
import { ENVELOPE_PASSAGES, type LibraryStats, type SourceStats } from '../library/library.js';
import { emptyAnswerMessage, formatDate, noticeLine } from './format.js';
import type { AlsoIn, Answer, Article, QuoteResult, Span } from '../core/types.js';
import { DISCORD_LIMITS } from './limits.js';
import { fitEscaped, fitQuote, linkTarget, truncateText } from './markdown.js';

/** Embed colour of answers (Verbatim's ink blue). */
export const ANSWER_COLOUR = 0x2b6cb0;
/** Embed colour of informational replies. */
const INFO_COLOUR = 0x718096;

/** At most this many "also in" outlets are listed under a quote. */
const MAX_ALSO_IN = 3;
/** An outlet name is cut to this length in an attribution line. */
const MAX_SOURCE_NAME = 80;

function outlet(source: string | null): string {
  return fitEscaped(source ?? 'Unknown source', MAX_SOURCE_NAME);
}

function formatAlsoIn(others: readonly AlsoIn[]): string {
  const shown = others.slice(0, MAX_ALSO_IN).map((o) => {
    const target = linkTarget(o.url);
    const name = target === null ? outlet(o.source) : `[${outlet(o.source)}](${target})`;
    return `${name} (${formatDate(o.date)})`;
  });
  const rest = others.length - shown.length;
  return ` · also in ${shown.join(', ')}${rest > 0 ? ` and ${rest} more` : ''}`;
}

/** Where a quote comes from: its article's outlet, link and date, and other outlets carrying it. */
export type Attributed = Pick<QuoteResult, 'source' | 'url' | 'date' | 'alsoIn'>;

/**
 * "— *[Sputnik](url)*, 27 Feb 2022" under a quote of an answer, a context or a digest (no link
 * when the article has no http(s) URL).
 */
export function formatAttributionMarkdown(result: Attributed): string {
  const target = linkTarget(result.url);
  const name =
    target === null ? `*${outlet(result.source)}*` : `*[${outlet(result.source)}](${target})*`;
  const also = result.alsoIn.length > 0 ? formatAlsoIn(result.alsoIn) : '';
  return `— ${name}, ${formatDate(result.date)}${also}`;
}

/**
 * The description of an answer: numbered quotes with their attributions, cut so the whole fits
 * `max` characters. Short quotes are kept whole; the room left is shared among the longer ones.
 */
export function renderQuotes(
  results: readonly QuoteResult[],
  max: number = DISCORD_LIMITS.embedDescription,
): string {
  const heads = results.map((r) => `**${r.rank}.** “`);
  const tails = results.map((r) => `”\n${formatAttributionMarkdown(r)}`);
  const separators = Math.max(0, results.length - 1) * 2;
  const fixed =
    heads.reduce((n, h) => n + h.length, 0) + tails.reduce((n, t) => n + t.length, 0) + separators;
  const fullLengths = results.map(
    (r) => fitQuote(r.quote, r.highlights, Number.MAX_SAFE_INTEGER).length,
  );
  const room = new Array<number>(results.length).fill(0);
  let left = Math.max(0, max - fixed);
  const order = results
    .map((_, i) => i)
    .sort((a, b) => (fullLengths[a] ?? 0) - (fullLengths[b] ?? 0));
  order.forEach((index, k) => {
    const share = Math.floor(left / (order.length - k));
    room[index] = Math.min(fullLengths[index] ?? 0, share);
    left -= room[index] ?? 0;
  });
  const text = results
    .map(
      (r, i) =>
        `${heads[i]}${fitQuote(r.quote, r.highlights, Math.max(1, room[i] ?? 1))}${tails[i]}`,
    )
    .join('\n\n');
  // Only absurd attribution lengths (ten results with very long outlet lists) get here.
  return text.length <= max ? text : truncateText(text, max);
}

/** Where a page of results sits in the ranking, for the footer. */
function pageFooter(answer: Answer, kind: 'ask' | 'search'): string {
  const first = answer.results[0]?.rank ?? 0;
  const last = answer.results[answer.results.length - 1]?.rank ?? 0;
  const range = first === last ? `Result ${first}` : `Results ${first}–${last}`;
  const what = kind === 'ask' ? 'ranked verbatim quotes' : 'keyword matches';
  return `${range} · ${what}${answer.hasMore ? ' · More for the next page' : ''}`;
}

/** The embed of a non-empty answer: the question as title, quotes, and a page footer. */
export function renderAnswerEmbed(
  answer: Answer,
  kind: 'ask' | 'search',
  title: string = answer.query,
): APIEmbed {
  return {
    title: fitEscaped(title, DISCORD_LIMITS.embedTitle),
    description: renderQuotes(answer.results),
    color: ANSWER_COLOUR,
    footer: { text: pageFooter(answer, kind) },
  };
}

/** Custom ids of an answer's buttons; null leaves the button out. */
export interface AnswerButtonIds {
  /** The Context button of each result, in result order. */
  readonly context: readonly (string | null)[];
  readonly previous: string | null;
  readonly more: string | null;
}

/** Buttons under an answer: "Context n" per quote (rows of five), then ◀ Previous / More ▶. */
export function renderAnswerButtons(
  results: readonly QuoteResult[],
  ids: AnswerButtonIds,
): APIActionRowComponent<APIButtonComponentWithCustomId>[] {
  const button = (
    customId: string,
    label: string,
    style: ButtonStyle.Primary | ButtonStyle.Secondary,
  ): APIButtonComponentWithCustomId => ({
    type: ComponentType.Button,
    style,
    custom_id: customId,
    label,
  });
  const context: APIButtonComponentWithCustomId[] = [];
  results.forEach((r, i) => {
    const id = ids.context[i];
    if (id) context.push(button(id, `Context ${r.rank}`, ButtonStyle.Secondary));
  });
  const rows: APIActionRowComponent<APIButtonComponentWithCustomId>[] = [];
  for (
    let i = 0;
    i < context.length && rows.length < DISCORD_LIMITS.actionRows - 1;
    i += DISCORD_LIMITS.buttonsPerRow
  ) {
    rows.push({
      type: ComponentType.ActionRow,
      components: context.slice(i, i + DISCORD_LIMITS.buttonsPerRow),
    });
  }
  const nav: APIButtonComponentWithCustomId[] = [];
  if (ids.previous) nav.push(button(ids.previous, '◀ Previous', ButtonStyle.Secondary));
  if (ids.more) nav.push(button(ids.more, 'More ▶', ButtonStyle.Primary));
  if (nav.length > 0) rows.push({ type: ComponentType.ActionRow, components: nav });
  return rows;
}

/** The notices shown above an answer's results (escaped for Discord), '' when none. */
export function renderAnswerNotices(answer: Answer): string {
  return fitEscaped(noticeLine(answer), DISCORD_LIMITS.content);
}

/** The one line shown when an answer has no results (escaped for Discord). */
export function renderEmptyAnswer(answer: Answer): string {
  return fitEscaped(emptyAnswerMessage(answer), DISCORD_LIMITS.content);
}

/**
 * The paragraph around a quote (the Context button): the paragraph text with the quote in bold,
 * cut around `focus` (an article offset, default the quote's start; the answer passes its first
 * matched word) if the paragraph is longer than an embed description.
 */
export function renderContextEmbed(
  article: Article,
  paragraph: Span,
  quote: Span,
  focus: number = quote.start,
): APIEmbed {
  const text = article.text.slice(paragraph.start, paragraph.end);
  const relative = { start: quote.start - paragraph.start, end: quote.end - paragraph.start };
  const attribution = formatAttributionMarkdown({ ...article, alsoIn: [] });
  const at = focus - paragraph.start;
  const body = fitQuote(
    text,
    [relative],
    DISCORD_LIMITS.embedDescription - attribution.length - 2,
    { start: at, end: at + 1 },
  );
  const url = linkTarget(article.url);
  return {
    title: fitEscaped(article.title ?? 'Context', DISCORD_LIMITS.embedTitle),
    ...(url !== null ? { url } : {}),
    description: `${body}\n\n${attribution}`,
    color: INFO_COLOUR,
    footer: { text: 'The whole paragraph; the quote is in bold.' },
  };
}

function dateRange(first: string | null, last: string | null): string {
  if (first === null) return 'undated';
  return first === last || last === null
    ? formatDate(first)
    : `${formatDate(first)} – ${formatDate(last)}`;
}

/** /sources: each outlet with its number of articles and date range, most articles first. */
export function renderSourcesEmbed(sources: readonly SourceStats[]): APIEmbed {
  if (sources.length === 0) {
    return { title: 'Sources', description: 'The corpus is empty.', color: INFO_COLOUR };
  }
  const lines = sources.map(
    (s) =>
      `**${outlet(s.source)}** — ${s.articles} article${s.articles === 1 ? '' : 's'}, ${dateRange(s.firstDate, s.lastDate)}`,
  );
  let description = '';
  let shown = 0;
  for (const line of lines) {
    const rest = lines.length - shown - 1;
    const reserve = rest > 0 ? `\n…and ${rest} more`.length : 0;
    if (description.length + line.length + 1 + reserve > DISCORD_LIMITS.embedDescription) break;
    description += (description ? '\n' : '') + line;
    shown++;
  }
  if (shown < lines.length) description += `\n…and ${lines.length - shown} more`;
  const total = sources.reduce((n, s) => n + s.articles, 0);
  return {
    title: 'Sources',
    description,
    color: INFO_COLOUR,
    footer: {
      text: `${sources.length} outlet${sources.length === 1 ? '' : 's'}, ${total} article${total === 1 ? '' : 's'}`,
    },
  };
}

/** /about: what the corpus holds, when it was loaded, and the bot's version. */
export function renderAboutEmbed(stats: LibraryStats, loadedAt: number, version: string): APIEmbed {
  const languages = Object.entries(stats.languages)
    .sort((a, b) => b[1] - a[1])
    .map(([lang, n]) => `${lang} ${n}`)
    .join(', ');
  const range =
    dateRange(stats.firstDate, stats.lastDate) +
    (stats.undated > 0 && stats.firstDate !== null ? ` (+${stats.undated} undated)` : '');
  return {
    title: 'About Verbatim',
    description:
      'Answers questions about a news corpus with ranked, verbatim quotes: every quote is an exact ' +
      'excerpt of a stored article, with its outlet, date and link.',
    color: INFO_COLOUR,
    fields: [
      { name: 'Documents', value: String(stats.documents), inline: true },
      { name: 'Passages', value: String(stats.passages), inline: true },
      { name: 'Languages', value: languages || 'none', inline: true },
      { name: 'Dates', value: range, inline: true },
      { name: 'Loaded', value: `<t:${Math.floor(loadedAt / 1000)}:f>`, inline: true },
      { name: 'Version', value: fitEscaped(version, 100), inline: true },
      ...(stats.loading === null
        ? []
        : [
            {
              name: 'Loading',
              value: `${stats.loading.restored} of ${stats.loading.segments} parts of the index searchable so far, the newest first; the figures above count those.`,
              inline: false,
            },
          ]),
      ...(stats.pastEnvelope
        ? [
            {
              name: 'Index',
              value: `MiniSearch in this process, past the ${ENVELOPE_PASSAGES.toLocaleString('en')} passages it answers within 300 ms; the PostgreSQL backend (SEARCH_BACKEND=postgres) keeps the corpus out of this process's memory, shares it between processes, and at 1,000,000 passages answers within 500 ms at p99 where this index takes seconds.`,
              inline: false,
            },
          ]
        : []),
    ],
  };
}

/** /help: the commands, with one line each. */
export function renderHelpEmbed(lines: readonly { label: string; usage: string }[]): APIEmbed {
  return {
    title: 'Verbatim — help',
    description: [
      'Ask about the news corpus; every answer is a verbatim quote with its outlet, date and link.',
      '',
      ...lines.map((l) => `**${l.label}** — ${l.usage}`),
    ]
      .join('\n')
      .slice(0, DISCORD_LIMITS.embedDescription),
    color: INFO_COLOUR,
  };
}
