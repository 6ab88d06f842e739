import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import { Library } from '../../src/library/library.js';
import { matchTopic } from '../../src/trend/match.js';
import {
  buildSeries,
  defaultInterval,
  intervalStart,
  MAX_INTERVALS,
  peakBucket,
  TREND_TIME_ZONE,
} from '../../src/trend/series.js';
import type { Article } from '../../src/core/types.js';
import { makeArticle } from '../fixtures.js';
import { seedArticles } from '../discord/harness.js';

function dated(id: string, date: string | null, source: string | null, lang = 'en'): Article {
  return makeArticle(id, `Text of ${id}.`, { date, source, lang });
}

// 2022-02-27 is a Sunday, 2022-02-28 a Monday.
const FIXTURES = [
  dated('a', '2022-02-27', 'Sputnik'),
  dated('b', '2022-02-28', 'Ynet News'),
  dated('c', '2022-03-05', 'Ynet News'),
  dated('d', '2022-03-06', 'The National'),
  dated('e', '2022-03-23', 'The Times of Israel'),
  dated('f', '2022-03-23', 'Актуално', 'bg'),
  dated('g', null, 'Sputnik'),
];

describe('buildSeries', () => {
  it('counts articles per ISO week (Monday 00:00 UTC) and outlet, with empty weeks as zeros', () => {
    const series = buildSeries(FIXTURES, { interval: 'week', by: 'outlet' });
    expect(series.timeZone).toBe('UTC');
    expect(TREND_TIME_ZONE).toBe('UTC');
    expect(series.buckets).toEqual([
      { start: '2022-02-21', end: '2022-02-27', counts: { Sputnik: 1 }, total: 1 },
      {
        start: '2022-02-28',
        end: '2022-03-06',
        counts: { 'Ynet News': 2, 'The National': 1 },
        total: 3,
      },
      { start: '2022-03-07', end: '2022-03-13', counts: {}, total: 0 },
      { start: '2022-03-14', end: '2022-03-20', counts: {}, total: 0 },
      {
        start: '2022-03-21',
        end: '2022-03-27',
        counts: { 'The Times of Israel': 1, Актуално: 1 },
        total: 2,
      },
    ]);
    expect(series.total).toBe(6);
    expect(series.undated).toBe(1);
    expect(series.groups).toEqual([
      'Ynet News',
      'Sputnik',
      'The National',
      'The Times of Israel',
      'Актуално',
    ]);
    expect(peakBucket(series)?.start).toBe('2022-02-28');
  });

  it('puts a Sunday in the week that began the Monday before, and a Monday in a new one', () => {
    expect(intervalStart('2022-02-27', 'week')).toBe('2022-02-21');
    expect(intervalStart('2022-02-28', 'week')).toBe('2022-02-28');
    // Across a year end and a leap day.
    expect(intervalStart('2021-01-01', 'week')).toBe('2020-12-28');
    expect(intervalStart('2024-03-01', 'week')).toBe('2024-02-26');
  });

  it('counts per calendar month and per language within since..until, zeros for empty months', () => {
    const series = buildSeries(FIXTURES, {
      interval: 'month',
      by: 'language',
      since: '2022-01-15',
      until: '2022-04-02',
    });
    expect(series.buckets.map((b) => [b.start, b.end, b.counts])).toEqual([
      ['2022-01-01', '2022-01-31', {}],
      ['2022-02-01', '2022-02-28', { en: 2 }],
      ['2022-03-01', '2022-03-31', { en: 3, bg: 1 }],
      ['2022-04-01', '2022-04-30', {}],
    ]);
    expect(series.groupTotals).toEqual({ en: 5, bg: 1 });
  });

  it('leaves out articles outside since..until and counts each article once', () => {
    const series = buildSeries([...FIXTURES, FIXTURES[1]!], {
      interval: 'day',
      by: 'outlet',
      since: '2022-02-28',
      until: '2022-03-01',
    });
    expect(series.buckets).toEqual([
      { start: '2022-02-28', end: '2022-02-28', counts: { 'Ynet News': 1 }, total: 1 },
      { start: '2022-03-01', end: '2022-03-01', counts: {}, total: 0 },
    ]);
  });

  it('refuses a range of more intervals than one chart holds, saying what to change', () => {
    const build = (): unknown =>
      buildSeries(FIXTURES, {
        interval: 'day',
        by: 'outlet',
        since: '2020-01-01',
        until: '2022-12-31',
      });
    expect(build).toThrow(UsageError);
    expect(build).toThrow(/at most 400 fit one chart\. Choose a wider interval/);
    expect(MAX_INTERVALS).toBe(400);
  });

  it('defaults to weeks, and to months when the matches span more weeks than a chart holds', () => {
    expect(defaultInterval(FIXTURES)).toBe('week');
    const decade = [dated('old', '2014-01-01', 'Sputnik'), dated('new', '2023-12-31', 'Sputnik')];
    expect(defaultInterval(decade)).toBe('month');
    expect(defaultInterval(decade, '2023-01-01')).toBe('week');
    expect(() => buildSeries(decade, { interval: 'month', by: 'outlet' })).not.toThrow();
  });

  it('has no intervals and no peak when no article is dated', () => {
    const series = buildSeries([dated('x', null, 'Sputnik')], { interval: 'week', by: 'outlet' });
    expect(series.buckets).toEqual([]);
    expect(series.undated).toBe(1);
    expect(peakBucket(series)).toBeNull();
  });
});

describe('matchTopic (the relevance rules of /ask)', () => {
  it('counts the seed articles that answer "Bennett Putin", each once', async () => {
    const library = Library.build(await seedArticles());
    const match = await matchTopic(library, 'Bennett Putin');
    expect(match.emptyReason).toBeNull();
    expect(match.truncated).toBe(false);
    expect(match.articles.map((a) => a.source).sort()).toEqual([
      'Actualno.com',
      'Sputnik',
      'The National',
      'The Times of Israel',
      'Ynet News',
    ]);
  });

  it('narrows to since..until and says "no-match" for a topic under /ask’s floor', async () => {
    const library = Library.build(await seedArticles());
    const march = await matchTopic(library, 'Bennett Putin', {
      since: '2022-03-01',
      until: '2022-03-31',
    });
    expect(march.articles.map((a) => a.date).sort()).toEqual([
      '2022-03-05',
      '2022-03-06',
      '2022-03-23',
    ]);
    expect((await matchTopic(library, 'zeppelin okapi')).emptyReason).toBe('no-match');
    expect((await matchTopic(library, 'the of and')).emptyReason).toBe('only-stop-words');
    expect((await matchTopic(library, '   ')).emptyReason).toBe('empty-question');
  });
});
