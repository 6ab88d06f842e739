/**
 * English irregular verbs, so that "When did the invasion begin?" finds "the invasion began"
 * and "When did they last speak?" finds "last spoke": Porter stemming leaves such forms apart.
 * The forms come from WordNet's verb exceptions (wink-lexicon, MIT); only those whose Porter
 * stem differs from their base form's are kept. Used on the question side only, as alternative
 * terms of a question word: the index is unchanged, so a noun such as "ground" or "left" in an
 * article is never read as a verb.
 */
import exceptions from 'wink-lexicon/src/wn-verb-exceptions.js';
import { stemEnglish } from './stem-en.js';

let formsByLemma: Map<string, string[]> | null = null;
let lemmaByForm: Map<string, string> | null = null;

function tables(): { forms: Map<string, string[]>; lemmas: Map<string, string> } {
  if (formsByLemma === null || lemmaByForm === null) {
    formsByLemma = new Map();
    lemmaByForm = new Map();
    for (const [form, lemma] of Object.entries(exceptions)) {
      if (/[^a-z]/u.test(form) || stemEnglish(form) === stemEnglish(lemma)) continue;
      lemmaByForm.set(form, lemma);
      const forms = formsByLemma.get(lemma) ?? [];
      forms.push(form);
      formsByLemma.set(lemma, forms);
    }
  }
  return { forms: formsByLemma, lemmas: lemmaByForm };
}

/**
 * The other forms of an irregular English verb given one of them (lowercase): "begin" →
 * ["began", "begun"], "spoke" → ["speak", "spoken"]. Empty for any other word.
 */
export function irregularVerbForms(word: string): string[] {
  const { forms, lemmas } = tables();
  const lemma = lemmas.get(word) ?? (forms.has(word) ? word : undefined);
  if (lemma === undefined) return [];
  return [lemma, ...(forms.get(lemma) ?? [])].filter((w) => w !== word);
}
