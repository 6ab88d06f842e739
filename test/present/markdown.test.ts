import { describe, expect, it } from 'vitest';
import { buildDigest } from '../../src/digest/build.js';
import { Library } from '../../src/library/library.js';
import { answerQuestion } from '../../src/answer/answer.js';
import { renderDigest } from '../../src/present/digest.js';
import { renderAnswerEmbed, renderContextEmbed } from '../../src/present/discord.js';
import { linkTarget } from '../../src/present/markdown.js';
import { makeNewsArticle } from '../fixtures.js';

/** Article text and metadata that would ping, link or format if shown raw. */
const HOSTILE =
  'Gomel talks: <@123456789012345678> and @everyone and @here, see )[click](https://evil.example) or **bold** <#42>.';
const HOSTILE_URL = 'https://example.com/a)[link](https://evil.example/2';

/** What must never appear unescaped in anything the bot sends. */
function expectInert(markdown: string): void {
  expect(markdown).toContain('\\<@123456789012345678>');
  expect(markdown).toContain('\\@everyone');
  expect(markdown).toContain('\\@here');
  expect(markdown).toContain('\\[click\\](https://evil.example)');
  expect(markdown).toContain('\\<#42>');
  expect(markdown).not.toMatch(/(^|[^\\])<@\d/);
  expect(markdown).not.toMatch(/(^|[^\\])@everyone/);
  expect(markdown).not.toMatch(/(^|[^\\])\[click\]/);
  expect(markdown).not.toMatch(/[^\\]\]\(https:\/\/evil/);
}

describe('one escaper for every message', () => {
  const article = makeNewsArticle('a', HOSTILE, { url: HOSTILE_URL, source: 'Out)[x](y' });
  const library = Library.build([article]);

  it('escapes mentions, @everyone, channel tags and link syntax the same in /ask and digests', async () => {
    const answer = await answerQuestion(library, 'Gomel talks');
    expect(answer.results).toHaveLength(1);
    const ask = renderAnswerEmbed(answer, 'ask').description ?? '';
    const digest = renderDigest(
      await buildDigest(library, 'Gomel talks', {
        isDelivered: () => false,
        since: null,
        firstSeen: () => null,
      }),
    ).embeds[0]?.description;
    expect(digest).toBeDefined();
    expectInert(ask);
    expectInert(digest ?? '');
    // Both show the quote the same way; only what surrounds it differs.
    const quoteOf = (text: string): string => text.slice(text.indexOf('“'), text.indexOf('”') + 1);
    expect(quoteOf(digest ?? '')).toBe(quoteOf(ask));
    // The attribution names the outlet literally and links nowhere a hostile URL points.
    for (const text of [ask, digest ?? '']) {
      expect(text).toContain('Out)\\[x\\](y');
      expect(text).toContain(
        '*[Out)\\[x\\](y](https://example.com/a%29[link]%28https://evil.example/2)*',
      );
    }
  });

  it('escapes the paragraph shown by a Context button the same way', () => {
    const embed = renderContextEmbed(
      article,
      { start: 0, end: HOSTILE.length },
      { start: 0, end: 5 },
    );
    expectInert(embed.description ?? '');
  });
});

describe('linkTarget', () => {
  it('keeps http(s) URLs and percent-encodes parentheses so a target cannot be closed early', () => {
    expect(linkTarget('https://example.com/a_(b)')).toBe('https://example.com/a_%28b%29');
    expect(linkTarget('http://example.com/')).toBe('http://example.com/');
  });

  it('refuses anything but one http(s) URL', () => {
    expect(linkTarget('https://example.com/a) [click](https://evil.example')).toBeNull();
    expect(linkTarget('javascript:alert(1)')).toBeNull();
    expect(linkTarget('ftp://example.com/a')).toBeNull();
    expect(linkTarget(null)).toBeNull();
  });
});
