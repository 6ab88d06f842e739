/**
 * What a word is, as a scan over UTF-16 code units: a run of letters, marks and digits
 * (`[\p{L}\p{M}\p{N}]+`, the definition every tokenizer here shares). Scanning by code unit
 * with a lookup table is several times faster than the Unicode-property regex, which matters
 * when indexing reads every word of a million passages.
 */

/**
 * The longest word, in UTF-16 code units. A longer run of letters (a pasted hash, a corpus file
 * with no spaces) is no word at all: it is neither stemmed, indexed nor searched, because the
 * stemmers' regular expressions and fuzzy matching grow faster than linearly with word length.
 * The longest words of real text (German compounds, chemical names) stay well under it.
 */
export const MAX_WORD_LENGTH = 64;

/** The one regex form of a word, for code that needs matches with offsets. */
export const WORD_PATTERN = /[\p{L}\p{M}\p{N}]+/gu;
const WORD_CHAR = /^[\p{L}\p{M}\p{N}]$/u;

/** 1 when the BMP code unit is a word character, 0 when not, per 256-unit block built on demand. */
const blocks: (Uint8Array | undefined)[] = [];
const astral = new Map<number, boolean>();

function blockOf(code: number): Uint8Array {
  const index = code >>> 8;
  let block = blocks[index];
  if (block === undefined) {
    block = new Uint8Array(256);
    for (let i = 0; i < 256; i++) {
      const unit = (index << 8) | i;
      // Lone surrogates are never word characters; pairs are handled by wordCharLength.
      if (unit >= 0xd800 && unit <= 0xdfff) continue;
      block[i] = WORD_CHAR.test(String.fromCharCode(unit)) ? 1 : 0;
    }
    blocks[index] = block;
  }
  return block;
}

/**
 * How many code units of a word character start at `at` in `text`: 1 or 2 (a surrogate
 * pair), or 0 when the character there is not part of a word.
 */
export function wordCharLength(text: string, at: number): number {
  const code = text.charCodeAt(at);
  if (code < 0xd800 || code > 0xdbff) return blockOf(code)[code & 0xff] === 1 ? 1 : 0;
  const low = text.charCodeAt(at + 1);
  if (!(low >= 0xdc00 && low <= 0xdfff)) return 0;
  const point = ((code - 0xd800) << 10) + (low - 0xdc00) + 0x10000;
  let isWord = astral.get(point);
  if (isWord === undefined) {
    isWord = WORD_CHAR.test(String.fromCodePoint(point));
    astral.set(point, isWord);
  }
  return isWord ? 2 : 0;
}

/** Number of words in `text[from, to)`. */
export function countWords(text: string, from = 0, to = text.length): number {
  let count = 0;
  let inWord = false;
  for (let at = from; at < to;) {
    const length = wordCharLength(text, at);
    if (length === 0 || at + length > to) {
      inWord = false;
      at++;
    } else {
      if (!inWord) count++;
      inWord = true;
      at += length;
    }
  }
  return count;
}
