/**
 * Choosing the quote inside a ranked passage: the sentence (or two adjacent sentences) that
 * carries most of the question's informative words, cut from the stored text so it is verbatim.
 */
import { splitSentences } from '../text/sentences.js';
import { DEFAULT_TERM_CONTEXT, scanWords, type TermContext } from '../text/analyze.js';
import type { Span } from '../core/types.js';
import { countWords } from '../text/words.js';

/** A quote's span in the article and the matched words' spans relative to the quote. */
export interface PickedQuote {
  readonly span: Span;
  readonly highlights: readonly Span[];
}

/** Two sentences are quoted together only up to this many words. */
const MAX_PAIR_WORDS = 80;

/**
 * A second sentence is added only when it adds at least this fraction of the question's
 * weight: a quote should be as short as the answer allows.
 */
const PAIR_GAIN = 0.05;

function weightOf(terms: Iterable<string>, weights: ReadonlyMap<string, number>): number {
  let sum = 0;
  for (const term of terms) sum += weights.get(term) ?? 0;
  return sum;
}

/** Spans of `text[span]` whose words' terms are in `terms`, relative to `span.start`. */
export function highlightTerms(
  text: string,
  span: Span,
  terms: ReadonlySet<string>,
  context: TermContext = DEFAULT_TERM_CONTEXT,
): Span[] {
  const highlights: Span[] = [];
  const { count, table } = scanWords(text, span.start, span.end, context);
  for (let k = 0; k < count; k++) {
    if (table.value(table.found[k]!).terms.some((term) => terms.has(term)))
      highlights.push({ start: table.starts[k]! - span.start, end: table.ends[k]! - span.start });
  }
  return highlights;
}

/**
 * What kind of string a question asks for, when its wording says so: what someone said ("what
 * did Bennett say", "какво каза"), a time ("when", "кога"), a quantity ("how many", "колко"), a
 * place ("where", "къде") or a person or thing named ("who", "which chancellor", "кой").
 */
export type AnswerType = 'speech' | 'time' | 'quantity' | 'place' | 'name';

const B = '(?<![\\p{L}])';
const E = '(?![\\p{L}])';
/**
 * Verbs of speech as a question asks with them ("what did … say", "какво каза …"): the answer
 * is the sentence reporting the words, whatever verb the article reports them with.
 */
const SPEECH_QUESTION_VERB =
  'say|said|tell|told|state|stated|claim|claimed|announce|announced|declare|declared|warn|warned|promise|promised|reply|replied|respond|responded|comment|commented|write|written|каза|казва|заяви|заявява|сподели|обеща|отговори|написа|сказал|сказала|сказали|заявил|заявила|заявили|говорил|ответил|пообещал|написал|сказав|заявив|відповів|пообіцяв|написав';

const TYPE_PATTERNS: readonly (readonly [AnswerType, RegExp])[] = [
  [
    'speech',
    new RegExp(
      `${B}(?:what (?:did|does|do|has|have|had|will|would)|какво|что|що)${E}[^?!.]{0,80}?${B}(?:${SPEECH_QUESTION_VERB})${E}`,
      'iu',
    ),
  ],
  [
    'quantity',
    new RegExp(
      `${B}(?:how (?:many|much|long|old|far|large|big|high|often)|what (?:percentage|number|age)|колко|сколько|скільки|на колко|до колко|как долго|какой процент|какова доля|яка кількість)${E}`,
      'iu',
    ),
  ],
  [
    'time',
    new RegExp(
      `${B}(?:when|what (?:year|date|time|day|month|century|decade)|which (?:year|date|day|month|century)|кога|от кога|когда|в како[мй] (?:году|веке|месяце|день)|какого числа|в какое время|коли|в якому році|якого числа)${E}`,
      'iu',
    ),
  ],
  ['place', new RegExp(`${B}(?:where|къде|накъде|где|куда|откуда|де|куди|звідки)${E}`, 'iu')],
  [
    'name',
    new RegExp(
      `${B}(?:who|whom|whose|which|кой|коя|кое|кои|кого|кто|кому|какой|какая|какое|какие|какого|какому|каким|какую|чей|чья|чьи|хто|який|яка|яке|які|чий|чия)${E}`,
      'iu',
    ),
  ],
];

