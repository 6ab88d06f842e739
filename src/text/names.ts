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
      // Latin spellings of Russian and Ukrainian names leave the soft sign out ("Зеленський",
      // Zelensky); Bulgarian writes it only before "о" ("Жельо", Zhelyo), where it stays.
      key = phoneticKey(transliterateBulgarian(normalizeToken(token).replace(/ь(?!о)/gu, '')));
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

/**
 * Case endings of Russian and Ukrainian nouns and names ("Путину", "Беннетом", "Путіним"),
 * longest first, and of adjectival surnames after -ск-/-цк- ("Зеленского", "Зеленському"),
 * whose base form ends in -ий.
 */
const NOUN_CASE_ENDING = /(?:ами|ями|ому|ему|ым|им|ом|ем|ой|ей|ою|ею|а|я|у|ю|е)$/u;
const SURNAME_CASE_ENDING = /(?<=[сц]ь?к)(?:ого|его|ому|ему|ым|им|ом|ем)$/u;

/** Letters a name must keep once its case ending is cut: shorter stems meet other names. */
const MIN_NAME_STEM = 4;

/**
 * The name keys of a token (see `nameKeyOf`), with, for a Cyrillic one, the keys of the forms
 * it may be an inflection of: Russian and Ukrainian decline names ("сказал Путину", "з
 * Путіним", "о Зеленском") where English and Bulgarian do not, so "Путину" also keys as
 * "Путин" and "Зеленского" as "Зеленский". An indeclinable name ("Нетаньяху") keeps its own
 * key first; the cut form's key rarely names anyone else. At most two keys.
 *
 * @example nameKeysOf('Путину') // ['putinu', 'putin']
 */
export function nameKeysOf(token: string): string[] {
  const key = nameKeyOf(token);
  if (key === null) return [];
  const keys = [key];
  if (scriptOf(token) !== 'cyrillic') return keys;
  const word = normalizeToken(token);
  const surname = SURNAME_CASE_ENDING.exec(word);
  const noun = surname === null ? NOUN_CASE_ENDING.exec(word) : null;
  const base =
    surname !== null
      ? `${word.slice(0, surname.index)}ий`
      : noun !== null && noun.index >= MIN_NAME_STEM
        ? word.slice(0, noun.index)
        : null;
  // nameKeyOf reads capitalised words only.
  const variant = base === null ? null : nameKeyOf(base.charAt(0).toUpperCase() + base.slice(1));
  if (variant !== null && variant !== key) keys.push(variant);
  return keys;
}
