/**
 * Digest schedules as pure functions of (schedule, time zone, instants): parsing presets and
 * five-field cron expressions, finding run times in an IANA time zone, and deciding whether a
 * subscription is due. Nothing here reads the clock; `now` is always passed in.
 *
 * Slots are wall-clock times. A wall time that does not exist (the hour skipped when clocks go
 * forward) runs at the same distance after the gap, e.g. 03:30 becomes 04:30; a wall time that
 * happens twice (the hour repeated when clocks go back) runs at its first occurrence only. So a
 * daily digest runs exactly once on both daylight-saving days.
 */
import { UsageError } from '../core/errors.js';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
/** Far enough either side of a local day to cover every UTC offset (−12:00 … +14:00). */
const OFFSET_MARGIN_MS = 15 * 3_600_000;
/** How far ahead a schedule is searched; an expression with no run in this span is rejected. */
const MAX_SEARCH_DAYS = 4 * 366 + 31;

/** A parsed five-field cron expression: the allowed values of each field. */
interface CronFields {
  readonly minutes: readonly number[];
  readonly hours: readonly number[];
  readonly daysOfMonth: readonly number[];
  readonly months: readonly number[];
  /** 0 = Sunday … 6 = Saturday. */
  readonly daysOfWeek: readonly number[];
  /** Whether day-of-month / day-of-week were `*` (cron ORs the two when both are restricted). */
  readonly anyDayOfMonth: boolean;
  readonly anyDayOfWeek: boolean;
}

/** A validated schedule: what the user typed, its cron form and a human description. */
export interface Schedule {
  /** Normalised user form, e.g. "daily 08:30" or "*\/15 * * * *"; stored and shown. */
  readonly text: string;
  /** The equivalent five-field cron expression. */
  readonly cron: string;
  readonly fields: CronFields;
}

const DAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
const MONTH_NAMES = [
  'jan',
  'feb',
  'mar',
  'apr',
  'may',
  'jun',
  'jul',
  'aug',
  'sep',
  'oct',
  'nov',
  'dec',
] as const;

/** Examples shown with every schedule error. */
const SCHEDULE_EXAMPLES =
  '`hourly`, `daily 08:30`, `weekly mon 09:00` or a cron expression such as `0 8 * * 1-5`';

function scheduleError(problem: string): UsageError {
  return new UsageError(`${problem} Try ${SCHEDULE_EXAMPLES}.`);
}

interface FieldSpec {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
  readonly namesFrom?: number;
}

const FIELD_SPECS: readonly FieldSpec[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTH_NAMES, namesFrom: 1 },
  { name: 'day of week', min: 0, max: 7, names: DAY_NAMES, namesFrom: 0 },
];

function parseValue(raw: string, spec: FieldSpec): number {
  const lower = raw.toLowerCase();
  const named = spec.names?.indexOf(lower as never) ?? -1;
  if (named >= 0) return named + (spec.namesFrom ?? 0);
  if (!/^\d+$/.test(raw)) throw scheduleError(`"${raw}" is not a valid ${spec.name}.`);
  const value = Number(raw);
  if (value < spec.min || value > spec.max) {
    throw scheduleError(`${spec.name} ${value} is out of range (${spec.min}–${spec.max}).`);
  }
  return value;
}

function parseField(raw: string, spec: FieldSpec): number[] {
  const values = new Set<number>();
  for (const part of raw.split(',')) {
    const [rangePart = '', stepPart, extra] = part.split('/');
    if (extra !== undefined || rangePart === '')
      throw scheduleError(`"${part}" is not a valid ${spec.name}.`);
    let step = 1;
    if (stepPart !== undefined) {
      if (!/^\d+$/.test(stepPart) || Number(stepPart) === 0)
        throw scheduleError(`"/${stepPart}" is not a valid step.`);
      step = Number(stepPart);
    }
    let from: number;
    let to: number;
    if (rangePart === '*') {
      from = spec.min;
      to = spec.max === 7 ? 6 : spec.max;
    } else if (rangePart.includes('-')) {
      const [a = '', b = ''] = rangePart.split('-');
      from = parseValue(a, spec);
      to = parseValue(b, spec);
      if (from > to) throw scheduleError(`the range "${rangePart}" runs backwards.`);
    } else {
      from = parseValue(rangePart, spec);
      to = stepPart === undefined ? from : spec.max;
    }
    for (let v = from; v <= to; v += step) values.add(spec.max === 7 && v === 7 ? 0 : v);
  }
  return [...values].sort((a, b) => a - b);
}

