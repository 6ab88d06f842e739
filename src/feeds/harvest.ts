/**
 * One poll of one feed: a conditional GET of the feed, its entries parsed, and each new or
 * edited entry turned into an article (the feed's own full text when it carries one, else the
 * article page's main text) and written into the corpus. An entry seen before and unchanged
 * costs nothing; an article page that cannot be fetched now is tried again at the next poll
 * (the feed's validators are then not kept, so that poll is not a 304).
 */
import type { Logger } from '../core/log.js';
import { extractArticle, ExtractError, htmlToParagraphs, plainText } from './extract.js';
import { FetchError, type SafeFetcher } from './fetch.js';
import {
  dayOf,
  languageCode,
  parseFeedDocument,
  type FeedEntry,
  type ParsedFeed,
} from './parse.js';
import type { FeedStorage } from './storage.js';
import type { Feed } from './store.js';
import { entryHashOf, writeFeedArticle, type WriteOutcome } from './write.js';

/** A feed's own text counts as the full article from this many characters on. */
const FULL_TEXT_CHARS = 500;
/** Article pages fetched at once for one feed. */
const PAGE_CONCURRENCY = 4;

/** What one poll of one feed did. */
export interface HarvestResult {
  readonly notModified: boolean;
  readonly counts: Readonly<Record<WriteOutcome | 'failed' | 'empty' | 'seen', number>>;
  /** New validators to store; null when they must not be kept (some item is to be retried). */
  readonly validators: { etag: string | null; lastModified: string | null } | null;
  /** The first item problem, for the log. */
  readonly itemError: string | null;
  /** Where the feed now lives when its URL answered with a permanent redirect (301, 308). */
  readonly movedTo: string | null;
}

/** What a harvest needs. */
export interface HarvestDeps {
  readonly store: FeedStorage;
  readonly fetcher: SafeFetcher;
  readonly corpusDir: string;
  readonly logger: Logger;
  readonly now: () => number;
}

async function mapLimit<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>) {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  });
  await Promise.all(workers);
}

type ItemText =
  | {
      kind: 'text';
      paragraphs: string[];
      url: string | null;
      published: string | null;
      lang: string | null;
      title: string | null;
    }
  | { kind: 'empty' };

async function textOf(deps: HarvestDeps, entry: FeedEntry): Promise<ItemText> {
  const fromFeed = entry.contentHtml === null ? [] : htmlToParagraphs(entry.contentHtml);
  const feedChars = fromFeed.reduce((n, p) => n + p.length, 0);
  // Several paragraphs, or a long one, are the article itself; a line or two is a teaser.
  if (
    fromFeed.length >= 2 ||
    feedChars >= FULL_TEXT_CHARS ||
    (entry.link === null && fromFeed.length > 0)
  ) {
    return {
      kind: 'text',
      paragraphs: fromFeed,
      url: entry.link,
      published: null,
      lang: null,
      title: null,
    };
  }
  if (entry.link === null) return feedWords(entry, fromFeed, null);
  let page: Awaited<ReturnType<SafeFetcher['fetch']>>;
  try {
    page = await deps.fetcher.fetch(entry.link, 'page', null, deps.now);
  } catch (error) {
    if (!(error instanceof FetchError) || !error.permanent) throw error;
    return feedWords(entry, fromFeed, entry.link);
  }
  if (page.status !== 'ok') return { kind: 'empty' };
  try {
    const article = extractArticle(page.text, page.url);
    return {
      kind: 'text',
      paragraphs: [...article.paragraphs],
      url: article.canonicalUrl ?? page.url,
      published: article.published,
      lang: article.lang,
      title: article.title,
    };
  } catch (error) {
    if (!(error instanceof ExtractError)) throw error;
    return feedWords(entry, fromFeed, entry.link);
  }
}

/**
 * For a page that will never give its article (gone, refused, a video without text): the feed's
 * own words are better than nothing; an entry without any is remembered as empty.
 */
function feedWords(entry: FeedEntry, fromFeed: string[], url: string | null): ItemText {
  const paragraphs =
    fromFeed.length > 0
      ? fromFeed
      : entry.summaryHtml === null
        ? []
        : htmlToParagraphs(entry.summaryHtml);
  return paragraphs.length === 0
    ? { kind: 'empty' }
    : { kind: 'text', paragraphs, url, published: null, lang: null, title: null };
}

/** Polls `feed` once and writes what is new; throws FetchError / FeedFormatError for the feed itself. */
export async function harvestFeed(deps: HarvestDeps, feed: Feed): Promise<HarvestResult> {
  const fetched = await deps.fetcher.fetch(
    feed.url,
    'feed',
    { etag: feed.etag, lastModified: feed.lastModified },
    deps.now,
  );
  const counts = { new: 0, updated: 0, unchanged: 0, duplicate: 0, failed: 0, empty: 0, seen: 0 };
  const movedTo = fetched.movedTo;
  if (fetched.status === 'not-modified')
    return { notModified: true, counts, validators: null, itemError: null, movedTo };
  const parsed: ParsedFeed = parseFeedDocument(fetched.text, fetched.url);
  let itemError: string | null = null;
  await mapLimit(parsed.entries, PAGE_CONCURRENCY, async (entry) => {
    const entryHash = entryHashOf([
      entry.title,
      entry.link,
      entry.published,
      entry.updated,
      entry.contentHtml,
      entry.summaryHtml,
    ]);
    const known = await deps.store.item(feed.id, entry.key);
    if (known !== null && known.entryHash === entryHash) {
      counts.seen++;
      return;
    }
    try {
      const found = await textOf(deps, entry);
      if (found.kind === 'empty') {
        counts.empty++;
        await deps.store.saveItem(
          {
            feedId: feed.id,
            itemKey: entry.key,
            link: entry.link,
            entryHash,
            textHash: null,
            articleId: known?.articleId ?? null,
            file: known?.file ?? null,
          },
          deps.now(),
        );
        return;
      }
      const title = entry.title !== null ? plainText(entry.title) : found.title;
      const outcome = await writeFeedArticle(
        deps.store,
        deps.corpusDir,
        {
          feedId: feed.id,
          itemKey: entry.key,
          entryHash,
          title: title === '' ? found.title : title,
          source: feed.name,
          url: found.url ?? entry.link,
          date: dayOf(entry.published) ?? dayOf(found.published),
          lang: languageCode(feed.lang ?? entry.lang ?? found.lang ?? parsed.lang),
          paragraphs: found.paragraphs,
        },
        deps.now(),
      );
      counts[outcome]++;
    } catch (error) {
      counts.failed++;
      const message = error instanceof FetchError ? error.message : String(error);
      itemError ??= message;
      deps.logger.warn('feed item skipped for now; it is tried again at the next poll', {
        feed: feed.url,
        item: entry.link ?? entry.key,
        reason: message,
      });
    }
  });
  // Every item of this document, handled now or before, is still in the feed: all get one
  // instant, the feed's latest, which pruning never forgets.
  await deps.store.markSeen(
    feed.id,
    parsed.entries.map((entry) => entry.key),
    deps.now(),
  );
  return {
    notModified: false,
    counts,
    validators: counts.failed > 0 ? null : fetched.validators,
    itemError,
    movedTo,
  };
}
