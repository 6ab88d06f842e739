/**
 * Cleaning of article text, done once at ingest for every format: the cleaned text is what is
 * stored, indexed and quoted, so every rule here decides what a user can ever see.
 */
import type { IsoDate } from '../core/types.js';

/**
 * Lines that are a site's links to other articles, not article text: "Още: …", "Read more: …".
 * A corpus can add its own patterns (see `.corpus.json` in the corpus README section).
 */
export const DEFAULT_LINK_LINE_PATTERNS: readonly RegExp[] = [
  /^(?:още|прочетете още|прочети още|вижте още|виж още|вижте също|виж също|свързани новини|свързани|препоръчано|гледайте)\s*:/iu,
  /^(?:read more|read also|also read|more|related|related articles?|related stories|see also|watch|recommended|must read|more on this)\s*:/iu,
];

/** The longest line tested against the link-line patterns. */
const MAX_LINK_LINE_LENGTH = 300;

/** A leading "date YYYY-MM-DD" prefix found in scraped texts (seed 003). */
const DATE_PREFIX = /^\s*date\s+(\d{4}-\d{2}-\d{2})(?:\s+|$)/iu;

/** Characters that end a sentence, possibly followed by closing quotes or brackets. */
const SENTENCE_END = /[.!?…:;]["'”’“»)\]]*$/u;

/** The result of cleaning: the text to store and what was learned from it. */
export interface CleanedText {
  readonly text: string;
  /** Date taken from a leading "date YYYY-MM-DD" prefix, if any. */
  readonly prefixDate: IsoDate | null;
  /** How many link lines were dropped. */
  readonly droppedLines: number;
}

/** Options for `cleanText`. */
export interface CleanOptions {
  /** Extra link-line patterns on top of DEFAULT_LINK_LINE_PATTERNS. */
  readonly extraLinkLinePatterns?: readonly RegExp[];
  /** The article's title: a first line equal to it is a repeated headline and is dropped. */
  readonly title?: string | null;
}

function sameHeadline(a: string, b: string): boolean {
  const key = (s: string): string =>
    s
      .toLowerCase()
      .replace(/[^\p{L}\p{N}]+/gu, ' ')
      .trim();
  return key(a) === key(b);
}

/**
 * Cleans raw article text: Unicode NFC; a leading date prefix removed (and returned); link
 * lines and a first line repeating the title dropped; spaces and tabs collapsed; lines
 * trimmed; soft-wrapped lines (a line not ending a sentence followed by one starting in lower
 * case) joined; paragraphs separated by exactly one blank line.
 */
export function cleanText(raw: string, options: CleanOptions = {}): CleanedText {
  let text = raw
    .normalize('NFC')
    .replace(/^\uFEFF/, '')
    .replace(/\r\n?/g, '\n');
  let prefixDate: IsoDate | null = null;
  const prefix = DATE_PREFIX.exec(text);
  if (prefix !== null) {
    prefixDate = prefix[1] ?? null;
    text = text.slice(prefix[0].length);
  }
  const patterns = [...DEFAULT_LINK_LINE_PATTERNS, ...(options.extraLinkLinePatterns ?? [])];
  let droppedLines = 0;
  const paragraphs: string[] = [];
  let current: string | null = null;
  let blankSinceLast = true;
  for (const rawLine of text.split('\n')) {
    // Zero-width and other invisible format characters would break words and matching.
    const line = rawLine
      .replace(/[\u200B-\u200D\u2060\uFEFF]/g, '')
      .replace(/[\p{Zs}\t\u00AD]+/gu, (m) => (m === '\u00AD' ? '' : ' '))
      .trim();
    if (line === '') {
      blankSinceLast = true;
      continue;
    }
    // Link lines are short; testing only short lines bounds what a slow pattern can cost.
    if (line.length <= MAX_LINK_LINE_LENGTH && patterns.some((p) => p.test(line))) {
      droppedLines++;
      continue;
    }
    if (
      paragraphs.length === 0 &&
      current === null &&
      options.title &&
      sameHeadline(line, options.title)
    ) {
      droppedLines++;
      continue;
    }
    if (
      current !== null &&
      !blankSinceLast &&
      !SENTENCE_END.test(current) &&
      /^\p{Ll}/u.test(line)
    ) {
      current = `${current} ${line}`;
    } else {
      if (current !== null) paragraphs.push(current);
      current = line;
    }
    blankSinceLast = false;
  }
  if (current !== null) paragraphs.push(current);
  return { text: paragraphs.join('\n\n'), prefixDate, droppedLines };
}

/** Whether `value` is a real calendar date written as YYYY-MM-DD. */
export function isIsoDate(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (match === null) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return (
    date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
  );
}

/** Guesses a text's language from its letters: Cyrillic-majority text is Bulgarian, else English. */
export function detectLanguage(text: string): string {
  const cyrillic = text.match(/\p{Script=Cyrillic}/gu)?.length ?? 0;
  const latin = text.match(/\p{Script=Latin}/gu)?.length ?? 0;
  return cyrillic > latin ? 'bg' : 'en';
}
