/**
 * How much was written about a topic over time: matched articles counted per interval and per
 * outlet (or language). Pure: articles and options in, a series out, every interval of the
 * range present (zeros included) so a chart never hides a quiet stretch.
 *
 * Time zone: an article's date is a calendar day with no time of day (`YYYY-MM-DD`), so it is
 * never shifted; interval boundaries are whole days at 00:00 UTC. Weeks start on Monday
 * (ISO 8601); months are calendar months.
 */
import { UsageError } from '../core/errors.js';
import type { Article, IsoDate } from '../core/types.js';

/** The width of one bar. */
export type TrendInterval = 'day' | 'week' | 'month';
/** What the bars of one interval are split by. */
export type TrendGrouping = 'outlet' | 'language';

/** Every interval and grouping accepted, for option parsing. */
export const TREND_INTERVALS: readonly TrendInterval[] = ['day', 'week', 'month'];
export const TREND_GROUPINGS: readonly TrendGrouping[] = ['outlet', 'language'];

/** The time zone of every interval boundary. */
export const TREND_TIME_ZONE = 'UTC';

/**
 * The most intervals one series may hold: ~3 years of weeks or ~33 years of months. More would
 * draw bars under a pixel wide; the message says to pick a wider interval or a shorter range.
 */
export const MAX_INTERVALS = 400;

/** The group of an article without an outlet. */
const UNKNOWN_OUTLET = 'Unknown source';

/** One interval: its first and last day (inclusive) and the articles per group in it. */
export interface TrendBucket {
  readonly start: IsoDate;
  readonly end: IsoDate;
  /** Articles per group, for groups with at least one article in the interval. */
  readonly counts: Readonly<Record<string, number>>;
  readonly total: number;
}

/** The counts of a topic over time. */
export interface TrendSeries {
  readonly interval: TrendInterval;
  readonly by: TrendGrouping;
  readonly timeZone: typeof TREND_TIME_ZONE;
  /** Every group with an article in the range, most articles first (ties alphabetical). */
  readonly groups: readonly string[];
  /** Articles per group over the whole range. */
  readonly groupTotals: Readonly<Record<string, number>>;
  /** Consecutive intervals covering the range, oldest first. */
  readonly buckets: readonly TrendBucket[];
  readonly total: number;
  /** Matched articles left out because they have no date. */
  readonly undated: number;
}

/** What to count. Without `since`/`until` the range is that of the dated articles. */
export interface SeriesOptions {
  readonly interval: TrendInterval;
  readonly by: TrendGrouping;
  readonly since?: IsoDate;
  readonly until?: IsoDate;
}

const DAY_MS = 86_400_000;

function toTime(date: IsoDate): number {
  return Date.parse(`${date}T00:00:00Z`);
}

function toDate(time: number): IsoDate {
  return new Date(time).toISOString().slice(0, 10);
}

/** The first day of the interval holding `date`. */
export function intervalStart(date: IsoDate, interval: TrendInterval): IsoDate {
  if (interval === 'day') return date;
  if (interval === 'month') return `${date.slice(0, 7)}-01`;
  const time = toTime(date);
  // getUTCDay: Sunday 0 … Saturday 6; Monday is the first day of an ISO week.
  const sinceMonday = (new Date(time).getUTCDay() + 6) % 7;
  return toDate(time - sinceMonday * DAY_MS);
}

/** The first day of the interval after the one starting on `start`. */
function nextStart(start: IsoDate, interval: TrendInterval): IsoDate {
  if (interval === 'day') return toDate(toTime(start) + DAY_MS);
  if (interval === 'week') return toDate(toTime(start) + 7 * DAY_MS);
  const d = new Date(toTime(start));
  d.setUTCMonth(d.getUTCMonth() + 1);
  return toDate(d.getTime());
}

function groupOf(article: Article, by: TrendGrouping): string {
  return by === 'outlet' ? (article.source ?? UNKNOWN_OUTLET) : article.lang;
}

