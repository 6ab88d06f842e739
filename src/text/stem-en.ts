import PorterStemmer from 'natural/lib/natural/stemmers/porter_stemmer.js';

/** English Porter stem of a lowercase word (natural's implementation, loaded by file path). */
export function stemEnglish(word: string): string {
  return PorterStemmer.stem(word);
}
