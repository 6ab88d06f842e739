import { describe, expect, it } from 'vitest';
import {
  buildDigest,
  passageKey,
  passageKeysOf,
  type DigestSelection,
} from '../../src/digest/build.js';
import { renderDigest, renderNothingNew } from '../../src/present/digest.js';
import { DISCORD_LIMITS, embedLength } from '../../src/present/limits.js';
import { Library } from '../../src/library/library.js';
import { makeNewsArticle } from '../fixtures.js';

const article = makeNewsArticle;

const GOMEL = 'Peace talks between Russia and Ukraine may take place in Gomel, the Kremlin said.';
const MINSK = 'Earlier the Ukrainian side refused talks in Minsk and proposed Warsaw instead.';
const WEATHER = 'The weather in Moscow was cold and snowy all week.';

const FIRST: DigestSelection = { isDelivered: () => false, since: null, firstSeen: () => null };

describe('buildDigest', () => {
  it('takes the best current matches, grouped by article, with one key per quote', async () => {
    const library = Library.build([article('a', `${GOMEL}\n\n${WEATHER}`), article('b', MINSK)]);
    const digest = await buildDigest(library, 'talks Gomel Minsk', { ...FIRST, limit: 5 });
    expect(digest.groups.map((g) => [g.docId, g.quotes.map((q) => q.quote)])).toEqual([
      ['a', [GOMEL]],
      ['b', [MINSK]],
    ]);
    expect(digest.passageKeys).toEqual([passageKey(GOMEL), passageKey(MINSK)]);
    expect(digest.quoteCount).toBe(2);
  });

  it('leaves out passages this subscription already posted', async () => {
    const library = Library.build([article('a', GOMEL), article('b', MINSK)]);
    const digest = await buildDigest(library, 'talks Gomel Minsk', {
      ...FIRST,
      isDelivered: (k) => k === passageKey(GOMEL),
    });
    expect(digest.groups.map((g) => g.docId)).toEqual(['b']);
  });

  it('after the first digest takes only passages first seen since it', async () => {
    const library = Library.build([article('a', GOMEL), article('b', MINSK)]);
    const seen = new Map([
      [passageKey(GOMEL), 1_000],
      [passageKey(MINSK), 3_000],
    ]);
    const selection: DigestSelection = {
      isDelivered: () => false,
      since: 2_000,
      firstSeen: (k) => seen.get(k) ?? null,
    };
    expect((await buildDigest(library, 'talks Gomel Minsk', selection)).passageKeys).toEqual([
      passageKey(MINSK),
    ]);
  });

  it('counts an edited article as new only in the paragraph whose text changed', async () => {
    const before = Library.build([article('a', `${GOMEL}\n\nTalks resume on Monday.`)]);
    const seen = new Map([...passageKeysOf(before).values()].map((k) => [k, 1_000] as const));
    const after = Library.build([article('a', `${GOMEL}\n\nTalks resume on Tuesday.`)]);
    const digest = await buildDigest(after, 'talks', {
      isDelivered: () => false,
      since: 2_000,
      firstSeen: (k) => seen.get(k) ?? null,
    });
    expect(digest.groups.flatMap((g) => g.quotes.map((q) => q.quote))).toEqual([
      'Talks resume on Tuesday.',
    ]);
  });

  it('posts a sentence carried by two outlets once', async () => {
    const library = Library.build([article('a', GOMEL), article('b', GOMEL, { source: 'TASS' })]);
    expect((await buildDigest(library, 'Gomel talks', FIRST)).quoteCount).toBe(1);
  });

  it('is empty when nothing matches', async () => {
    const library = Library.build([article('a', WEATHER)]);
    expect(await buildDigest(library, 'Gomel talks', FIRST)).toEqual({
      topic: 'Gomel talks',
      groups: [],
      passageKeys: [],
      quoteCount: 0,
    });
  });
});

describe('renderDigest', () => {
  it('shows each quote verbatim with bold matches and a linked attribution', async () => {
    const library = Library.build([article('a', GOMEL)]);
    const message = renderDigest(await buildDigest(library, 'Gomel', FIRST));
    expect(message).toEqual({
      content: '**Digest: Gomel** · 1 new quote',
      embeds: [
        {
          title: 'Title a',
          url: 'https://example.com/a',
          description:
            '“Peace talks between Russia and Ukraine may take place in **Gomel**, the Kremlin said.”\n— *[Sputnik](https://example.com/a)*, 27 Feb 2022',
          color: 0x2b6cb0,
        },
      ],
      allowed_mentions: { parse: [] },
    });
  });

  it('escapes markdown in article text and never pings', async () => {
    const library = Library.build([article('a', 'Hello @everyone, the **Gomel** talks_are on.')]);
    const message = renderDigest(await buildDigest(library, 'Gomel', FIRST));
    expect(message.embeds[0]?.description.split('\n')[0]).toBe(
      '“Hello \\@everyone, the \\*\\***Gomel**\\*\\* talks\\_are on.”',
    );
    expect(message.allowed_mentions).toEqual({ parse: [] });
  });

  it('fits ten long quotes into Discord limits, cutting at a word with an ellipsis', async () => {
    const long = (i: number): string =>
      `Gomel ${i} ` + 'negotiations continue between delegations '.repeat(60);
    const library = Library.build(Array.from({ length: 10 }, (_, i) => article(`d${i}`, long(i))));
    const message = renderDigest(
      await buildDigest(library, 'Gomel negotiations', { ...FIRST, limit: 10 }),
    );
    expect(message.embeds).toHaveLength(10);
    expect(message.embeds.reduce((n, e) => n + embedLength(e), 0)).toBeLessThanOrEqual(
      DISCORD_LIMITS.embedsTotal,
    );
    for (const embed of message.embeds) {
      expect(embed.description.length).toBeLessThanOrEqual(DISCORD_LIMITS.embedDescription);
      expect(embed.description.split('\n')[0]).toMatch(/\S…”$/);
    }
  });

  it('has a one-line form for "nothing new"', async () => {
    expect(renderNothingNew('peace_talks')).toEqual({
      content: '**Digest: peace\\_talks** · nothing new since the last digest.',
      embeds: [],
      allowed_mentions: { parse: [] },
    });
  });
});
