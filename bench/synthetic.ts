/**
 * Synthetic news-like corpora for the performance benchmark, and the SQuAD dev question set.
 *
 * Text comes from a word bigram model (interpolated with unigrams) trained on the SQuAD dev
 * paragraphs and the English seed articles, so word frequencies, co-occurrences and sentence
 * lengths look like real prose and SQuAD questions hit realistic posting lists. A bigram model
 * alone never grows the vocabulary past its ~30k training types, while real news keeps adding
 * names and rare words (Heaps' law), so a share of tokens come from a Pitman–Yor process over
 * pseudo-words drawn from a character trigram model: new words keep appearing as the corpus
 * grows (≈50k types at 10k passages, ≈0.5M at 1M).
 *
 * Generation is deterministic and sequential, so the first N passages of a larger corpus are
 * the smaller corpus. Output is JSONL (one article per line, the core's record format), 1,000
 * articles per file, cached under `data/bench/synthetic-<N>/` with a manifest.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

/** Bump when the generator's output changes, so cached corpora are regenerated. */
export const SYNTHETIC_VERSION = 1;

const SQUAD_DEV = path.resolve(
  import.meta.dirname,
  '../../shared/bench-data/squad-dev-v1.1.rebuilt.json.gz',
);
const SEEDS_DIR = path.resolve(import.meta.dirname, '../../shared/corpus-seeds');
const ARTICLES_PER_FILE = 1_000;
/** Words per paragraph are drawn from this range; the core splits paragraphs over ~120 words. */
const PARAGRAPH_WORDS: readonly [number, number] = [30, 90];
const PARAGRAPH_MAX_WORDS = 115;
const PARAGRAPHS_PER_ARTICLE: readonly [number, number] = [3, 14];
const SENTENCE_MAX_TOKENS = 45;
/** Share of tokens taken from the unigram distribution instead of the bigram row. */
const UNIGRAM_SHARE = 0.08;
/** Share of tokens replaced by a Pitman–Yor rare word. */
const RARE_SHARE = 0.06;
const PY_DISCOUNT = 0.8;
const PY_CONCENTRATION = 100;
const OUTLETS = [
  'Reuters',
  'Associated Press',
  'BBC News',
  'The Guardian',
  'Sputnik',
  'Ynet News',
  'The Times of Israel',
  'The National',
  'Al Jazeera',
  'Deutsche Welle',
  'France 24',
  'Euronews',
  'The Hindu',
  'Kyiv Independent',
  'Balkan Insight',
  'Novinite',
  'Politico Europe',
  'Financial Times',
  'Bloomberg',
  'NPR',
];

/** One question of SQuAD v1.1 dev with the paragraph that answers it. */
export interface SquadQuestion {
  readonly id: string;
  readonly question: string;
  readonly context: string;
}

interface SquadJson {
  data: {
    title: string;
    paragraphs: { context: string; qas: { id: string; question: string }[] }[];
  }[];
}

/** Reads the SQuAD dev set shipped in ../shared/bench-data (10,570 questions). */
export function loadSquadDev(): { questions: SquadQuestion[]; contexts: string[] } {
  const json = JSON.parse(
    zlib.gunzipSync(fs.readFileSync(SQUAD_DEV)).toString('utf8'),
  ) as SquadJson;
  const questions: SquadQuestion[] = [];
  const contexts: string[] = [];
  for (const article of json.data) {
    for (const paragraph of article.paragraphs) {
      contexts.push(paragraph.context);
      for (const qa of paragraph.qas)
        questions.push({ id: qa.id, question: qa.question, context: paragraph.context });
    }
  }
  return { questions, contexts };
}

/** sfc32: a small, fast, seedable PRNG returning floats in [0, 1). */
export function createRandom(seed: number): () => number {
  let a = 0x9e3779b9 ^ seed;
  let b = 0x243f6a88;
  let c = 0xb7e15162;
  let d = seed | 0;
  const next = (): number => {
    a |= 0;
    b |= 0;
    c |= 0;
    d |= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4_294_967_296;
  };
  for (let i = 0; i < 16; i++) next();
  return next;
}

