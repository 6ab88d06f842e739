/**
 * /trend outside Discord, shared by `npm run trend` and the console's `/trend`: reading the
 * arguments, writing the PNG, and the text printed (path, summary, the peak's quote) or the
 * `--json` counts.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { UsageError } from '../core/errors.js';
import { isIsoDate } from '../text/clean.js';
import { buildTrendReport, type TrendReport, type TrendRequest } from '../present/trend.js';
import { renderAnswer, type Emphasis } from '../present/console.js';
import type { Library } from '../library/library.js';
import { MAX_TOPIC_LENGTH } from '../trend/match.js';
import {
  TREND_GROUPINGS,
  TREND_INTERVALS,
  type TrendGrouping,
  type TrendInterval,
} from '../trend/series.js';

/** The file written when no --out is given. */
const DEFAULT_TREND_FILE = 'trend.png';

const USAGE =
  'usage: trend [--out FILE.png] [--json] [--since YYYY-MM-DD] [--until YYYY-MM-DD] [--by outlet|language] [--interval day|week|month] "topic"';

/** The parsed arguments of a trend command. */
export interface TrendArguments {
  readonly request: TrendRequest;
  /** Where the PNG goes; null with --json and no --out (counts only). */
  readonly out: string | null;
  readonly json: boolean;
  readonly corpus: string | null;
}

function oneOf<T extends string>(name: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`--${name} must be one of ${allowed.join(', ')}, got "${value}".`);
}

/** Reads trend arguments; throws a UsageError that says what to change. */
export function parseTrendArguments(argv: readonly string[]): TrendArguments {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        out: { type: 'string' },
        json: { type: 'boolean', default: false },
        since: { type: 'string' },
        until: { type: 'string' },
        by: { type: 'string', default: 'outlet' },
        interval: { type: 'string' },
        corpus: { type: 'string' },
      },
    });
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  const topic = positionals.join(' ').trim();
  if (topic === '') throw new UsageError(`Give a topic, e.g. "Bennett Putin".\n${USAGE}`);
  if (topic.length > MAX_TOPIC_LENGTH)
    throw new UsageError(`The topic is longer than ${MAX_TOPIC_LENGTH} characters.`);
  for (const key of ['since', 'until'] as const) {
    const value = values[key];
    if (value !== undefined && !isIsoDate(value))
      throw new UsageError(`--${key} must be a date as YYYY-MM-DD, got "${value}".`);
  }
  if (values.since !== undefined && values.until !== undefined && values.since > values.until)
    throw new UsageError(`--since (${values.since}) is after --until (${values.until}).`);
  const out = values.out ?? (values.json ? null : DEFAULT_TREND_FILE);
  if (out !== null && path.extname(out).toLowerCase() !== '.png')
    throw new UsageError(`--out must name a .png file, got "${out}".`);
  return {
    request: {
      topic,
      ...(values.interval !== undefined
        ? { interval: oneOf<TrendInterval>('interval', values.interval, TREND_INTERVALS) }
        : {}),
      by: oneOf<TrendGrouping>('by', values.by ?? 'outlet', TREND_GROUPINGS),
      ...(values.since !== undefined ? { since: values.since } : {}),
      ...(values.until !== undefined ? { until: values.until } : {}),
    },
    out,
    json: values.json ?? false,
    corpus: values.corpus ?? null,
  };
}

/** The `--json` shape of a trend (stable contract; see the README). */
function trendToJson(report: TrendReport, out: string | null): object {
  const series = report.series;
  return {
    topic: report.match.topic,
    terms: report.match.terms,
    matched: report.match.articles.length,
    truncated: report.match.truncated,
    summary: report.summary,
    file: report.chart === null ? null : out,
    ...(series === null
      ? {}
      : {
          interval: series.interval,
          by: series.by,
          timeZone: series.timeZone,
          total: series.total,
          undated: series.undated,
          groups: series.groups.map((g) => ({ name: g, articles: series.groupTotals[g] ?? 0 })),
          buckets: series.buckets,
        }),
    peakQuote:
      report.peakQuote === null
        ? null
        : {
            quote: report.peakQuote.quote,
            source: report.peakQuote.source,
            date: report.peakQuote.date,
            url: report.peakQuote.url,
          },
  };
}

/**
 * Runs a trend: builds the report, writes the PNG to `out` (resolved against `cwd`) when there
 * is a chart, and returns what to print.
 */
export async function runTrend(
  library: Library,
  args: TrendArguments,
  cwd: string,
  emphasis: Emphasis,
): Promise<string> {
  const report = await buildTrendReport(library, args.request);
  const file = args.out === null ? null : path.resolve(cwd, args.out);
  if (report.chart !== null && file !== null) {
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, report.chart.png);
  }
  if (args.json) return JSON.stringify(trendToJson(report, file));
  if (report.chart === null) return report.summary;
  const lines = file === null ? [report.summary] : [`Wrote ${file}`, report.summary];
  if (report.peakQuote !== null) {
    const quote = renderAnswer(
      {
        query: report.match.topic,
        results: [report.peakQuote],
        hasMore: false,
        emptyReason: null,
        terms: report.match.terms,
      },
      emphasis,
    );
    lines.push('', 'From the peak:', quote);
  }
  return lines.join('\n');
}