/**
 * Whether `word` (normalised) is "say": in a question about what someone said it is not a
 * search word, as "said", the form articles report with, is a stop word, so "say" would only
 * find its rarer forms ("They didn't say no") — the answer type finds the report instead.
 */
export function isUnsearchedSpeechVerb(word: string): boolean {
  return word === 'say' || word === 'says';
}

const SPEECH_QUESTION_VERBS: ReadonlySet<string> = new Set(SPEECH_QUESTION_VERB.split('|'));

/**
 * Whether `word` (normalised) is a verb of speech as questions ask with it ("tell", "сказал",
 * "заяви"): in a question about what someone said, the report may use any verb, and in another
 * language than the question's, so such a verb is searched without being required.
 */
export function isSpeechQuestionVerb(word: string): boolean {
  return SPEECH_QUESTION_VERBS.has(word);
}

/** The answer type a question's wording asks for, or null (see AnswerType). */
export function answerTypeOf(question: string): AnswerType | null {
  for (const [type, pattern] of TYPE_PATTERNS) if (pattern.test(question)) return type;
  return null;
}

/** What the question says beyond its weighted terms, for choosing the sentence that answers. */
export interface QuoteHints {
  readonly answerType: AnswerType | null;
  /** The question's words, normalised: a candidate answer is a word the question lacks. */
  readonly questionWords: ReadonlySet<string>;
}

/**
 * The bonus, as a share of the question's weight, for a sentence holding a candidate of the
 * asked-for type (a number, a name) that the question does not already contain.
 */
const ANSWER_TYPE_BONUS = 0.2;

const NUMBER_WORD =
  /^(?:\p{N}+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundred|hundreds|thousand|thousands|million|millions|billion|billions|dozen|dozens|half|един|една|две|два|три|четири|пет|шест|седем|осем|девет|десет|сто|хиляди|милиона|милиард|один|одна|четыре|пять|шесть|семь|восемь|девять|десять|тысяч|тысячи|миллиона|миллионов|чотири|пʼять|тисяч|мільйонів)$/iu;

const TIME_WORD =
  /^(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|yesterday|tomorrow|morning|evening|night|week|month|year|january|february|march|april|may|june|july|august|september|october|november|december|понеделник|вторник|сряда|четвъртък|петък|събота|неделя|днес|вчера|утре|понедельник|среда|четверг|пятница|суббота|воскресенье|сегодня|вчера|завтра|понеділок|вівторок|середа|четвер|пʼятниця|субота|неділя|сьогодні|учора|завтра|януари|февруари|март|април|май|юни|юли|август|септември|октомври|ноември|декември|января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября|ноября|декабря)$/iu;

/**
 * Words that report speech in an article ("said", "told", "заяви", "сказал"): a sentence
 * holding one is a candidate answer to what someone said.
 */
const SPEECH_WORD =
  /^(?:said|says|told|tells|stated|states|added|adding|announced|declared|warned|stressed|noted|insisted|promised|replied|responded|according|quoted|каза|казва|заяви|заявява|заявил|заявила|добави|подчерта|посочи|отбеляза|сподели|обеща|отговори|съобщи|сказал|сказала|сказали|заявили|добавил|подчеркнул|отметил|сообщил|сообщила|ответил|пообещал|сказав|заявив|заявила|додав|наголосив|зазначив|повідомив|відповів)$/iu;

/** How far before a verb reporting speech its speaker may stand: "Bennett has reportedly told". */
const SPEAKER_BEFORE = 3;

/** A word of a sentence as written and normalised. */
export interface SentenceWord {
  readonly text: string;
  readonly normalized: string;
}

/**
 * Who may be speaking in a sentence: the capitalised words (normalised) up to SPEAKER_BEFORE
 * words before a verb reporting speech ("Lapid said", "Bennett has reportedly told") and the
 * run of capitalised words right after it ("said Prime Minister Naftali Bennett"). A sentence
 * answers "what did Bennett say?" when Bennett is among them, not when it reports someone
 * else's words about him ("Zelensky said he expected Bennett to …").
 */
