/**
 * What a digest holds: the best passages for a topic that the subscription has not posted, ranked
 * by the core's answer path and grouped by article. Passages are identified by a hash of their
 * text (a "passage key"), so an edited article counts as new only in the paragraphs whose text
 * changed, and a sentence carried verbatim by several outlets is posted once.
 */
import { createHash } from 'node:crypto';
import { quoteRanked, rankPassages, weighQuery, type RankedPassage } from '../answer/answer.js';
import type { Library } from '../library/library.js';
import type { IsoDate, Passage, QuoteResult } from '../core/types.js';
import { clampCount } from '../core/count.js';

/** Quotes per digest when the subscription gives no limit. */
export const DEFAULT_DIGEST_LIMIT = 5;
/** The most quotes one digest may hold (one Discord message, one embed per article). */
export const MAX_DIGEST_LIMIT = 10;

/** The stable identity of a passage's text: 32 hex characters of SHA-256 over its NFC text. */
export function passageKey(text: string): string {
  return createHash('sha256').update(text.normalize('NFC').trim()).digest('hex').slice(0, 32);
}

/** The key of every passage in the library, by passage id. */
export function passageKeysOf(library: Library, docIds?: Iterable<string>): Map<string, string> {
  const keys = new Map<string, string>();
  const ids = docIds ?? [...library.articles()].map((a) => a.id);
  for (const docId of ids) {
    for (const passage of library.passagesOf(docId))
      keys.set(passage.id, passageKey(library.passageText(passage)));
  }
  return keys;
}

/** The quotes of one article in a digest, best first. */
export interface DigestGroup {
  readonly docId: string;
  readonly title: string | null;
  readonly source: string | null;
  readonly url: string | null;
  readonly date: IsoDate | null;
  readonly quotes: readonly QuoteResult[];
}

/** A digest ready to render: groups in order of their best quote, and the passage keys it uses. */
export interface Digest {
  readonly topic: string;
  readonly groups: readonly DigestGroup[];
  /** One key per quote, to record as delivered. */
  readonly passageKeys: readonly string[];
  readonly quoteCount: number;
}

/** What decides which passages may go into a digest. */
export interface DigestSelection {
  /** Most quotes, clamped to 1..MAX_DIGEST_LIMIT; default DEFAULT_DIGEST_LIMIT. */
  readonly limit?: number;
  /** Whether the subscription already posted (or is posting) this passage key. */
  readonly isDelivered: (passageKey: string) => boolean | Promise<boolean>;
  /**
   * Null for the first digest (the best current matches). Otherwise only passages first seen
   * after this instant (epoch ms) are taken: material that arrived since the first digest.
   */
  readonly since: number | null;
  /** When a passage key was first seen (epoch ms); null when unknown, which counts as new. */
  readonly firstSeen: (passageKey: string) => number | null | Promise<number | null>;
}

/** Clamps a digest limit into 1..MAX_DIGEST_LIMIT. */
export function clampDigestLimit(limit: number | undefined): number {
  return clampCount(limit, DEFAULT_DIGEST_LIMIT, MAX_DIGEST_LIMIT);
}

/**
 * Builds the digest of `topic` for one subscription: ranked like `/ask`, keeping only passages
 * that pass `selection`, at most `limit`, grouped by article. An empty digest has no groups.
 */
export async function buildDigest(
  library: Library,
  topic: string,
  selection: DigestSelection,
): Promise<Digest> {
  const limit = clampDigestLimit(selection.limit);
  const query = weighQuery(library, topic.normalize('NFC').trim());
  const chosen: { ranked: RankedPassage; key: string }[] = [];
  const taken = new Set<string>();
  for (const ranked of await rankPassages(library, query)) {
    const key = passageKey(library.passageText(ranked.hit.passage as Passage));
    if (taken.has(key) || (await selection.isDelivered(key))) continue;
    if (selection.since !== null) {
      const seen = await selection.firstSeen(key);
      if (seen !== null && seen <= selection.since) continue;
    }
    taken.add(key);
    chosen.push({ ranked, key });
    if (chosen.length >= limit) break;
  }
  const quotes = quoteRanked(
    chosen.map((c) => c.ranked),
    query,
    1,
  );
  const groups = new Map<string, { group: Omit<DigestGroup, 'quotes'>; quotes: QuoteResult[] }>();
  for (const quote of quotes) {
    let entry = groups.get(quote.docId);
    if (entry === undefined) {
      entry = {
        group: {
          docId: quote.docId,
          title: quote.title,
          source: quote.source,
          url: quote.url,
          date: quote.date,
        },
        quotes: [],
      };
      groups.set(quote.docId, entry);
    }
    entry.quotes.push(quote);
  }
  return {
    topic,
    groups: [...groups.values()].map((e) => ({ ...e.group, quotes: e.quotes })),
    passageKeys: chosen.map((c) => c.key),
    quoteCount: quotes.length,
  };
}
