import { scriptOf } from './script.js';

const COMBINING_MARKS = /\p{M}+/gu;

/**
 * Lowercases a token and makes spelling variants meet: Latin letters lose their diacritics
 * ("Erdoğan" → "erdogan", "Élysée" → "elysee"), Cyrillic "ё" becomes "е" (Russian writes both).
 * Cyrillic "й" keeps its breve: folding it would merge distinct Bulgarian and Russian words.
 */
export function normalizeToken(token: string): string {
  const lower = token.normalize('NFC').toLowerCase();
  const script = scriptOf(lower);
  if (script === 'cyrillic') return lower.replaceAll('ё', 'е');
  if (script === 'latin') {
    return lower
      .normalize('NFD')
      .replace(COMBINING_MARKS, '')
      .replaceAll('ß', 'ss')
      .replaceAll('ø', 'o')
      .replaceAll('æ', 'ae')
      .replaceAll('œ', 'oe')
      .replaceAll('ł', 'l')
      .replaceAll('đ', 'd')
      .replaceAll('ı', 'i')
      .normalize('NFC');
  }
  return lower;
}