export function speakersOf(words: readonly SentenceWord[]): string[] {
  const speakers: string[] = [];
  words.forEach((verb, v) => {
    if (!SPEECH_WORD.test(verb.text)) return;
    for (let k = Math.max(0, v - SPEAKER_BEFORE); k < v; k++)
      if (CAPITAL.test(words[k]!.text)) speakers.push(words[k]!.normalized);
    for (let k = v + 1; k < words.length && CAPITAL.test(words[k]!.text); k++)
      speakers.push(words[k]!.normalized);
  });
  return speakers;
}

/** Whether a sentence with these speakers (speakersOf) reports the words of someone the question names. */
export function speaksForQuestion(speakers: readonly string[], hints: QuoteHints): boolean {
  return hints.answerType === 'speech' && speakers.some((w) => hints.questionWords.has(w));
}

/** Words before a place: "headed to Berlin", "in Gomel", "в Москва". */
const PLACE_PREPOSITION =
  /^(?:to|in|at|from|near|into|toward|towards|via|в|във|на|до|от|към|из|во|к|у|з|до)$/iu;

/**
 * Extra weight, relative to a stem match, of a word written in the sentence exactly as in the
 * question ("elected" for "elected", not only "election"): the answering sentence tends to
 * reuse the question's very words.
 */
const EXACT_FORM_WEIGHT = 0.5;

const CAPITAL = /^\p{Lu}/u;

/**
 * Whether the word `text[start, end)`, normalised as `normalized`, is a candidate answer of
 * the asked-for type that the question does not contain: a number for a quantity; a number,
 * month, weekday or "today" for a time; a capitalised word (past a sentence's first word)
 * after "to", "in", "at" … for a place; a capitalised word for a name. `previous` is the word
 * before it in the sentence, or null for the first.
 */
export function isAnswerCandidate(
  text: string,
  start: number,
  end: number,
  normalized: string,
  previous: string | null,
  hints: QuoteHints,
): boolean {
  const type = hints.answerType;
  // What someone said is a matter of the sentence's speaker (speakersOf), not of one word.
  if (type === null || type === 'speech' || hints.questionWords.has(normalized)) return false;
  const word = text.slice(start, end);
  if (type === 'quantity') return NUMBER_WORD.test(word);
  if (type === 'time') return NUMBER_WORD.test(word) || TIME_WORD.test(word);
  if (previous === null || !CAPITAL.test(word) || TIME_WORD.test(word)) return false;
  return type === 'name' || PLACE_PREPOSITION.test(previous);
}

/**
 * Picks the quote for a passage `text[passage]`. `weights` maps each processed query term to
 * its weight (e.g. IDF), raised for words few of the passage's sentences hold
 * (sentenceWeights). A sentence scores its share of the question's weight, plus
 * ANSWER_TYPE_BONUS when `hints` ask for a number or a name and it holds one the question
 * lacks; a neighbour is added when it brings PAIR_GAIN of the weight or, if the best sentence
 * has no candidate of the asked-for type, when the neighbour has one. Ties go to the earlier,
 * then the shorter sentence. A passage where no sentence matches quotes its first sentence.
 * Words are compared with the question's as normalizeWord writes them.
 */
