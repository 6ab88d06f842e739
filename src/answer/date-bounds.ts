/**
 * The one grammar of a date range's ends, for /ask, /search and `npm run ask` alike: `2022`,
 * `2022-03` or `2022-03-05`. A year or a month means its first day as a `since` and its last day
 * as an `until`, so `since 2022-03 until 2022-03` is the whole of March.
 */
import type { IsoDate } from '../core/types.js';

/** Which end of the range a date is. */
export type DateBound = 'since' | 'until';

const DATE_INPUT = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/;

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** The day `value` names as the `bound` end of a range, or null when it is not such a date. */
export function readDateBound(bound: DateBound, value: string): IsoDate | null {
  const match = DATE_INPUT.exec(value.trim());
  if (match === null) return null;
  const year = Number(match[1]);
  const month = match[2] === undefined ? (bound === 'since' ? 1 : 12) : Number(match[2]);
  if (month < 1 || month > 12) return null;
  const last = daysIn(year, month);
  const day = match[3] === undefined ? (bound === 'since' ? 1 : last) : Number(match[3]);
  if (day < 1 || day > last) return null;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}
