/**
 * Sentence boundaries for English and Bulgarian news text, as spans of the original string so a
 * quote cut from them is verbatim. natural's SentenceTokenizer mishandles abbreviations matched
 * inside words, newlines and Bulgarian quotes (see shared notes), hence this small rule set.
 */
import type { Span } from '../core/types.js';

/**
 * Words that end with a period without ending a sentence, lowercased, without the period.
 * English titles and common abbreviations, then Bulgarian ones ("г." for година, "т.нар." …).
 */
const ABBREVIATIONS = new Set(
  (
    'mr mrs ms dr prof gen sen rep gov lt col maj capt sgt cmdr adm st jr sr rev hon pres ' +
    'inc ltd co corp bros dept univ est approx vs etc al fig jan feb mar apr jun jul aug sep sept oct nov dec ' +
    'mt ft ave blvd no nos vol pp ed eds ' +
    'г гр ген проф д-р др ул бул ал чл вкл напр млн млрд хил т.нар нар т.е т.к вж стр изд св акад доц ст мин'
  ).split(' '),
);

/** Abbreviations that end a sentence when followed by a capital, unless a number follows. */
const NUMBER_ABBREVIATIONS = new Set(['no', 'nos', 'vol', 'pp', 'fig', 'стр', 'чл', 'ал']);

const TERMINATOR = /[.!?…]+/gu;
const CLOSERS = /^["'”’“»)\]]*/u;
const OPENER = /^\s+["'“‘„«([]*[\p{Lu}\p{Lt}\p{N}]/u;
const WORD_BEFORE = /([\p{L}.-]+)$/u;

function isAbbreviation(text: string, dotIndex: number, after: string): boolean {
  if (text[dotIndex] !== '.' || text[dotIndex + 1] === '.') return false;
  const match = WORD_BEFORE.exec(text.slice(Math.max(0, dotIndex - 20), dotIndex));
  if (match === null) return false;
  const word = (match[1] ?? '').toLowerCase().replace(/^[.-]+/, '');
  if (word === '') return false;
  // Initials and dotted acronyms: "J. K. Rowling", "U.S. Army", "т.е."
  if (/^\p{L}$/u.test(word) || /^(\p{L}\.)+\p{L}$/u.test(word)) return true;
  if (NUMBER_ABBREVIATIONS.has(word)) return /^\s+\d/.test(after);
  return ABBREVIATIONS.has(word);
}

/**
 * Splits `text[start, end)` into sentence spans that cover every non-space character, with
 * surrounding whitespace trimmed off each span. Line breaks always end a sentence.
 */
export function splitSentences(text: string, start = 0, end = text.length): Span[] {
  const spans: Span[] = [];
  const pushTrimmed = (from: number, to: number): void => {
    while (from < to && /\s/.test(text[from] ?? '')) from++;
    while (to > from && /\s/.test(text[to - 1] ?? '')) to--;
    if (to > from) spans.push({ start: from, end: to });
  };
  let lineStart = start;
  for (let i = start; i <= end; i++) {
    if (i === end || text[i] === '\n') {
      splitLine(text, lineStart, i, pushTrimmed);
      lineStart = i + 1;
    }
  }
  return spans;
}

function splitLine(
  text: string,
  start: number,
  end: number,
  push: (from: number, to: number) => void,
): void {
  const line = text.slice(start, end);
  let sentenceStart = 0;
  for (const match of line.matchAll(TERMINATOR)) {
    let boundary = match.index + match[0].length;
    boundary += (CLOSERS.exec(line.slice(boundary))?.[0] ?? '').length;
    const after = line.slice(boundary);
    if (!OPENER.test(after)) continue;
    if (match[0] === '.' && isAbbreviation(line, match.index, after)) continue;
    push(start + sentenceStart, start + boundary);
    sentenceStart = boundary;
  }
  push(start + sentenceStart, end);
}
