import { normalizeToken } from './normalize.js';
import { scriptOf } from './script.js';
import { stemBulgarian } from './stem-bg.js';

// Bulgarian streamlined system (official since 2009), plus the Russian-only letters.
const CYRILLIC_TO_LATIN: Readonly<Record<string, string>> = {
  а: 'a',
  б: 'b',
  в: 'v',
  г: 'g',
  д: 'd',
  е: 'e',
  ж: 'zh',
  з: 'z',
  и: 'i',
  й: 'y',
  к: 'k',
  л: 'l',
  м: 'm',
  н: 'n',
  о: 'o',
  п: 'p',
  р: 'r',
  с: 's',
  т: 't',
  у: 'u',
  ф: 'f',
  х: 'h',
  ц: 'ts',
  ч: 'ch',
  ш: 'sh',
  щ: 'sht',
  ъ: 'a',
  ь: 'y',
  ю: 'yu',
  я: 'ya',
  ы: 'y',
  э: 'e',
  ё: 'yo',
  і: 'i',
  ї: 'yi',
  є: 'ye',
  ґ: 'g',
};

/** Bulgarian → Latin by the official streamlined system; other characters pass through. */
export function transliterateBulgarian(text: string): string {
  let out = '';
  for (const ch of text) {
    const lower = ch.toLowerCase();
    const latin = CYRILLIC_TO_LATIN[lower];
    if (latin === undefined) out += ch;
    else if (lower === ch) out += latin;
    else out += latin.charAt(0).toUpperCase() + latin.slice(1);
  }
  return out;
}

/**
 * A spelling-insensitive key for a Latin name: lowercase, no diacritics, sch→sh, kh→h, ph→f,
 * ts/tz/z→s, y/j→i, doubled letters collapsed. "Netanyahu" and "Нетаняху" (transliterated)
 * both give "netaniahu"; "Bennett" and "Бенет" give "benet".
 */
export function phoneticKey(latin: string): string {
  return normalizeToken(latin)
    .replace(/[^a-z0-9]/gu, '')
    .replaceAll('sch', 'sh')
    .replaceAll('kh', 'h')
    .replaceAll('ph', 'f')
    .replace(/t[sz]|z/gu, 's')
    .replace(/[yj]/gu, 'i')
    .replace(/(.)\1+/gu, '$1');
}

/**
 * Exonyms and acronyms that transliteration cannot bridge: Bulgarian (or Russian) form → English.
 * Cyrillic sides are matched after Bulgarian stemming, so inflected forms ("Кремъла") hit too.
 */
const NAME_ALIASES: ReadonlyArray<readonly [string, string]> = [
  ['Кремъл', 'Kremlin'],
  ['Кремль', 'Kremlin'],
  ['Москва', 'Moscow'],
  ['Русия', 'Russia'],
  ['Россия', 'Russia'],
  ['Украйна', 'Ukraine'],
  ['Украина', 'Ukraine'],
  ['Киев', 'Kyiv'],
  ['Киев', 'Kiev'],
  ['Израел', 'Israel'],
  ['Израиль', 'Israel'],
  ['Египет', 'Egypt'],
  ['Сирия', 'Syria'],
  ['Палестина', 'Palestine'],
  ['Европа', 'Europe'],
  ['Германия', 'Germany'],
  ['Франция', 'France'],
  ['Турция', 'Turkey'],
  ['Китай', 'China'],
  ['Беларус', 'Belarus'],
  ['Вашингтон', 'Washington'],
  ['Белия дом', 'White House'],
  ['ООН', 'UN'],
  ['САЩ', 'US'],
  ['США', 'US'],
  ['НАТО', 'NATO'],
  ['ЕС', 'EU'],
  ['Ройтерс', 'Reuters'],
  ['Франс прес', 'AFP'],
  ['Би Би Си', 'BBC'],
  ['ТАСС', 'TASS'],
  ['БТА', 'BTA'],
];

const ALIAS_BY_CYRILLIC = new Map<string, string>();
const LATIN_ALIAS_KEYS = new Set<string>();
for (const [cyrillic, latin] of NAME_ALIASES) {
  // Multi-word aliases key on their first word only when it is distinctive enough.
  const first = cyrillic.split(' ')[0] ?? cyrillic;
  if (cyrillic.includes(' ') && first.length < 4) continue;
  const key = phoneticKey(latin.split(' ')[0] ?? latin);
  ALIAS_BY_CYRILLIC.set(stemBulgarian(normalizeToken(first)), key);
  LATIN_ALIAS_KEYS.add(key);
}

/** Keys shorter than this only come from the alias table: short keys match by accident ("gasa"/"каза"). */
const MIN_NAME_KEY_LENGTH = 4;

/**
 * The cross-script name key of a token as written (case matters: only capitalised words are
 * names), or null. Cyrillic tokens go through the alias table, else transliteration; Latin
 * tokens are keyed directly. Short keys are kept only for alias-table entries (UN, US, EU).
 */
export function nameKeyOf(token: string): string | null {
  if (!/^\p{Lu}/u.test(token)) return null;
  const script = scriptOf(token);
  let key: string;
  let isAlias = false;
  if (script === 'cyrillic') {
    const alias = ALIAS_BY_CYRILLIC.get(stemBulgarian(normalizeToken(token)));
    if (alias !== undefined) {
      key = alias;
      isAlias = true;
    } else {
      key = phoneticKey(transliterateBulgarian(normalizeToken(token)));
    }
  } else if (script === 'latin') {
    key = phoneticKey(token);
    isAlias = LATIN_ALIAS_KEYS.has(key);
    // A short all-lowercase-looking word such as "Us" at a sentence start is not the acronym.
    if (key.length < MIN_NAME_KEY_LENGTH && token !== token.toUpperCase()) return null;
  } else {
    return null;
  }
  if (key.length === 0) return null;
  if (key.length < MIN_NAME_KEY_LENGTH && !isAlias) return null;
  return key;
}