/** Parses a five-field cron expression (minute hour day-of-month month day-of-week). */
function parseCron(expression: string): CronFields {
  const parts = expression.trim().split(/\s+/);
  if (parts.length !== 5) {
    throw scheduleError(
      `A cron expression has five fields (minute hour day month weekday); "${expression.trim()}" has ${parts.length}.`,
    );
  }
  const [m = '', h = '', dom = '', mon = '', dow = ''] = parts;
  const specs = FIELD_SPECS;
  return {
    minutes: parseField(m, specs[0]!),
    hours: parseField(h, specs[1]!),
    daysOfMonth: parseField(dom, specs[2]!),
    months: parseField(mon, specs[3]!),
    daysOfWeek: parseField(dow, specs[4]!),
    anyDayOfMonth: dom === '*',
    anyDayOfWeek: dow === '*',
  };
}

function parseClock(raw: string | undefined): { hour: number; minute: number } {
  const match = /^(\d{1,2}):(\d{2})$/.exec(raw ?? '');
  const hour = Number(match?.[1]);
  const minute = Number(match?.[2]);
  if (!match || hour > 23 || minute > 59) {
    throw scheduleError(`"${raw ?? ''}" is not a time of day; use 24-hour HH:MM such as 08:30.`);
  }
  return { hour, minute };
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

/**
 * Parses what a user typed as a schedule: `hourly`, `daily HH:MM`, `weekly <day> HH:MM` (day as
 * mon…sun or monday…sunday) or a five-field cron expression. Throws a UsageError that says what
 * is wrong and shows examples that work.
 */
export function parseSchedule(input: string): Schedule {
  const text = input.trim().replace(/\s+/g, ' ');
  if (text === '') throw scheduleError('The schedule is empty.');
  const words = text.toLowerCase().split(' ');
  const [head] = words;
  let cron: string;
  let normalised: string;
  if (head === 'hourly') {
    if (words.length !== 1) throw scheduleError('`hourly` takes nothing after it.');
    cron = '0 * * * *';
    normalised = 'hourly';
  } else if (head === 'daily') {
    if (words.length !== 2) throw scheduleError('`daily` needs a time, e.g. `daily 08:30`.');
    const { hour, minute } = parseClock(words[1]);
    cron = `${minute} ${hour} * * *`;
    normalised = `daily ${pad2(hour)}:${pad2(minute)}`;
  } else if (head === 'weekly') {
    if (words.length !== 3)
      throw scheduleError('`weekly` needs a day and a time, e.g. `weekly mon 09:00`.');
    const day = DAY_NAMES.findIndex((d) => isDayWord(words[1], d));
    if (day < 0) throw scheduleError(`"${words[1] ?? ''}" is not a day of the week (mon … sun).`);
    const { hour, minute } = parseClock(words[2]);
    cron = `${minute} ${hour} * * ${day}`;
    normalised = `weekly ${DAY_NAMES[day]} ${pad2(hour)}:${pad2(minute)}`;
  } else {
    if (words.length !== 5 && /^[a-z]+$/.test(head ?? '')) {
      throw scheduleError(`"${text}" is not a schedule I know.`);
    }
    cron = text;
    normalised = text;
  }
  const fields = parseCron(cron);
  if (!hasAnyDay(fields)) throw scheduleError(`"${text}" never runs (no such date).`);
  return { text: normalised, cron, fields };
}

const FULL_DAY_NAMES = [
  'sunday',
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
];

function isDayWord(word: string | undefined, short: string): boolean {
  if (word === undefined) return false;
  const full = FULL_DAY_NAMES[DAY_NAMES.indexOf(short as (typeof DAY_NAMES)[number])] ?? '';
  return word === short || word === full;
}

/** Days since 1970-01-01 of a proleptic Gregorian date, and back. */
function civilDay(year: number, month: number, day: number): number {
  return Math.floor(Date.UTC(year, month - 1, day) / DAY_MS);
}

interface LocalDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly weekday: number;
}

