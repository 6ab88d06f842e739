import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

/** One paragraph of a SQuAD-layout set, retrieved as a unit. */
export interface BenchPassage {
  readonly id: string;
  readonly title: string;
  readonly text: string;
}

/** One question, the id of the paragraph that answers it, and its gold answer strings. */
export interface BenchQuestion {
  readonly id: string;
  readonly question: string;
  readonly passageId: string;
  readonly answers: readonly string[];
}

/** A question set over its passages, in one language. */
export interface BenchSet {
  readonly name: string;
  readonly lang: 'en' | 'ru';
  readonly passages: readonly BenchPassage[];
  readonly questions: readonly BenchQuestion[];
}

interface SquadJson {
  data: {
    title: string;
    paragraphs: {
      context: string;
      qas: { id: string; question: string; answers: { text: string }[] }[];
    }[];
  }[];
}

/** Reads a SQuAD v1.1-layout file (optionally gzipped); passage ids are `${prefix}${n}`. */
export function loadSquadLayout(
  file: string,
  name: string,
  lang: 'en' | 'ru',
  prefix: string,
): BenchSet {
  const raw = readFileSync(file);
  const json = JSON.parse(
    (file.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8'),
  ) as SquadJson;
  const passages: BenchPassage[] = [];
  const questions: BenchQuestion[] = [];
  for (const article of json.data) {
    for (const paragraph of article.paragraphs) {
      const id = `${prefix}${passages.length}`;
      passages.push({ id, title: article.title, text: paragraph.context });
      for (const qa of paragraph.qas) {
        questions.push({
          id: qa.id,
          question: qa.question,
          passageId: id,
          answers: [...new Set(qa.answers.map((a) => a.text))],
        });
      }
    }
  }
  return { name, lang, passages, questions };
}

/**
 * Splits SQuAD dev questions into a tuning half and a held-out half, by paragraph: tuning takes
 * the even-numbered paragraphs that are not also in XQuAD, so XQuAD en/ru and the held-out half
 * never inform a parameter choice.
 */
export function splitForTuning(
  squad: BenchSet,
  xquadContexts: ReadonlySet<string>,
): { tune: BenchQuestion[]; heldOut: BenchQuestion[] } {
  const tunePassages = new Set<string>();
  squad.passages.forEach((p, i) => {
    if (i % 2 === 0 && !xquadContexts.has(p.text)) tunePassages.add(p.id);
  });
  const tune: BenchQuestion[] = [];
  const heldOut: BenchQuestion[] = [];
  for (const q of squad.questions) (tunePassages.has(q.passageId) ? tune : heldOut).push(q);
  return { tune, heldOut };
}
