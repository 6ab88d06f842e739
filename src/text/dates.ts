import type { IsoDate, Span } from '../core/types.js';

/** What a question says about time: a publication-date window and/or a wish for recent news. */
export interface QuestionDates {
  /** Inclusive first day of the window the question names, if any. */
  readonly since: IsoDate | null;
  /** Inclusive last day of that window. */
  readonly until: IsoDate | null;
  /** "latest", "recent", "последни", …: prefer the newest articles. */
  readonly recent: boolean;
  /** Where in the question the date and recency expressions are. */
  readonly spans: readonly Span[];
  /** Where the recency words are ("latest", "последни"): they select, they are not searched. */
  readonly recentSpans: readonly Span[];
}

const MONTHS: Readonly<Record<string, number>> = {
  january: 1,
  jan: 1,
  february: 2,
  feb: 2,
  march: 3,
  mar: 3,
  april: 4,
  apr: 4,
  may: 5,
  june: 6,
  jun: 6,
  july: 7,
  jul: 7,
  august: 8,
  aug: 8,
  september: 9,
  sep: 9,
  sept: 9,
  october: 10,
  oct: 10,
  november: 11,
  nov: 11,
  december: 12,
  dec: 12,
  януари: 1,
  февруари: 2,
  март: 3,
  април: 4,
  май: 5,
  юни: 6,
  юли: 7,
  август: 8,
  септември: 9,
  октомври: 10,
  ноември: 11,
  декември: 12,
};

const MONTH = `(${Object.keys(MONTHS)
  .sort((a, b) => b.length - a.length)
  .join('|')})\\.?`;
const DAY = '(\\d{1,2})(?:st|nd|rd|th|-?ти|-?ви|-?ри|-?ми)?';
const YEAR = '((?:19|20)\\d{2})(?:\\s*(?:г\\.|година|год\\.))?';
const LEAD = '(?:(?:on|in|of|during|since|from|на|през|в|от)\\s+)?';
// Words are delimited with Unicode-aware lookarounds: \b does not know Cyrillic.
const B = '(?<![\\p{L}\\p{N}])';
const E = '(?![\\p{L}\\p{N}])';

interface Rule {
  readonly re: RegExp;
  readonly window: (m: RegExpExecArray, reference: Ymd) => Window | null;
}
type Ymd = readonly [number, number, number];
type Window = readonly [IsoDate, IsoDate];

const RULES: readonly Rule[] = [
  // 2022-03-05
  {
    re: new RegExp(`${B}${LEAD}(\\d{4})-(\\d{2})-(\\d{2})${E}`, 'giu'),
    window: (m) => day(num(m[1]), num(m[2]), num(m[3])),
  },
  // 5.03.2022 (day first, as written in Bulgarian and most of Europe)
  {
    re: new RegExp(
      `${B}${LEAD}(\\d{1,2})\\.(\\d{1,2})\\.((?:19|20)\\d{2})(?:\\s*г\\.)?${E}`,
      'giu',
    ),
    window: (m) => day(num(m[3]), num(m[2]), num(m[1])),
  },
  // March 5, 2022 / March 5th 2022
  {
    re: new RegExp(`${B}${LEAD}${MONTH}\\s+${DAY},?\\s+${YEAR}${E}`, 'giu'),
    window: (m) => day(num(m[3]), month(m[1]), num(m[2])),
  },
  // 5 March 2022 / 5 март 2022 г.
  {
    re: new RegExp(`${B}${LEAD}${DAY}\\s+(?:of\\s+)?${MONTH}\\s*,?\\s+${YEAR}${E}`, 'giu'),
    window: (m) => day(num(m[3]), month(m[2]), num(m[1])),
  },
  // February 2022 / през октомври 2023
  {
    re: new RegExp(`${B}${LEAD}${MONTH},?\\s+${YEAR}${E}`, 'giu'),
    window: (m) => monthWindow(num(m[2]), month(m[1])),
  },
  // March 5 / 5 March without a year: the most recent such day not after the reference.
  {
    re: new RegExp(`${B}${LEAD}${MONTH}\\s+${DAY}${E}`, 'giu'),
    window: (m, ref) => pastDay(month(m[1]), num(m[2]), ref),
  },
  {
    re: new RegExp(`${B}${LEAD}${DAY}\\s+(?:of\\s+)?${MONTH}${E}`, 'giu'),
    window: (m, ref) => pastDay(month(m[2]), num(m[1]), ref),
  },
  // in 2022 / през 2022 г. (a bare number needs the preposition, or "2022 г.")
  {
    re: /(?<![\p{L}\p{N}])(?:(?:in|during|since|през|в)\s+((?:19|20)\d{2})(?:\s*(?:г\.|година))?|((?:19|20)\d{2})\s*г\.)(?![\p{L}\p{N}])/giu,
    window: (m) => {
      const y = num(m[1] ?? m[2]);
      return [iso(y, 1, 1), iso(y, 12, 31)];
    },
  },
];

