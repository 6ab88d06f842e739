/**
 * Feed formats and article text from the fixtures: RSS 2.0, RSS 1.0/RDF, Atom and JSON Feed
 * through one shape, entities and CDATA decoded, relative links made absolute, outlet-local
 * dates; article pages reduced to their paragraphs without navigation, ads or "Read more".
 */
import { describe, expect, it } from 'vitest';
import { decodeBody } from '../../src/feeds/fetch.js';
import {
  extractArticle,
  ExtractError,
  htmlToParagraphs,
  plainText,
} from '../../src/feeds/extract.js';
import { dayOf, FeedFormatError, languageCode, parseFeedDocument } from '../../src/feeds/parse.js';
import { fixture } from './server.js';

const BASE = 'https://outlet.example';

function text(name: string, contentType = ''): string {
  return decodeBody(fixture(name, BASE), contentType, name.endsWith('.html') ? 'page' : 'feed');
}

describe('parseFeedDocument', () => {
  it('reads a wire service RSS 2.0 feed, with relative links made absolute', () => {
    const feed = parseFeedDocument(text('wire-rss.xml'), `${BASE}/wire/rss.xml`);
    expect(feed).toMatchObject({ format: 'rss', title: 'Wire Service: World News', lang: 'en-us' });
    expect(feed.entries).toHaveLength(2);
    expect(feed.entries[0]).toMatchObject({
      key: 'WIRE-2026-12-01-0914-EUROPE',
      link: `${BASE}/world/europe/zhlobin-talks-2026-12-01/?utm_source=rss&utm_medium=feed`,
      published: 'Tue, 01 Dec 2026 09:14:00 GMT',
      contentHtml: null,
    });
    expect(feed.entries[1]?.link).toBe(`${BASE}/markets/commodities/oil-opec-2026-12-01/`);
    expect(plainText(feed.entries[1]?.title ?? '')).toBe(
      'Oil prices rise & markets steady after "cautious" OPEC+ remarks',
    );
  });

  it('reads a Bulgarian feed in windows-1251', () => {
    const feed = parseFeedDocument(text('bta-1251.xml'), `${BASE}/bta/rss.xml`);
    expect(feed.title).toBe('БТА: Новини');
    expect(feed.entries[0]?.title).toBe('Министерският съвет одобри проектобюджета за 2027 г.');
    expect(plainText(feed.entries[0]?.summaryHtml ?? '')).toBe(
      'Правителството прие "проектобюджета" на извънредно заседание.',
    );
  });

  it('reads an Atom blog with HTML titles and full content in CDATA', () => {
    const feed = parseFeedDocument(text('atom-blog.xml'), `${BASE}/blog/atom.xml`);
    const entry = feed.entries[0];
    expect(feed).toMatchObject({ format: 'atom', lang: 'en' });
    expect(entry?.link).toBe(`${BASE}/blog/2026/11/danube-grid-link/`);
    expect(plainText(entry?.title ?? '')).toBe(
      'Why the Danube grid link matters & what comes next',
    );
    expect(htmlToParagraphs(entry?.contentHtml ?? '')).toEqual([
      expect.stringMatching(/^The new Danube interconnector between Ruse and Giurgiu/),
      expect.stringMatching(/^Operators on both banks/),
      expect.stringMatching(/^What comes next is a question of rules/),
    ]);
  });

  it('reads a JSON Feed', () => {
    const feed = parseFeedDocument(text('json-feed.json'), `${BASE}/harbour/feed.json`);
    expect(feed).toMatchObject({ format: 'json', title: 'Harbour Times', lang: 'en' });
    expect(feed.entries[0]).toMatchObject({
      key: 'https://harbour.example/2026/12/01/ferry-strike',
      link: `${BASE}/harbour/2026/12/01/ferry-strike`,
    });
    expect(htmlToParagraphs(feed.entries[0]?.contentHtml ?? '')).toHaveLength(3);
  });

  it('reads RSS 1.0 (RDF) with Dublin Core dates and content:encoded', () => {
    const feed = parseFeedDocument(text('rdf-feed.xml'), `${BASE}/science/rdf`);
    expect(feed).toMatchObject({ format: 'rdf', title: 'Science Daily Digest', lang: 'en' });
    expect(feed.entries[0]).toMatchObject({
      key: `${BASE}/science/2026/12/glacier-melt`,
      published: '2026-12-01T12:00:00+01:00',
    });
  });

  it('says what is wrong with malformed XML and with a web page given as a feed', () => {
    expect(() => parseFeedDocument(text('malformed.xml'), `${BASE}/broken/rss.xml`)).toThrow(
      new FeedFormatError(
        `${BASE}/broken/rss.xml is not a readable RSS, Atom or JSON feed (Invalid feed format).`,
      ),
    );
    expect(() => parseFeedDocument(text('wire-oil.html'), `${BASE}/markets/`)).toThrow(
      `${BASE}/markets/ is a web page, not a feed; give the address of its RSS or Atom feed.`,
    );
  });

  it('keeps the day as the outlet wrote it, and language codes in corpus form', () => {
    expect(dayOf('Wed, 02 Dec 2026 01:10:00 +0200')).toBe('2026-12-02');
    expect(dayOf('2026-11-30T23:30:00-05:00')).toBe('2026-11-30');
    expect(dayOf('not a date')).toBeNull();
    expect(languageCode('bg-BG')).toBe('bg');
    expect(languageCode('english')).toBeNull();
  });
});

describe('extractArticle', () => {
  it('takes the paragraphs of a wire story, dropping navigation, ads, share bars and "Read more"', () => {
    const article = extractArticle(
      text('wire-zhlobin.html'),
      `${BASE}/world/europe/zhlobin-talks-2026-12-01/?utm_source=rss`,
    );
    expect(article).toMatchObject({
      title: 'Delegations agree to meet in Zhlobin as corridor talks resume',
      canonicalUrl: `${BASE}/world/europe/zhlobin-talks-2026-12-01/`,
      published: '2026-12-01T09:14:00Z',
      lang: 'en-US',
    });
    expect(article.paragraphs).toHaveLength(4);
    expect(article.paragraphs[0]).toMatch(/^KYIV, Dec 1 \(Wire\) - Ukrainian and Russian/);
    expect(article.paragraphs[3]).toBe(
      'The Kremlin said its delegation would travel to Zhlobin on Wednesday evening.',
    );
    const all = article.paragraphs.join('\n');
    for (const dropped of ['Advertisement', 'Read more', 'Share on', 'newsletter', 'Related', '©'])
      expect(all).not.toContain(dropped);
  });

  it('takes a Bulgarian page in windows-1251 and drops its "Още:" line', () => {
    const article = extractArticle(
      decodeBody(fixture('bta-1001.html', BASE), 'text/html', 'page'),
      `${BASE}/bta/bg/news/bulgaria/1001`,
    );
    expect(article.lang).toBe('bg');
    expect(article.paragraphs).toEqual([
      expect.stringMatching(/^София, 2 декември \(БТА\) – Министерският съвет/),
      expect.stringMatching(/^Според финансовия министър/),
      'Проектът ще бъде внесен в Народното събрание до края на седмицата, уточниха от кабинета.',
    ]);
  });

  it('refuses a page without article text', () => {
    expect(() => extractArticle('<html><body><nav>Home</nav></body></html>', BASE)).toThrow(
      ExtractError,
    );
  });
});
