/** natural's stemmers, imported by file path so the package entry point (which prints) never loads. */
declare module 'natural/lib/natural/stemmers/porter_stemmer.js' {
  const PorterStemmer: { stem(token: string): string };
  export default PorterStemmer;
}
