/**
 * Issue 16 item 8: a digest escapes article text and links as /ask does, so a hostile article
 * cannot add a link or show a mention (the escaper src/present shares with /ask).
 */
import { describe, expect, it } from 'vitest';
import { buildDigest } from '../../src/digest/build.js';
import { Library } from '../../src/library/library.js';
import { renderDigest } from '../../src/present/digest.js';
import { makeNewsArticle } from '../fixtures.js';

describe('a digest of a hostile article', () => {
  it('adds no link and shows no mention', async () => {
    const library = Library.build([
      makeNewsArticle(
        'evil',
        'Talks in Gomel: <@123456789012345678> and @everyone were told [click](https://evil.example).',
        { url: 'https://news.example/a)[click](https://evil.example' },
      ),
    ]);
    const digest = await buildDigest(library, 'Gomel talks', {
      limit: 3,
      isDelivered: () => false,
      since: null,
      firstSeen: () => null,
    });
    expect(digest.quoteCount).toBe(1);
    const message = renderDigest(digest);
    const text = message.embeds.map((e) => e.description).join('\n');
    expect(text).not.toMatch(/(^|[^\\])\]\(https:\/\/evil\.example\)/);
    expect(text).not.toMatch(/(^|[^\\])<@/);
    expect(text).not.toMatch(/(^|[^\\])@everyone/);
    expect(message.allowed_mentions).toEqual({ parse: [] });
  });
});
