/**
 * Cutting articles into passages, the unit that is indexed and ranked: a paragraph, or for a
 * long paragraph consecutive sentences of it, so that one long paragraph does not outweigh
 * (or hide) the sentence that answers.
 */
import type { Article, Passage, Span } from '../core/types.js';
import { splitSentences } from './sentences.js';
import { countWords } from './words.js';

/** A paragraph with more words than this is split at sentence boundaries. */
export const MAX_PASSAGE_WORDS = 120;

/**
 * The longest passage, in UTF-16 code units. A paragraph the sentence splitter cannot cut (no
 * sentence boundary it recognises, or a run with no spaces) is cut at word boundaries into
 * pieces of at most this length, so no "quote" is megabytes long; single sentences shorter than
 * this stay whole, as before.
 */
export const MAX_PASSAGE_LENGTH = 10_000;

const SPACE = /\s/;

/**
 * Cuts `[start, end)` into trimmed spans of at most MAX_PASSAGE_LENGTH code units, each cut at
 * the last whitespace before the bound (inside a longer run without any, at the bound itself,
 * never between the halves of a surrogate pair). Linear: each piece scans back at most once.
 */
function cutAtWords(
  text: string,
  start: number,
  end: number,
  push: (s: number, e: number) => void,
): void {
  let from = start;
  while (from < end) {
    while (from < end && SPACE.test(text[from] ?? '')) from++;
    if (from >= end) return;
    let cut = end;
    if (end - from > MAX_PASSAGE_LENGTH) {
      cut = from + MAX_PASSAGE_LENGTH;
      let space = cut;
      while (space > from && !SPACE.test(text[space] ?? '')) space--;
      if (space > from) cut = space;
      else {
        const unit = text.charCodeAt(cut - 1);
        if (unit >= 0xd800 && unit <= 0xdbff) cut--;
      }
    }
    let trimmed = cut;
    while (trimmed > from && SPACE.test(text[trimmed - 1] ?? '')) trimmed--;
    push(from, trimmed);
    from = cut;
  }
}

/** The paragraphs of a cleaned text (separated by blank lines) as trimmed spans. */
export function splitParagraphs(text: string): Span[] {
  const spans: Span[] = [];
  const separator = /\n\s*\n/g;
  let start = 0;
  const push = (from: number, to: number): void => {
    while (from < to && /\s/.test(text[from] ?? '')) from++;
    while (to > from && /\s/.test(text[to - 1] ?? '')) to--;
    if (to > from) spans.push({ start: from, end: to });
  };
  for (const match of text.matchAll(separator)) {
    push(start, match.index);
    start = match.index + match[0].length;
  }
  push(start, text.length);
  return spans;
}

/**
 * Splits an article into passages: each paragraph, and each paragraph over
 * MAX_PASSAGE_WORDS words into runs of whole sentences of at most that many words
 * (a single longer sentence stays whole up to MAX_PASSAGE_LENGTH; longer, it is cut at words).
 */
export function splitPassages(article: Article): Passage[] {
  const passages: Passage[] = [];
  const pushOne = (start: number, end: number): void => {
    const ordinal = passages.length;
    passages.push({ id: `${article.id}#${ordinal}`, docId: article.id, ordinal, start, end });
  };
  const push = (start: number, end: number): void => {
    if (end - start <= MAX_PASSAGE_LENGTH) pushOne(start, end);
    else cutAtWords(article.text, start, end, pushOne);
  };
  for (const paragraph of splitParagraphs(article.text)) {
    const words = countWords(article.text, paragraph.start, paragraph.end);
    if (words <= MAX_PASSAGE_WORDS) {
      push(paragraph.start, paragraph.end);
      continue;
    }
    // Balance the pieces: 130 words become 2 × 65, not 120 + 10.
    const pieces = Math.ceil(words / MAX_PASSAGE_WORDS);
    const target = words / pieces;
    let runStart: number | null = null;
    let runEnd = 0;
    let runWords = 0;
    for (const sentence of splitSentences(article.text, paragraph.start, paragraph.end)) {
      const sentenceWords = countWords(article.text, sentence.start, sentence.end);
      if (runStart !== null && runWords + sentenceWords > MAX_PASSAGE_WORDS) {
        push(runStart, runEnd);
        runStart = null;
        runWords = 0;
      }
      if (runStart === null) runStart = sentence.start;
      runEnd = sentence.end;
      runWords += sentenceWords;
      if (runWords >= target) {
        push(runStart, runEnd);
        runStart = null;
        runWords = 0;
      }
    }
    if (runStart !== null) push(runStart, runEnd);
  }
  return passages;
}