const TOKEN = /[\p{L}\p{N}][\p{L}\p{N}'’.\-–]*[\p{L}\p{N}]|[\p{L}\p{N}]|[,;:]/gu;
const SENTENCE_END = /(?<=[.!?]["”']?)\s+(?=["“]?[\p{Lu}\p{N}])/u;
const START = 0;
const END = 1;

/** A word bigram model in compressed rows: successors of word w are next[offsets[w]..offsets[w+1]). */
interface BigramModel {
  readonly words: string[];
  readonly offsets: Int32Array;
  readonly next: Int32Array;
  /** Cumulative successor counts per row. */
  readonly cumulative: Float64Array;
  /** Cumulative unigram counts (content tokens only, START/END excluded). */
  readonly unigramCumulative: Float64Array;
}

function trainBigrams(texts: readonly string[]): BigramModel {
  const ids = new Map<string, number>([
    ['<s>', START],
    ['</s>', END],
  ]);
  const words = ['<s>', '</s>'];
  const rows: Map<number, number>[] = [new Map(), new Map()];
  const unigram: number[] = [0, 0];
  const idOf = (word: string): number => {
    let id = ids.get(word);
    if (id === undefined) {
      id = words.length;
      ids.set(word, id);
      words.push(word);
      rows.push(new Map());
      unigram.push(0);
    }
    return id;
  };
  for (const text of texts) {
    for (const line of text.split(/\n+/)) {
      for (const sentence of line.split(SENTENCE_END)) {
        const tokens = sentence.replace(/[.!?]["”']?\s*$/u, '').match(TOKEN);
        if (tokens === null || tokens.length < 3) continue;
        let previous = START;
        for (const token of tokens) {
          const id = idOf(token);
          unigram[id] = (unigram[id] ?? 0) + 1;
          const row = rows[previous]!;
          row.set(id, (row.get(id) ?? 0) + 1);
          previous = id;
        }
        const row = rows[previous]!;
        row.set(END, (row.get(END) ?? 0) + 1);
      }
    }
  }
  let total = 0;
  for (const row of rows) total += row.size;
  const offsets = new Int32Array(rows.length + 1);
  const next = new Int32Array(total);
  const cumulative = new Float64Array(total);
  let at = 0;
  rows.forEach((row, w) => {
    offsets[w] = at;
    let sum = 0;
    for (const [id, count] of row) {
      sum += count;
      next[at] = id;
      cumulative[at] = sum;
      at++;
    }
  });
  offsets[rows.length] = at;
  const unigramCumulative = new Float64Array(words.length);
  let sum = 0;
  for (let w = 0; w < words.length; w++) {
    sum += w < 2 ? 0 : (unigram[w] ?? 0);
    unigramCumulative[w] = sum;
  }
  return { words, offsets, next, cumulative, unigramCumulative };
}

/** First index in cumulative[from..to) whose value exceeds target. */
function search(cumulative: Float64Array, from: number, to: number, target: number): number {
  let lo = from;
  let hi = to - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cumulative[mid]! > target) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Character trigram model over lowercase words, for pronounceable pseudo-words. */
class PseudoWords {
  private readonly table = new Map<string, { chars: string[]; cumulative: number[] }>();
  private readonly seen = new Set<string>();

  constructor(vocabulary: readonly string[]) {
    const counts = new Map<string, Map<string, number>>();
    for (const word of vocabulary) {
      if (!/^\p{Ll}{3,}$/u.test(word)) continue;
      this.seen.add(word);
      const padded = `^^${word}$`;
      for (let i = 2; i < padded.length; i++) {
        const context = padded.slice(i - 2, i);
        const row = counts.get(context) ?? new Map<string, number>();
        row.set(padded[i]!, (row.get(padded[i]!) ?? 0) + 1);
        counts.set(context, row);
      }
    }
    for (const [context, row] of counts) {
      const chars: string[] = [];
      const cumulative: number[] = [];
      let sum = 0;
      for (const [char, count] of row) {
        sum += count;
        chars.push(char);
        cumulative.push(sum);
      }
      this.table.set(context, { chars, cumulative });
    }
  }

  /** A new word not in the training vocabulary nor produced before. */
  make(random: () => number): string {
    for (;;) {
      let word = '';
      let context = '^^';
      while (word.length < 14) {
        const row = this.table.get(context);
        if (row === undefined) break;
        const target = random() * row.cumulative[row.cumulative.length - 1]!;
        let i = 0;
        while (row.cumulative[i]! <= target) i++;
        const char = row.chars[i]!;
        if (char === '$') break;
        word += char;
        context = context[1]! + char;
      }
      if (word.length >= 4 && !this.seen.has(word)) {
        this.seen.add(word);
        return random() < 0.45 ? word[0]!.toUpperCase() + word.slice(1) : word;
      }
    }
  }
}

/** One generated article in the core's JSONL record format. */
export interface SyntheticArticle {
  readonly id: string;
  readonly title: string;
  readonly source: string;
  readonly url: string;
  readonly date: string;
  readonly lang: 'en';
  readonly text: string;
}

/** Trains the models once and yields articles until `passages` paragraphs have been produced. */
export class SyntheticNews {
  private readonly model: BigramModel;
  private readonly pseudo: PseudoWords;
  private readonly random: () => number;
  /** Pitman–Yor state: every rare token so far (sampling one uniformly picks a word ∝ its count). */
  private readonly rareHistory: number[] = [];
  private readonly rareWords: string[] = [];

  constructor(seed = 1) {
    const { contexts } = loadSquadDev();
    const seeds = fs
      .readdirSync(SEEDS_DIR)
      .filter((f) => f.endsWith('.txt') && !f.startsWith('004'))
      .map((f) => fs.readFileSync(path.join(SEEDS_DIR, f), 'utf8'));
    this.model = trainBigrams([...contexts, ...seeds]);
    this.pseudo = new PseudoWords(this.model.words);
    this.random = createRandom(seed);
  }

  /** Distinct words of the training text (the bigram model's vocabulary). */
  get trainingVocabulary(): number {
    return this.model.words.length - 2;
  }

  /** Distinct rare (pseudo) words produced so far. */
  get rareVocabulary(): number {
    return this.rareWords.length;
  }

  private rareWord(): string {
    const n = this.rareHistory.length;
    const k = this.rareWords.length;
    const r = this.random() * (PY_CONCENTRATION + n);
    let id: number;
    if (n === 0 || r < PY_CONCENTRATION + PY_DISCOUNT * k) {
      id = k;
      this.rareWords.push(this.pseudo.make(this.random));
    } else {
      id = this.rareHistory[Math.floor(this.random() * n)]!;
    }
    this.rareHistory.push(id);
    return this.rareWords[id]!;
  }

  private sentence(maxWords: number): string[] {
    const { words, offsets, next, cumulative, unigramCumulative } = this.model;
    const out: string[] = [];
    let previous = START;
    let wordCount = 0;
    while (out.length < SENTENCE_MAX_TOKENS && wordCount < maxWords) {
      let id: number;
      const from = offsets[previous]!;
      const to = offsets[previous + 1]!;
      if (to === from || this.random() < UNIGRAM_SHARE) {
        const total = unigramCumulative[unigramCumulative.length - 1]!;
        id = search(unigramCumulative, 0, unigramCumulative.length, this.random() * total);
      } else {
        id = next[search(cumulative, from, to, this.random() * cumulative[to - 1]!)]!;
      }
      if (id === END) {
        if (wordCount >= 4) break;
        previous = START;
        continue;
      }
      const word = words[id]!;
      const punctuation = word.length === 1 && ',;:'.includes(word);
      if (punctuation && (out.length === 0 || /^[,;:]$/.test(out[out.length - 1]!))) continue;
      if (!punctuation && this.random() < RARE_SHARE) out.push(this.rareWord());
      else out.push(word);
      if (!punctuation) wordCount++;
      previous = id;
    }
    while (out.length > 0 && /^[,;:]$/.test(out[out.length - 1]!)) out.pop();
    return out;
  }

  private static render(tokens: readonly string[], end: string): string {
    let text = '';
    for (const token of tokens) {
      if (text !== '' && !/^[,;:]$/.test(token)) text += ' ';
      text += token;
    }
    if (text !== '') text = text[0]!.toUpperCase() + text.slice(1);
    return text + end;
  }

  /** One paragraph of whole sentences, PARAGRAPH_WORDS long, never over PARAGRAPH_MAX_WORDS. */
  paragraph(): string {
    const [lo, hi] = PARAGRAPH_WORDS;
    const target = lo + Math.floor(this.random() * (hi - lo));
    const sentences: string[] = [];
    let words = 0;
    while (words < target) {
      const tokens = this.sentence(PARAGRAPH_MAX_WORDS - words);
      const count = tokens.filter((t) => !/^[,;:]$/.test(t)).length;
      if (count === 0) break;
      sentences.push(SyntheticNews.render(tokens, this.random() < 0.04 ? '?' : '.'));
      words += count;
    }
    return sentences.join(' ');
  }

  /** The `index`-th article (0-based), with at most `maxParagraphs` paragraphs. */
  article(index: number, maxParagraphs: number): SyntheticArticle {
    const [lo, hi] = PARAGRAPHS_PER_ARTICLE;
    const count = Math.min(maxParagraphs, lo + Math.floor(this.random() * (hi - lo + 1)));
    const paragraphs: string[] = [];
    for (let i = 0; i < count; i++) paragraphs.push(this.paragraph());
    const title = SyntheticNews.render(this.sentence(8 + Math.floor(this.random() * 6)), '');
    const source = OUTLETS[Math.floor(this.random() * OUTLETS.length)]!;
    const day = new Date(Date.UTC(2019, 0, 1) + Math.floor(index / 60) * 86_400_000)
      .toISOString()
      .slice(0, 10);
    const id = `syn-${String(index).padStart(7, '0')}`;
    const slug = source.toLowerCase().replace(/[^a-z]+/g, '-');
    return {
      id,
      title,
      source,
      url: `https://news.example/${slug}/${id}`,
      date: day,
      lang: 'en',
      text: paragraphs.join('\n\n'),
    };
  }
}

/** Where a generated corpus lives and what it holds. */
export interface SyntheticCorpus {
  readonly dir: string;
  readonly files: readonly string[];
  readonly articles: number;
  readonly passages: number;
  readonly textBytes: number;
}

interface Manifest extends Omit<SyntheticCorpus, 'dir'> {
  readonly version: number;
  readonly seed: number;
}

/** Paragraph count of a generated article (paragraphs are separated by one blank line). */
function paragraphCount(text: string): number {
  return text.split('\n\n').length;
}

/** A corpus size as written on a command line: "3000", "10k", "1.5m". */
export function parseSize(text: string): number {
  const match = /^(\d+(?:\.\d+)?)([km]?)$/i.exec(text.trim());
  if (match === null) throw new Error(`bad size "${text}" (e.g. 10k, 100k, 1m)`);
  const unit = match[2]!.toLowerCase();
  return Math.round(Number(match[1]) * (unit === 'k' ? 1_000 : unit === 'm' ? 1_000_000 : 1));
}

/**
 * Returns the cached corpus of `passages` paragraphs under `root`, generating it when missing
 * or produced by another generator version. `log` receives progress lines.
 */
export function ensureSyntheticCorpus(
  root: string,
  passages: number,
  log: (line: string) => void = () => undefined,
  seed = 1,
): SyntheticCorpus {
  const dir = path.join(root, `synthetic-${passages}`);
  // A dot-file, so the corpus loader (which reads .json files) skips it.
  const manifestPath = path.join(dir, '.manifest.json');
  try {
    const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as Manifest;
    if (
      manifest.version === SYNTHETIC_VERSION &&
      manifest.seed === seed &&
      manifest.passages === passages
    ) {
      return {
        dir,
        files: manifest.files,
        articles: manifest.articles,
        passages: manifest.passages,
        textBytes: manifest.textBytes,
      };
    }
  } catch {
    // Missing or unreadable manifest: generate.
  }
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const started = performance.now();
  const news = new SyntheticNews(seed);
  const files: string[] = [];
  let produced = 0;
  let articles = 0;
  let textBytes = 0;
  let lines: string[] = [];
  const flush = (): void => {
    const name = `part-${String(files.length).padStart(5, '0')}.jsonl`;
    fs.writeFileSync(path.join(dir, name), lines.join('\n') + '\n');
    files.push(name);
    lines = [];
  };
  let nextLog = 0;
  while (produced < passages) {
    const article = news.article(articles, passages - produced);
    produced += paragraphCount(article.text);
    textBytes += Buffer.byteLength(article.text);
    lines.push(JSON.stringify(article));
    articles++;
    if (lines.length === ARTICLES_PER_FILE) flush();
    if (produced >= nextLog) {
      log(
        `synthetic ${passages}: ${produced} passages, ${news.rareVocabulary} rare words, ${((performance.now() - started) / 1000).toFixed(1)} s`,
      );
      nextLog += 100_000;
    }
  }
  if (lines.length > 0) flush();
  const manifest: Manifest = {
    version: SYNTHETIC_VERSION,
    seed,
    files,
    articles,
    passages: produced,
    textBytes,
  };
  fs.writeFileSync(manifestPath, JSON.stringify(manifest, null, 2) + '\n');
  return { dir, files, articles, passages: produced, textBytes };
}

/** `tsx bench/synthetic.ts 10000 [root]`: generates (or finds) a corpus and prints a sample. */
if (import.meta.url === `file://${process.argv[1]}`) {
  const passages = Number(process.argv[2] ?? 10_000);
  const root = path.resolve(process.argv[3] ?? 'data/bench');
  const corpus = ensureSyntheticCorpus(root, passages, (line) => console.error(line));
  const first = fs.readFileSync(path.join(corpus.dir, corpus.files[0]!), 'utf8').split('\n')[0]!;
  console.log(JSON.stringify({ ...corpus, files: corpus.files.length }, null, 2));
  console.log((JSON.parse(first) as SyntheticArticle).text.slice(0, 1_200));
}
