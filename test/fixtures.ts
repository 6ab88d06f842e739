/** Inline article fixtures shared by the specifications. */
import type { Article, QuoteResult } from '../src/core/types.js';

/** An article with no metadata but what `extra` gives (English, undated). */
export function makeArticle(id: string, text: string, extra: Partial<Article> = {}): Article {
  return {
    id,
    title: null,
    source: null,
    url: null,
    date: null,
    lang: 'en',
    text,
    origin: { file: `${id}.txt`, line: 1 },
    ...extra,
  };
}

/** An article with full metadata: "Title <id>", Sputnik, a link, 27 Feb 2022. */
export function makeNewsArticle(id: string, text: string, extra: Partial<Article> = {}): Article {
  return makeArticle(id, text, {
    title: `Title ${id}`,
    source: 'Sputnik',
    url: `https://example.com/${id}`,
    date: '2022-02-27',
    ...extra,
  });
}

/** A ranked quote of a Sputnik article dated 23 Mar 2022, with what `fields` changes. */
export function makeQuoteResult(fields: Partial<QuoteResult> & { quote: string }): QuoteResult {
  return {
    rank: 1,
    span: { start: 0, end: fields.quote.length },
    highlights: [],
    docId: 'doc',
    passageId: 'doc#0',
    title: null,
    source: 'Sputnik',
    url: 'https://example.org/a',
    date: '2022-03-23',
    lang: 'en',
    score: 1,
    alsoIn: [],
    ...fields,
  };
}

/**
 * A deterministic pseudo-random sequence in [0, 1) (mulberry32), so a generated test corpus is
 * the same in every run.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
