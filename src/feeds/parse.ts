/**
 * Reads a feed document of any common format into one shape. The parsing is feedsmith's: it
 * reads RSS 0.9x/2.0, RSS 1.0 (RDF), Atom and JSON Feed with their namespaces (content:encoded,
 * Dublin Core dates, xml:lang), is typed, and is maintained; what stays here is choosing, per
 * format, the fields Verbatim needs and making links absolute.
 */
import { parseFeed, type AnyFeed } from 'feedsmith';
import { UserFacingError } from '../core/errors.js';

/** Most entries read from one document (a feed is a window on the latest items). */
const MAX_ENTRIES = 200;

/** The document is not a feed Verbatim can read. */
export class FeedFormatError extends UserFacingError {
  override readonly name = 'FeedFormatError';
}

/** One item of a feed, in any format. HTML fields are as the feed has them. */
export interface FeedEntry {
  /** GUID / Atom id / JSON id, else the link: what recognises the item on the next poll. */
  readonly key: string;
  /** Absolute link to the article page, or null. */
  readonly link: string | null;
  /** Title, possibly with HTML entities or tags. */
  readonly title: string | null;
  /** Publication date as written in the feed (RFC 822 or ISO 8601), or null. */
  readonly published: string | null;
  /** Last change as written in the feed, or null. */
  readonly updated: string | null;
  /** The full article when the feed carries it (content:encoded, Atom content, content_html). */
  readonly contentHtml: string | null;
  /** A teaser (description, summary), HTML. */
  readonly summaryHtml: string | null;
  /** The entry's language tag, when given. */
  readonly lang: string | null;
}

/** A parsed feed document. */
export interface ParsedFeed {
  readonly format: 'rss' | 'atom' | 'rdf' | 'json';
  readonly title: string | null;
  /** The feed's language tag, when given. */
  readonly lang: string | null;
  readonly entries: readonly FeedEntry[];
}