export function pickQuote(
  text: string,
  passage: Span,
  weights: ReadonlyMap<string, number>,
  context: TermContext = DEFAULT_TERM_CONTEXT,
  hints: QuoteHints = { answerType: null, questionWords: new Set() },
): PickedQuote {
  const sentences = splitSentences(text, passage.start, passage.end).map((span) => {
    const terms = new Set<string>();
    const exact = new Set<string>();
    let candidate = false;
    const { count, table } = scanWords(text, span.start, span.end, context);
    const words: SentenceWord[] = [];
    for (let k = 0; k < count; k++) {
      const info = table.value(table.found[k]!);
      if (hints.answerType === 'speech')
        words.push({
          text: text.slice(table.starts[k]!, table.ends[k]!),
          normalized: info.normalized,
        });
      const asWritten = hints.questionWords.has(info.normalized);
      for (const term of info.terms)
        if (weights.has(term)) {
          terms.add(term);
          if (asWritten) exact.add(term);
        }
      candidate ||= isAnswerCandidate(
        text,
        table.starts[k]!,
        table.ends[k]!,
        info.normalized,
        k === 0 ? null : text.slice(table.starts[k - 1]!, table.ends[k - 1]!),
        hints,
      );
    }
    candidate ||= speaksForQuestion(speakersOf(words), hints);
    return { span, terms, exact, words: count, candidate, fragment: isFragment(text, span) };
  });
  if (sentences.length === 0) return { span: passage, highlights: [] };
  const total = weightOf(weights.keys(), weights);
  const local = sentenceWeights(weights, sentences);
  const scoreOf = (s: {
    terms: ReadonlySet<string>;
    exact: ReadonlySet<string>;
    candidate: boolean;
    fragment: boolean;
  }): number => {
    if (total <= 0) return 0;
    const share =
      ((weightOf(s.terms, local) + EXACT_FORM_WEIGHT * weightOf(s.exact, local)) / total) *
      (s.fragment ? FRAGMENT_FACTOR : 1);
    return share > 0 && s.candidate ? share + ANSWER_TYPE_BONUS : share;
  };
  let bestIndex = 0;
  let bestScore = scoreOf(
    sentences[0] ?? { terms: new Set(), exact: new Set(), candidate: false, fragment: false },
  );
  sentences.forEach((sentence, i) => {
    const score = scoreOf(sentence);
    const best = sentences[bestIndex];
    if (
      score > bestScore + 1e-9 ||
      (Math.abs(score - bestScore) <= 1e-9 &&
        score > 0 &&
        best !== undefined &&
        sentence.words < best.words)
    ) {
      bestIndex = i;
      bestScore = score;
    }
  });
  const best = sentences[bestIndex];
  if (best === undefined) return { span: passage, highlights: [] };
  let span: Span = best.span;
  const bestWeight = weightOf(best.terms, local);
  let bestGain = 0;
  for (const j of [bestIndex + 1, bestIndex - 1]) {
    const other = sentences[j];
    if (other === undefined || other.fragment || other.words + best.words > MAX_PAIR_WORDS)
      continue;
    const gain =
      total > 0
        ? (weightOf(new Set([...best.terms, ...other.terms]), local) - bestWeight) / total
        : 0;
    const bringsAnswer = hints.answerType !== null && !best.candidate && other.candidate;
    const value = gain + (bringsAnswer ? ANSWER_TYPE_BONUS : 0);
    if ((gain > PAIR_GAIN || bringsAnswer) && value > bestGain) {
      bestGain = value;
      span =
        j > bestIndex
          ? { start: best.span.start, end: other.span.end }
          : { start: other.span.start, end: best.span.end };
    }
  }
  span = readableSpan(
    text,
    sentences.map((x) => x.span),
    span,
  );
  return { span, highlights: highlightTerms(text, span, new Set(weights.keys()), context) };
}

/**
 * How much more a question word counts in choosing the sentence when it is rare among the
 * passage's sentences: ×(1 + ISF_WEIGHT · ln(sentences / sentences holding it)). A word in
 * every sentence (the passage's topic, "Super Bowl") tells the sentences apart less than one
 * in a single sentence. SQuAD tuning split (bench/tune.ts) AiQ@1 0.770 with 0, 0.772 with 0.5
 * and with 1; R@1 unchanged.
 */
const ISF_WEIGHT = 0.5;

/** The question's term weights for choosing among `sentences`, scaled by ISF_WEIGHT. */

function sentenceWeights(
  weights: ReadonlyMap<string, number>,
  sentences: readonly { readonly terms: ReadonlySet<string> }[],
): ReadonlyMap<string, number> {
  if (sentences.length < 2) return weights;
  const scaled = new Map<string, number>();
  for (const [term, weight] of weights) {
    const holding = sentences.filter((s) => s.terms.has(term)).length;
    scaled.set(
      term,
      holding === 0 ? weight : weight * (1 + ISF_WEIGHT * Math.log(sentences.length / holding)),
    );
  }
  return scaled;
}

