/** More of natural, imported by file path so the package entry point (which prints) never loads. */
declare module 'natural/lib/natural/distance/levenshtein_distance.js' {
  const distances: {
    /** Edits (insert, delete, substitute, swap adjacent letters) turning one string into the other. */
    DamerauLevenshteinDistance(source: string, target: string): number;
  };
  export default distances;
}
declare module 'natural/lib/natural/stemmers/porter_stemmer_uk.js' {
  const PorterStemmerUk: { stem(token: string): string };
  export default PorterStemmerUk;
}
declare module 'wink-lexicon/src/wn-verb-exceptions.js' {
  /** WordNet's irregular verb forms: form → base form ("began" → "begin"). */
  const exceptions: Readonly<Record<string, string>>;
  export default exceptions;
}