const RECENT =
  /(?<![\p{L}\p{N}])(?:latest|most recent|recent|recently|newest|последни(?:те|я|ят)?|последна(?:та)?|последно|най-нови(?:те)?|най-новата|скорошни(?:те)?|наскоро)(?![\p{L}\p{N}])/giu;

/**
 * Finds date expressions in a question ("on March 5, 2022", "in February 2022",
 * "през октомври 2023", "в 2022 г.", "latest"/"последни"). `reference` is today's date
 * (ISO), used only for dates without a year, which mean the most recent such day.
 * The first expression found gives the window; all are reported in `spans`.
 */
export function parseQuestionDates(question: string, reference: IsoDate): QuestionDates {
  const ref = parseIso(reference);
  const spans: Span[] = [];
  let window: Window | null = null;
  let windowAt = Infinity;
  const taken = (start: number, end: number): boolean =>
    spans.some((s) => start < s.end && end > s.start);
  for (const rule of RULES) {
    rule.re.lastIndex = 0;
    for (let m = rule.re.exec(question); m !== null; m = rule.re.exec(question)) {
      const start = m.index;
      const end = start + m[0].length;
      if (taken(start, end)) continue;
      const w = ref === null ? null : rule.window(m, ref);
      if (w === null) continue;
      spans.push({ start, end });
      if (start < windowAt) {
        window = w;
        windowAt = start;
      }
    }
  }
  const recentSpans: Span[] = [];
  RECENT.lastIndex = 0;
  for (let m = RECENT.exec(question); m !== null; m = RECENT.exec(question)) {
    recentSpans.push({ start: m.index, end: m.index + m[0].length });
  }
  spans.push(...recentSpans);
  spans.sort((a, b) => a.start - b.start);
  return {
    since: window?.[0] ?? null,
    until: window?.[1] ?? null,
    recent: recentSpans.length > 0,
    spans,
    recentSpans,
  };
}

function num(s: string | undefined): number {
  return s === undefined ? NaN : Number.parseInt(s, 10);
}

function month(s: string | undefined): number {
  // Lowercase "may" is the verb ("what may 5 people do"); the month is written "May".
  if (s === undefined || s === 'may') return NaN;
  return MONTHS[s.toLowerCase()] ?? NaN;
}

function iso(y: number, m: number, d: number): IsoDate {
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

function daysIn(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

function valid(y: number, m: number, d: number): boolean {
  return Number.isInteger(y) && m >= 1 && m <= 12 && d >= 1 && d <= daysIn(y, m);
}

function day(y: number, m: number, d: number): Window | null {
  return valid(y, m, d) ? [iso(y, m, d), iso(y, m, d)] : null;
}

function monthWindow(y: number, m: number): Window | null {
  return valid(y, m, 1) ? [iso(y, m, 1), iso(y, m, daysIn(y, m))] : null;
}

function pastDay(m: number, d: number, ref: Ymd): Window | null {
  const [ry, rm, rd] = ref;
  const y = m < rm || (m === rm && d <= rd) ? ry : ry - 1;
  return day(y, m, d);
}

function parseIso(s: IsoDate): Ymd | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/u.exec(s);
  if (m === null) return null;
  return [num(m[1]), num(m[2]), num(m[3])];
}
