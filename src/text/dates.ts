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
  // Russian, nominative, genitive ("23 марта") and prepositional ("в октябре").
  январь: 1,
  января: 1,
  январе: 1,
  февраль: 2,
  февраля: 2,
  феврале: 2,
  марта: 3,
  марте: 3,
  апрель: 4,
  апреля: 4,
  апреле: 4,
  мая: 5,
  мае: 5,
  июнь: 6,
  июня: 6,
  июне: 6,
  июль: 7,
  июля: 7,
  июле: 7,
  августа: 8,
  августе: 8,
  сентябрь: 9,
  сентября: 9,
  сентябре: 9,
  октябрь: 10,
  октября: 10,
  октябре: 10,
  ноябрь: 11,
  ноября: 11,
  ноябре: 11,
  декабрь: 12,
  декабря: 12,
  декабре: 12,
  // Ukrainian, nominative, genitive ("23 березня") and locative ("у жовтні").
  січень: 1,
  січня: 1,
  січні: 1,
  лютий: 2,
  лютого: 2,
  лютому: 2,
  березень: 3,
  березня: 3,
  березні: 3,
  квітень: 4,
  квітня: 4,
  квітні: 4,
  травень: 5,
  травня: 5,
  травні: 5,
  червень: 6,
  червня: 6,
  червні: 6,
  липень: 7,
  липня: 7,
  липні: 7,
  серпень: 8,
  серпня: 8,
  серпні: 8,
  вересень: 9,
  вересня: 9,
  вересні: 9,
  жовтень: 10,
  жовтня: 10,
  жовтні: 10,
  листопад: 11,
  листопада: 11,
  листопаді: 11,
  грудень: 12,
  грудня: 12,
  грудні: 12,
};

const MONTH = `(${Object.keys(MONTHS)
  .sort((a, b) => b.length - a.length)
  .join('|')})\\.?`;
const DAY = '(\\d{1,2})(?:st|nd|rd|th|-?ти|-?ви|-?ри|-?ми)?';
const YEAR = '((?:19|20)\\d{2})(?:\\s*(?:г\\.|година|год\\.|года|году|год|р\\.|року|рік))?';
const LEAD = '(?:(?:on|in|of|during|since|from|на|през|в|во|от|за|у|з)\\s+)?';
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
    re: /(?<![\p{L}\p{N}])(?:(?:in|during|since|from|през|в|во|за|у)\s+((?:19|20)\d{2})(?:\s*(?:г\.|година|года|году|року|р\.))?|((?:19|20)\d{2})\s*(?:г\.|года|году|року|р\.))(?![\p{L}\p{N}])/giu,
    window: (m) => {
      const y = num(m[1] ?? m[2]);
      return [iso(y, 1, 1), iso(y, 12, 31)];
    },
  },
];

const RECENT =
  /(?<![\p{L}\p{N}])(?:latest|most recent(?:ly)?|recent|recently|newest|lately|последни(?:те|я|ят)?|последна(?:та)?|последно|най-нови(?:те)?|най-новата|скорошни(?:те)?|наскоро|последн(?:ие|ий|яя|ее|их|ее время)|недавн(?:о|ие|их)|новейш(?:ие|ее)|свеж(?:ие|ее)|останн(?:і|ій|я|є|іх|нім часом)|нещодавн(?:о|і)|найнові(?:ші|ше)|свіж(?:і|е))(?![\p{L}\p{N}])/giu;

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

/**
 * Words that, beside a date or "latest", ask for no topic: "What happened on …", "news from
 * …", "Какво се случи …", "Что произошло …", "Що сталося …". Lowercase, as written.
 */
const BROWSING_WORDS = new Set(
  (
    'happen happened happens happening news story stories event events report reports reported ' +
    'published article articles headline headlines going on new update updates ' +
    'случи случило случва новини новина новината събития събитие статии статия ' +
    'произошло происходило случилось новости новость события статьи ' +
    'сталося відбулося відбувалося новина події статті'
  ).split(' '),
);

/** Words for "news": in a news corpus never a question's topic, with a date or without. */
const NEWS_WORDS = new Set('news новини новина новината новости новость'.split(' '));

/** Whether a word (lowercase) of a question means "news" (see NEWS_WORDS). */
export function isNewsWord(word: string): boolean {
  return NEWS_WORDS.has(word);
}

/** Whether a word (lowercase) of a question asks for no topic beside its date ("happened", "news"). */
export function isBrowsingWord(word: string): boolean {
  return BROWSING_WORDS.has(word);
}

const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** "2022-03-23" → "23 Mar 2022", as answers name a day. */
export function describeDay(date: IsoDate): string {
  const ymd = parseIso(date);
  if (ymd === null) return date;
  return `${ymd[2]} ${(MONTH_NAMES[ymd[1] - 1] ?? '').slice(0, 3)} ${ymd[0]}`;
}

/** A window as a reader would say it: "2021", "October 2023", "23 Mar 2022", or "from … to …". */
export function describeWindow(since: IsoDate, until: IsoDate): string {
  const a = parseIso(since);
  const b = parseIso(until);
  if (a === null || b === null) return `${since} – ${until}`;
  if (since === until) return describeDay(since);
  if (a[0] === b[0] && a[1] === 1 && a[2] === 1 && b[1] === 12 && b[2] === 31) return `${a[0]}`;
  if (a[0] === b[0] && a[1] === b[1] && a[2] === 1 && b[2] === daysIn(b[0], b[1]))
    return `${MONTH_NAMES[a[1] - 1] ?? ''} ${a[0]}`;
  return `from ${describeDay(since)} to ${describeDay(until)}`;
}
