/**
 * Bulgarian light stemmer after J. Savoy, "Searching strategies for the Bulgarian language",
 * Information Retrieval 10 (2007): strip the definite article, then plural endings, then one
 * final vowel, with the "ен" → "н" and "ъN" → "N" rewrites of the published algorithm.
 * Works on lowercase Cyrillic; words under four letters are left alone.
 */
export function stemBulgarian(word: string): string {
  let w = word;
  if (w.length < 4) return w;
  if (w.length > 5 && w.endsWith('ища')) return w.slice(0, -3);
  w = removeArticle(w);
  w = removePlural(w);
  if (w.length > 3) {
    if (w.endsWith('я')) w = w.slice(0, -1);
    if (w.endsWith('а') || w.endsWith('о') || w.endsWith('е')) w = w.slice(0, -1);
  }
  if (w.length > 4 && w.endsWith('ен')) w = `${w.slice(0, -2)}н`;
  if (w.length > 5 && w.at(-2) === 'ъ') w = `${w.slice(0, -2)}${w.slice(-1)}`;
  return w;
}

function removeArticle(w: string): string {
  if (w.length > 6 && w.endsWith('ият')) return w.slice(0, -3);
  if (w.length > 5 && /(?:ът|то|те|та|ия)$/u.test(w)) return w.slice(0, -2);
  if (w.length > 4 && w.endsWith('ят')) return w.slice(0, -2);
  return w;
}

function removePlural(w: string): string {
  if (w.length > 6) {
    if (w.endsWith('овци')) return w.slice(0, -3);
    if (w.endsWith('ове')) return w.slice(0, -3);
    if (w.endsWith('еве')) return `${w.slice(0, -3)}й`;
  }
  if (w.length > 5) {
    if (w.endsWith('ища')) return w.slice(0, -3);
    if (w.endsWith('та')) return w.slice(0, -2);
    if (w.endsWith('ци')) return `${w.slice(0, -2)}к`;
    if (w.endsWith('зи')) return `${w.slice(0, -2)}г`;
    if (w.at(-3) === 'е' && w.at(-1) === 'и') return `${w.slice(0, -3)}я${w.at(-2) ?? ''}`;
  }
  if (w.length > 4) {
    if (w.endsWith('си')) return `${w.slice(0, -2)}х`;
    if (w.endsWith('и')) return w.slice(0, -1);
  }
  return w;
}