/** How many intervals of `interval` cover since..until, without listing them. */
function intervalCount(since: IsoDate, until: IsoDate, interval: TrendInterval): number {
  const first = intervalStart(since, interval);
  const last = intervalStart(until, interval);
  if (interval === 'month') {
    const months = (d: IsoDate): number => Number(d.slice(0, 4)) * 12 + Number(d.slice(5, 7));
    return months(last) - months(first) + 1;
  }
  return Math.round((toTime(last) - toTime(first)) / ((interval === 'day' ? 1 : 7) * DAY_MS)) + 1;
}

/**
 * Counts `articles` (each once) per interval and group. Articles outside since..until are left
 * out; undated ones are counted in `undated` only. Throws a UsageError when the range needs
 * more than MAX_INTERVALS intervals.
 */
export function buildSeries(articles: Iterable<Article>, options: SeriesOptions): TrendSeries {
  const { interval, by } = options;
  const dated: Article[] = [];
  const seen = new Set<string>();
  let undated = 0;
  for (const article of articles) {
    if (seen.has(article.id)) continue;
    seen.add(article.id);
    if (article.date === null) {
      undated++;
      continue;
    }
    if (options.since !== undefined && article.date < options.since) continue;
    if (options.until !== undefined && article.date > options.until) continue;
    dated.push(article);
  }
  const dates = dated.map((a) => a.date as IsoDate).sort();
  const since = options.since ?? dates[0];
  const until = options.until ?? dates[dates.length - 1];
  const empty = { interval, by, timeZone: TREND_TIME_ZONE, undated, total: 0 } as const;
  if (since === undefined || until === undefined)
    return { ...empty, groups: [], groupTotals: {}, buckets: [] };
  const count = intervalCount(since, until, interval);
  if (count > MAX_INTERVALS) {
    throw new UsageError(
      `That range holds ${count} ${interval}s; at most ${MAX_INTERVALS} fit one chart. Choose a wider interval or a shorter range.`,
    );
  }
  const counts: Record<string, number>[] = [];
  const starts: IsoDate[] = [];
  const indexOf = new Map<IsoDate, number>();
  for (let start = intervalStart(since, interval); start <= until;) {
    indexOf.set(start, starts.length);
    starts.push(start);
    counts.push({});
    start = nextStart(start, interval);
  }
  const groupTotals: Record<string, number> = {};
  for (const article of dated) {
    const bucket = counts[indexOf.get(intervalStart(article.date as IsoDate, interval)) ?? -1];
    if (bucket === undefined) continue;
    const group = groupOf(article, by);
    bucket[group] = (bucket[group] ?? 0) + 1;
    groupTotals[group] = (groupTotals[group] ?? 0) + 1;
  }
  const groups = Object.keys(groupTotals).sort(
    (a, b) => (groupTotals[b] ?? 0) - (groupTotals[a] ?? 0) || (a < b ? -1 : a > b ? 1 : 0),
  );
  const buckets = starts.map((start, i) => {
    const bucketCounts = counts[i] ?? {};
    return {
      start,
      end: toDate(toTime(nextStart(start, interval)) - DAY_MS),
      counts: bucketCounts,
      total: Object.values(bucketCounts).reduce((n, c) => n + c, 0),
    };
  });
  return { ...empty, groups, groupTotals, buckets, total: dated.length };
}

/**
 * The interval used when none is asked for: weeks, or months when the dated articles within
 * since..until span more than MAX_INTERVALS weeks.
 */
export function defaultInterval(
  articles: Iterable<Article>,
  since?: IsoDate,
  until?: IsoDate,
): TrendInterval {
  let first = since;
  let last = until;
  for (const { date } of articles) {
    if (
      date === null ||
      (since !== undefined && date < since) ||
      (until !== undefined && date > until)
    )
      continue;
    if (since === undefined && (first === undefined || date < first)) first = date;
    if (until === undefined && (last === undefined || date > last)) last = date;
  }
  if (first === undefined || last === undefined) return 'week';
  return intervalCount(first, last, 'week') <= MAX_INTERVALS ? 'week' : 'month';
}

/** The interval with the most articles (the earliest of equals), or null when all are zero. */
export function peakBucket(series: TrendSeries): TrendBucket | null {
  let peak: TrendBucket | null = null;
  for (const bucket of series.buckets) if (bucket.total > (peak?.total ?? 0)) peak = bucket;
  return peak;
}
