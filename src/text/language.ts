/**
 * Which language a text is in, when its metadata does not say: Cyrillic is not assumed to be
 * Bulgarian, as this news is reported in Russian and Ukrainian as much. `eld` (Apache-2.0, pure
 * JavaScript, its smallest n-gram database) was chosen over franc and tinyld: on XQuAD ru and
 * en paragraphs, the Bulgarian seed and bg_rc paragraphs it named all 798 correctly (franc
 * missed 4 Russian paragraphs and named short Bulgarian questions Ukrainian; tinyld missed 3
 * Bulgarian paragraphs and is 5× slower). Its database takes ~1.6 s to load, so it is loaded
 * once, on demand, by whatever reads a corpus (loadLanguageDetector); until then the letters
 * alone decide.
 */
import { eld } from 'eld';

/** The languages Verbatim processes; a text is named one of them. */
const PROCESSED_LANGUAGES = ['en', 'bg', 'ru', 'uk'] as const;

let loading: Promise<void> | null = null;
let loaded = false;

/** Loads the detector's database once; later calls share the first load. */
export function loadLanguageDetector(): Promise<void> {
  if (loading === null) {
    // The package root is the dynamic entry, which has `load` (its types also admit the static ones).
    const loader = eld as typeof eld & { load(size: string): Promise<unknown> };
    loading = loader.load('extrasmall').then(() => {
      eld.setLanguageSubset([...PROCESSED_LANGUAGES]);
      loaded = true;
    });
  }
  return loading;
}

/** Characters read to name an article's language: more changes nothing and costs time. */
const SAMPLE_LENGTH = 4000;

/**
 * The detector's scores for `text` among PROCESSED_LANGUAGES, best first, or null while the
 * detector is not loaded or it finds nothing.
 */
export function languageScores(text: string): [string, number][] | null {
  if (!loaded) return null;
  const scores = Object.entries(eld.detect(text.slice(0, SAMPLE_LENGTH)).getScores());
  if (scores.length === 0) return null;
  return scores.sort((a, b) => b[1] - a[1]);
}