/** A quote grows to whole quotations and a speaker only up to this many words. */
const MAX_READABLE_WORDS = 120;

const STRAIGHT = /"/gu;

/**
 * How a text's quotation marks stand: > 0 when a quotation opens and does not close in it,
 * < 0 when one closes that opened before it, 0 when balanced. English “…”, Bulgarian „…“,
 * «…» and straight quotes (opening at a word start) are read.
 */
export function quotationBalance(text: string): number {
  const count = (re: RegExp): number => text.match(re)?.length ?? 0;
  const lowOpen = count(/„/gu);
  // “ closes a „…“ quotation and opens an English one.
  const curly = lowOpen > 0 ? lowOpen - count(/[“”]/gu) : count(/“/gu) - count(/”/gu);
  const guillemets = count(/«/gu) - count(/»/gu);
  let straight = 0;
  for (const m of text.matchAll(STRAIGHT)) {
    const before = text[m.index - 1];
    const opening = before === undefined || /[\s([—–-]/u.test(before);
    straight += opening ? 1 : -1;
  }
  return curly + guillemets + straight;
}

const OPENING_QUOTE = /^["“„«]/u;
const ENDS_IN_QUOTE = /[.!?…,]?["”“»]$/u;

/** Whether a sentence is a bare quotation: all inside quotation marks, no speaker named. */
function isBareQuotation(text: string): boolean {
  const trimmed = text.trim();
  return OPENING_QUOTE.test(trimmed) && ENDS_IN_QUOTE.test(trimmed);
}

/**
 * Grows a quote span over whole sentences (`sentences`, in order) until its quotation marks are
 * balanced — a quotation that opens in it closes in it, one that closes in it opened in it —
 * and, when it is a bare quotation ("They didn't say no."), by the sentence after it (or
 * before it) that names the speaker; never past MAX_READABLE_WORDS.
 */
export function readableSpan(text: string, sentences: readonly Span[], span: Span): Span {
  let first = sentences.findIndex((s) => s.start === span.start);
  let last = sentences.findIndex((s) => s.end === span.end);
  if (first < 0 || last < 0) return span;
  const words = (a: number, b: number): number =>
    countWords(text, sentences[a]!.start, sentences[b]!.end);
  const cut = (a: number, b: number): string => text.slice(sentences[a]!.start, sentences[b]!.end);
  for (let step = 0; step < sentences.length; step++) {
    const balance = quotationBalance(cut(first, last));
    if (balance > 0 && last + 1 < sentences.length && words(first, last + 1) <= MAX_READABLE_WORDS)
      last++;
    else if (balance < 0 && first > 0 && words(first - 1, last) <= MAX_READABLE_WORDS) first--;
    else break;
  }
  if (quotationBalance(cut(first, last)) === 0 && isBareQuotation(cut(first, last))) {
    if (last + 1 < sentences.length && words(first, last + 1) <= MAX_READABLE_WORDS) last++;
    else if (first > 0 && words(first - 1, last) <= MAX_READABLE_WORDS) first--;
  }
  return { start: sentences[first]!.start, end: sentences[last]!.end };
}

const TERMINAL = /[.!?…]["'”’“»)\]]*$/u;

/**
 * Whether `text[span]` is a fragment rather than a sentence: a headline or label ("Third round
 * of talks"), short and without a sentence's closing punctuation.
 */
export function isFragment(text: string, span: Span): boolean {
  return (
    !TERMINAL.test(text.slice(span.start, span.end)) &&
    countWords(text, span.start, span.end) < FRAGMENT_WORDS
  );
}

/**
 * What a fragment's (headline's) share of the question counts for, in choosing a passage or a
 * sentence: a fragment may be quoted, never ahead of a sentence saying as much.
 */
export const FRAGMENT_FACTOR = 0.25;

/** Shorter unpunctuated text than this many words is a fragment (see isFragment). */
const FRAGMENT_WORDS = 12;
