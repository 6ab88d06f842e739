/** Inline article fixtures shared by the specifications. */
import type { Article } from '../src/core/types.js';

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