function localDateOfDay(dayNumber: number): LocalDate {
  const d = new Date(dayNumber * DAY_MS);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    weekday: d.getUTCDay(),
  };
}

function matchesDate(fields: CronFields, date: LocalDate): boolean {
  if (!fields.months.includes(date.month)) return false;
  const domOk = fields.daysOfMonth.includes(date.day);
  const dowOk = fields.daysOfWeek.includes(date.weekday);
  if (fields.anyDayOfMonth && fields.anyDayOfWeek) return true;
  if (fields.anyDayOfMonth) return dowOk;
  if (fields.anyDayOfWeek) return domOk;
  return domOk || dowOk;
}

function hasAnyDay(fields: CronFields): boolean {
  const start = civilDay(2028, 1, 1);
  for (let d = start; d < start + MAX_SEARCH_DAYS; d++)
    if (matchesDate(fields, localDateOfDay(d))) return true;
  return false;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The wall-clock fields of an instant in a zone. */
interface WallTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
}

/** The wall-clock time of `instantMs` in `timeZone`. */
function wallTimeAt(instantMs: number, timeZone: string): WallTime {
  const fields: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(instantMs))) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  return {
    year: fields['year'] ?? 0,
    month: fields['month'] ?? 0,
    day: fields['day'] ?? 0,
    hour: (fields['hour'] ?? 0) % 24,
    minute: fields['minute'] ?? 0,
  };
}

/** UTC offset of `timeZone` at `instantMs`, in milliseconds (east positive). */
function offsetAt(instantMs: number, timeZone: string): number {
  const floored = Math.floor(instantMs / MINUTE_MS) * MINUTE_MS;
  const w = wallTimeAt(floored, timeZone);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute) - floored;
}

function sameWall(instantMs: number, wallMs: number, timeZone: string): boolean {
  return instantMs + offsetAt(instantMs, timeZone) === wallMs;
}

/**
 * The instant of a wall time given as a UTC-encoded number: in a gap, shifted forward by the gap;
 * in an overlap, the earlier instant.
 */
function instantOfWall(wallMs: number, before: number, after: number, timeZone: string): number {
  if (before === after) return wallMs - before;
  const early = wallMs - before;
  const late = wallMs - after;
  const valid = [early, late].filter((t) => sameWall(t, wallMs, timeZone));
  if (valid.length > 0) return Math.min(...valid);
  return early;
}

/** The run instants of one local calendar day, ascending, without duplicates. */
function slotsOfDay(fields: CronFields, dayNumber: number, timeZone: string): number[] {
  const date = localDateOfDay(dayNumber);
  if (!matchesDate(fields, date)) return [];
  const dayWallMs = dayNumber * DAY_MS;
  const before = offsetAt(dayWallMs - OFFSET_MARGIN_MS, timeZone);
  const after = offsetAt(dayWallMs + DAY_MS + OFFSET_MARGIN_MS, timeZone);
  const slots = new Set<number>();
  for (const hour of fields.hours) {
    for (const minute of fields.minutes) {
      slots.add(
        instantOfWall(dayWallMs + hour * 3_600_000 + minute * MINUTE_MS, before, after, timeZone),
      );
    }
  }
  return [...slots].sort((a, b) => a - b);
}

function localDayNumber(instantMs: number, timeZone: string): number {
  const w = wallTimeAt(instantMs, timeZone);
  return civilDay(w.year, w.month, w.day);
}

/** The first run strictly after `after`, in `timeZone`. */
export function nextRunAfter(schedule: Schedule, timeZone: string, after: Date): Date {
  const afterMs = after.getTime();
  const first = localDayNumber(afterMs, timeZone) - 1;
  let best: number | null = null;
  for (let d = first; d < first + MAX_SEARCH_DAYS; d++) {
    for (const slot of slotsOfDay(schedule.fields, d, timeZone)) {
      if (slot > afterMs && (best === null || slot < best)) best = slot;
    }
    // A slot shifted by a gap can land on the next day's wall clock; one extra day settles it.
    if (best !== null && d > localDayNumber(best, timeZone)) return new Date(best);
  }
  if (best !== null) return new Date(best);
  throw new RangeError(`schedule "${schedule.text}" has no run within ${MAX_SEARCH_DAYS} days`);
}

