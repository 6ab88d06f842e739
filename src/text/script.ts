/** Which alphabet a token is written in; term processing is chosen per token, not per document. */
export type Script = 'latin' | 'cyrillic' | 'other';

const CYRILLIC = /\p{Script=Cyrillic}/u;
const LATIN = /\p{Script=Latin}/u;

/** The script of a token: the first letter decides (mixed tokens are rare and usually noise). */
export function scriptOf(token: string): Script {
  for (const ch of token) {
    if (CYRILLIC.test(ch)) return 'cyrillic';
    if (LATIN.test(ch)) return 'latin';
  }
  return 'other';
}

/** Cyrillic languages whose stemmer we have. */
export type CyrillicLanguage = 'bg' | 'ru' | 'uk';

// Letters Russian has and Bulgarian does not; "ъ" inside a word is almost only Bulgarian.
const RUSSIAN_ONLY = /[ыэё]/gu;
const INNER_HARD_SIGN = /\p{L}ъ\p{L}/gu;

/**
 * Guesses whether Cyrillic text is Russian or Bulgarian from letters only one of them uses.
 * Returns null when the text gives no evidence (short questions often do not).
 */
export function detectCyrillicLanguage(text: string): CyrillicLanguage | null {
  const lower = text.toLowerCase();
  const russian = lower.match(RUSSIAN_ONLY)?.length ?? 0;
  const bulgarian = lower.match(INNER_HARD_SIGN)?.length ?? 0;
  if (russian === bulgarian) return null;
  return russian > bulgarian ? 'ru' : 'bg';
}
