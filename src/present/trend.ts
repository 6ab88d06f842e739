/**
 * A /trend answer, the same for Discord, the console and the CLI: the topic's matching
 * articles counted per interval, the chart, a one-line summary ("peak: week of 28 Feb 2022,
 * 4 articles; most: Ynet News") and the best quote of the peak interval from the answer path,
 * so the picture leads back to words.
 */
import { answerQuestion } from '../answer/answer.js';
import { formatDate } from './format.js';
import type { Library } from '../library/library.js';
import { matchTopic, type TopicMatch } from '../trend/match.js';
import {
  buildSeries,
  defaultInterval,
  peakBucket,
  type TrendBucket,
  type TrendGrouping,
  type TrendInterval,
  type TrendSeries,
} from '../trend/series.js';
import type { IsoDate, QuoteResult } from '../core/types.js';
import { renderTrendChart, type TrendChart } from './chart.js';

/** What a /trend asks for. */
export interface TrendRequest {
  readonly topic: string;
  /** Absent: weeks, or months when the matches span too many weeks (defaultInterval). */
  readonly interval?: TrendInterval;
  readonly by: TrendGrouping;
  readonly since?: IsoDate;
  readonly until?: IsoDate;
}

/** A /trend answer: a chart and its summary, or, when nothing matched, only `summary`. */
export interface TrendReport {
  readonly match: TopicMatch;
  /** Null when nothing matched. */
  readonly series: TrendSeries | null;
  readonly chart: TrendChart | null;
  /** The summary line, or the reason there is no chart. */
  readonly summary: string;
  /** The best quote of the peak interval, when the answer path finds one there. */
  readonly peakQuote: QuoteResult | null;
}

const EMPTY_MESSAGES = {
  'empty-question': 'Give the topic a few words, e.g. "Bennett Putin".',
  'only-stop-words': 'That topic has only very common words; add a name, a place or a subject.',
  'no-match':
    'Nothing in the corpus matches that topic well enough to count, so there is no chart.',
} as const;

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** "week of 28 Feb 2022", "28 Feb 2022" or "Feb 2022". */
function describeBucket(bucket: TrendBucket, interval: TrendInterval): string {
  if (interval === 'day') return formatDate(bucket.start);
  if (interval === 'week') return `week of ${formatDate(bucket.start)}`;
  return formatDate(bucket.start).replace(/^\d+ /, '');
}

/**
 * "peak: week of 28 Feb 2022, 4 articles; most: Ynet News": the busiest interval (the earliest
 * of equals) and the group with the most articles, or how many share the lead when tied.
 */
function trendSummary(series: TrendSeries): string {
  const peak = peakBucket(series);
  if (peak === null) return 'No dated article matches in that range.';
  const [first, second] = series.groups;
  const top = series.groupTotals[first ?? ''] ?? 0;
  const tied = series.groups.filter((g) => series.groupTotals[g] === top).length;
  const most =
    second !== undefined && series.groupTotals[second] === top
      ? `${tied} ${series.by === 'outlet' ? 'outlets' : 'languages'} tied at ${plural(top, 'article')}`
      : (first ?? '');
  return `peak: ${describeBucket(peak, series.interval)}, ${plural(peak.total, 'article')}; most: ${most}`;
}

/** The chart's title: the topic and what a bar counts. */
function trendTitle(topic: string, interval: TrendInterval): string {
  return `“${topic}” — articles per ${interval}`;
}

/**
 * Answers a /trend request: the matching articles by /ask's rules, their series, the chart and
 * the quote of the peak. Throws a UsageError when the range holds too many intervals.
 */
export async function buildTrendReport(
  library: Library,
  request: TrendRequest,
): Promise<TrendReport> {
  const filters = {
    ...(request.since !== undefined ? { since: request.since } : {}),
    ...(request.until !== undefined ? { until: request.until } : {}),
  };
  const match = await matchTopic(library, request.topic, filters);
  if (match.emptyReason !== null) {
    return {
      match,
      series: null,
      chart: null,
      summary: EMPTY_MESSAGES[match.emptyReason],
      peakQuote: null,
    };
  }
  const interval =
    request.interval ?? defaultInterval(match.articles, request.since, request.until);
  const series = buildSeries(match.articles, {
    interval,
    by: request.by,
    ...filters,
  });
  const peak = peakBucket(series);
  if (peak === null) {
    return {
      match,
      series,
      chart: null,
      summary: `${plural(match.articles.length, 'article')} match, but none has a date to place it on a chart.`,
      peakQuote: null,
    };
  }
  const chart = await renderTrendChart(series, trendTitle(match.topic, interval));
  const answer = await answerQuestion(library, match.topic, {
    since: peak.start,
    until: peak.end,
    limit: 1,
  });
  const truncated = match.truncated ? ' (counts cover the best-matching passages only)' : '';
  return {
    match,
    series,
    chart,
    summary: trendSummary(series) + truncated,
    peakQuote: answer.results[0] ?? null,
  };
}