function absolute(link: string | undefined | null, base: string): string | null {
  const trimmed = link?.trim();
  if (trimmed === undefined || trimmed === '') return null;
  try {
    const url = new URL(trimmed, base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

function text(value: string | undefined | null): string | null {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? null : trimmed;
}

function escapeHtml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Turns plain text (Atom type="text", JSON content_text) into HTML paragraphs. */
function textAsHtml(value: string | null): string | null {
  if (value === null) return null;
  return value
    .split(/\n\s*\n/)
    .map((p) => `<p>${escapeHtml(p.trim())}</p>`)
    .join('\n');
}

/**
 * Parses `body` fetched from `url` (the base for relative links). Throws FeedFormatError when
 * it is not RSS, RDF, Atom or JSON Feed, or is malformed.
 */
export function parseFeedDocument(body: string, url: string): ParsedFeed {
  let parsed: AnyFeed;
  try {
    parsed = parseFeed(body.replace(/^\uFEFF/, ''));
  } catch (error) {
    const looksLikeHtml = /^\s*(<!doctype html|<html)/i.test(body);
    throw new FeedFormatError(
      looksLikeHtml
        ? `${url} is a web page, not a feed; give the address of its RSS or Atom feed.`
        : `${url} is not a readable RSS, Atom or JSON feed (${(error as Error).message.slice(0, 100)}).`,
    );
  }
  switch (parsed.format) {
    case 'rss': {
      const feed = parsed.feed;
      const base = absolute(feed.link, url) ?? url;
      return {
        format: 'rss',
        title: text(feed.title),
        lang: text(feed.language ?? feed.dc?.languages?.[0]),
        entries: (feed.items ?? []).slice(0, MAX_ENTRIES).flatMap((item) => {
          const link = absolute(item.link, base) ?? absolute(item.guid?.value, base);
          const key = text(item.guid?.value) ?? link ?? text(item.title);
          if (key === null) return [];
          return [
            {
              key,
              link,
              title: text(item.title),
              published: text(item.pubDate ?? item.dc?.dates?.[0]),
              updated: text(item.atom?.updated ?? null),
              contentHtml: text(item.content?.encoded),
              summaryHtml: text(item.description),
              lang: text(item.dc?.languages?.[0]),
            },
          ];
        }),
      };
    }
    case 'rdf': {
      const feed = parsed.feed;
      const base = absolute(feed.link, url) ?? url;
      return {
        format: 'rdf',
        title: text(feed.title),
        lang: text(feed.dc?.languages?.[0]),
        entries: (feed.items ?? []).slice(0, MAX_ENTRIES).flatMap((item) => {
          const link = absolute(item.link, base) ?? absolute(item.rdf?.about, base);
          const key = text(item.rdf?.about) ?? link;
          if (key === null) return [];
          return [
            {
              key,
              link,
              title: text(item.title),
              published: text(item.dc?.dates?.[0]),
              updated: null,
              contentHtml: text(item.content?.encoded),
              summaryHtml: text(item.description),
              lang: text(item.dc?.languages?.[0]),
            },
          ];
        }),
      };
    }
    case 'atom': {
      const feed = parsed.feed;
      const feedLang = text(feed.xml?.lang);
      return {
        format: 'atom',
        title: text(feed.title?.value),
        lang: feedLang,
        entries: (feed.entries ?? []).slice(0, MAX_ENTRIES).flatMap((entry) => {
          const alternate =
            entry.links?.find((l) => (l.rel ?? 'alternate') === 'alternate') ?? entry.links?.[0];
          const link = absolute(alternate?.href, url);
          const key = text(entry.id) ?? link;
          if (key === null) return [];
          const content = entry.content;
          const contentHtml =
            content === undefined || content.src !== undefined
              ? null
              : content.type === 'html' || content.type === 'xhtml'
                ? text(content.value)
                : textAsHtml(text(content.value));
          const summary = entry.summary;
          const summaryHtml =
            summary === undefined
              ? null
              : summary.type === 'html' || summary.type === 'xhtml'
                ? text(summary.value)
                : textAsHtml(text(summary.value));
          const title = entry.title;
          return [
            {
              key,
              link,
              title:
                title === undefined
                  ? null
                  : title.type === 'html' || title.type === 'xhtml'
                    ? text(title.value)
                    : text(escapeHtml(title.value ?? '')),
              published: text(entry.published ?? entry.updated),
              updated: text(entry.updated),
              contentHtml,
              summaryHtml,
              lang: feedLang,
            },
          ];
        }),
      };
    }
    case 'json': {
      const feed = parsed.feed;
      const base = absolute(feed.home_page_url, url) ?? url;
      return {
        format: 'json',
        title: text(feed.title),
        lang: text(feed.language),
        entries: (feed.items ?? []).slice(0, MAX_ENTRIES).flatMap((item) => {
          const link = absolute(item.url ?? item.external_url, base);
          const key = text(item.id) ?? link;
          if (key === null) return [];
          return [
            {
              key,
              link,
              title: text(item.title === undefined ? undefined : escapeHtml(item.title)),
              published: text(item.date_published ?? item.date_modified),
              updated: text(item.date_modified),
              contentHtml: text(item.content_html) ?? textAsHtml(text(item.content_text)),
              summaryHtml: textAsHtml(text(item.summary)),
              lang: text(item.language),
            },
          ];
        }),
      };
    }
  }
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/**
 * The calendar day of a feed date as the outlet wrote it (its own offset, not UTC: an article
 * from 00:30 in Sofia belongs to that day), `YYYY-MM-DD`; null when unreadable.
 */
export function dayOf(raw: string | null): string | null {
  if (raw === null) return null;
  const iso = /^(\d{4})-(\d{2})-(\d{2})/.exec(raw.trim());
  const rfc = /(\d{1,2})\s+([A-Za-z]{3})[a-z]*\.?\s+(\d{4})/.exec(raw);
  let year: number;
  let month: number;
  let day: number;
  if (iso !== null) {
    [year, month, day] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
  } else if (rfc !== null && MONTHS.includes((rfc[2] ?? '').toLowerCase())) {
    [year, month, day] = [
      Number(rfc[3]),
      MONTHS.indexOf((rfc[2] ?? '').toLowerCase()) + 1,
      Number(rfc[1]),
    ];
  } else {
    const at = Date.parse(raw);
    if (Number.isNaN(at)) return null;
    return new Date(at).toISOString().slice(0, 10);
  }
  const check = new Date(Date.UTC(year, month - 1, day));
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1) return null;
  return check.toISOString().slice(0, 10);
}

/** The primary subtag of a language tag in the corpus's form ("bg-BG" → "bg"), or null. */
export function languageCode(tag: string | null): string | null {
  const primary = tag?.trim().toLowerCase().split(/[-_]/)[0] ?? '';
  return /^[a-z]{2,3}$/.test(primary) ? primary : null;
}
