import { languageScores } from './language.js';

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

// Letters only one of the languages uses: Russian "ыэё", Ukrainian "іїєґ", and "ъ" inside a
// word, which is almost only Bulgarian.
const RUSSIAN_ONLY = /[ыэё]/gu;
const UKRAINIAN_ONLY = /[іїєґ]/gu;
const INNER_HARD_SIGN = /\p{L}ъ\p{L}/gu;

/**
 * The detector must prefer its first language by this much to be believed on a short text:
 * a name alone ("Путин") scores within 0.002 in all three languages.
 */
const CYRILLIC_MARGIN = 0.01;

/**
 * Which Cyrillic language a text is in: by letters only one of Russian, Ukrainian and
 * Bulgarian uses, else by the language detector when it is loaded and sure. Null when the
 * text gives no evidence (a question of names only does not).
 */
export function detectCyrillicLanguage(text: string): CyrillicLanguage | null {
  const lower = text.toLowerCase();
  const counts: [CyrillicLanguage, number][] = [
    ['ru', lower.match(RUSSIAN_ONLY)?.length ?? 0],
    ['uk', lower.match(UKRAINIAN_ONLY)?.length ?? 0],
    ['bg', lower.match(INNER_HARD_SIGN)?.length ?? 0],
  ];
  counts.sort((a, b) => b[1] - a[1]);
  const [first, second] = counts;
  if (first !== undefined && second !== undefined && first[1] > second[1]) return first[0];
  const scores = languageScores(text)?.filter(([lang]) => lang !== 'en');
  const [best, next] = scores ?? [];
  if (best === undefined || (next !== undefined && best[1] - next[1] < CYRILLIC_MARGIN))
    return null;
  return best[0] as CyrillicLanguage;
}