/** The last run at or before `atOrBefore`, or null when there is none within the search span. */
export function previousRunAtOrBefore(
  schedule: Schedule,
  timeZone: string,
  atOrBefore: Date,
): Date | null {
  const limitMs = atOrBefore.getTime();
  const first = localDayNumber(limitMs, timeZone) + 1;
  let best: number | null = null;
  for (let d = first; d > first - MAX_SEARCH_DAYS; d--) {
    for (const slot of slotsOfDay(schedule.fields, d, timeZone)) {
      if (slot <= limitMs && (best === null || slot > best)) best = slot;
    }
    if (best !== null && d < localDayNumber(best, timeZone)) return new Date(best);
  }
  return best === null ? null : new Date(best);
}

/** What a subscription should do at `now`. */
export interface RunDecision {
  /** The slot to run now (the latest one that has passed), or null when nothing is due. */
  readonly due: Date | null;
  /** Slots that passed before `due` and are folded into this one run (downtime catch-up). */
  readonly skipped: number;
  /** The first slot after `now`: when to look again. */
  readonly next: Date;
}

/** How many runs fall strictly between `after` and `before` (day by day, not run by run). */
export function countRunsBetween(
  schedule: Schedule,
  timeZone: string,
  after: Date,
  before: Date,
): number {
  const afterMs = after.getTime();
  const beforeMs = before.getTime();
  if (beforeMs <= afterMs) return 0;
  const last = Math.min(
    localDayNumber(beforeMs, timeZone) + 1,
    localDayNumber(afterMs, timeZone) + MAX_SEARCH_DAYS,
  );
  let count = 0;
  for (let d = localDayNumber(afterMs, timeZone) - 1; d <= last; d++) {
    for (const slot of slotsOfDay(schedule.fields, d, timeZone))
      if (slot > afterMs && slot < beforeMs) count++;
  }
  return count;
}

/**
 * Decides whether a subscription is due. `since` is the instant after which slots count: the
 * last run's slot, or when the subscription was created or resumed. However many slots passed
 * since then (the bot was down), at most one run is due: the latest passed slot.
 */
export function decideRun(
  schedule: Schedule,
  timeZone: string,
  since: Date,
  now: Date,
): RunDecision {
  const next = nextRunAfter(schedule, timeZone, now);
  const firstDue = nextRunAfter(schedule, timeZone, since);
  if (firstDue.getTime() > now.getTime()) return { due: null, skipped: 0, next };
  const due = previousRunAtOrBefore(schedule, timeZone, now) ?? firstDue;
  return { due, skipped: countRunsBetween(schedule, timeZone, since, due), next };
}

/**
 * Resolves an IANA time zone name case-insensitively to its canonical spelling, e.g.
 * "europe/sofia" → "Europe/Sofia". Throws a UsageError with an example when unknown.
 */
export function normalizeTimeZone(input: string): string {
  const raw = input.trim();
  if (raw !== '' && !/^[+-]?\d/.test(raw)) {
    try {
      return new Intl.DateTimeFormat('en-US', { timeZone: raw }).resolvedOptions().timeZone;
    } catch {
      // fall through to the error below
    }
  }
  throw new UsageError(
    `"${raw}" is not a time zone I know. Use an IANA name such as \`Europe/Sofia\`, \`America/New_York\` or \`UTC\`.`,
  );
}

/** Every IANA zone name this runtime knows, plus "UTC", for autocomplete. */
export function listTimeZones(): readonly string[] {
  return ['UTC', ...Intl.supportedValuesOf('timeZone').filter((z) => z !== 'UTC')];
}

/**
 * Formats an instant for people in a zone, e.g. "Mon, 30 Mar 2026, 04:30 (Europe/Sofia)".
 */
export function formatInZone(instant: Date, timeZone: string): string {
  const text = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(instant);
  return `${text} (${timeZone})`;
}
