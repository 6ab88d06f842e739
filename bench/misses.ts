/**
 * Lists the questions Verbatim answers wrongly, to read what the misses have in common:
 * `npx tsx bench/misses.ts [tune|en|ru] [max]` (the SQuAD dev tuning split by default, or XQuAD
 * en / ru). Each miss is marked RANK (another passage first), FLOOR (no answer: the confidence
 * floor or the coverage cut) or QUOTE (the right passage, but the first quote lacks the gold
 * answer), with the question's terms, where the right passage ranks with the floor off and its
 * features beside the top passage's, the quote given and the gold sentence.
 */
import { join } from 'node:path';
import { answerQuestion, RANKING, rankPassages, weighQuery } from '../src/answer/answer.js';
import { Library } from '../src/library/library.js';
import { loadLanguageDetector } from '../src/text/language.js';
import { loadSquadLayout, splitForTuning } from './lib/data.js';
import { passagesAsArticles } from './lib/verbatim.js';

const DATA = join(import.meta.dirname, '..', '..', 'shared', 'bench-data');
const which = process.argv[2] ?? 'tune';
const max = Number(process.argv[3] ?? Infinity);
await loadLanguageDetector();
const squad = loadSquadLayout(join(DATA, 'squad-dev-v1.1.rebuilt.json.gz'), 'SQuAD dev', 'en', 's');
const xquadEn = loadSquadLayout(join(DATA, 'xquad.en.json'), 'XQuAD en', 'en', 'e');
const set =
  which === 'ru'
    ? loadSquadLayout(join(DATA, 'xquad.ru.json'), 'XQuAD ru', 'ru', 'r')
    : which === 'en'
      ? xquadEn
      : squad;
const questions =
  which === 'tune'
    ? splitForTuning(squad, new Set(xquadEn.passages.map((p) => p.text))).tune
    : set.questions;
const library = Library.build(passagesAsArticles(set.passages, set.lang));
const textOf = new Map(set.passages.map((p) => [p.id, p.text]));
const noFloor = { ...RANKING, floorCoverage: 0, floorSentence: 0 };
const figure = (x: number | undefined): string => (x === undefined ? '-' : x.toFixed(2));

let listed = 0;
for (const q of questions) {
  if (listed >= max) break;
  const answer = await answerQuestion(library, q.question, { limit: 10 });
  const first = answer.results[0];
  const quote = first?.quote ?? '';
  if (first?.docId === q.passageId && q.answers.some((a) => quote.includes(a))) continue;
  listed++;
  const ranked = await rankPassages(library, weighQuery(library, q.question), {}, noFloor);
  const at = ranked.findIndex((r) => r.hit.article.id === q.passageId);
  const gold = ranked[at];
  const top = ranked[0];
  const kind = first === undefined ? 'FLOOR' : first.docId === q.passageId ? 'QUOTE' : 'RANK';
  const text = textOf.get(q.passageId) ?? '';
  const answerAt = Math.max(0, text.indexOf(q.answers[0] ?? ''));
  console.log(`## ${kind} ${q.id} ${q.question}  [${q.answers.join(' | ')}]`);
  console.log(`  terms: ${answer.terms.join(' ')}`);
  console.log(
    `  right passage: rank ${at < 0 ? '-' : at + 1}, coverage ${figure(gold?.coverage)}, sentence ${figure(gold?.sentenceCoverage)}; ` +
      `top: coverage ${figure(top?.coverage)}, sentence ${figure(top?.sentenceCoverage)}`,
  );
  console.log(`  top passage: ${(textOf.get(top?.hit.article.id ?? '') ?? '').slice(0, 160)}`);
  console.log(`  quote: ${quote.slice(0, 200)}`);
  console.log(`  gold: ${text.slice(Math.max(0, answerAt - 150), answerAt + 100)}`);
}
