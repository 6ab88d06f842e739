/**
 * `npm run bench:perf -- [--sizes 10k,100k,1m] [--runs 3] [--systems verbatim,minisearch,fts5]
 *  [--queries 1000] [--budget 60] [--out bench/results/perf.json] [--pg-data DIR]
 *  [--workers 0,1,2] [--segment-passages N] [--profile]`
 *
 * Speed and memory of Verbatim beside two baselines, measured in the same run on the same
 * synthetic corpus (bench/synthetic.ts) with SQuAD dev questions:
 * - `minisearch`: MiniSearch with default options over passage text and title;
 * - `fts5`: SQLite FTS5 (`porter unicode61`), the question's words OR-ed, ranked by `bm25()`;
 * - `postgres` (only when named in `--systems`): Verbatim itself with SEARCH_BACKEND=postgres on
 *   a private server (bench/postgres-adapter.ts); its CPU per question includes the server's.
 *   `--pg-data DIR` keeps the server's data there, so a large database is built once (a run
 *   that finds it built reports no build figures).
 * `--workers` runs Verbatim once per number of index worker threads (INDEX_WORKERS; 0, the
 * default, keeps the segments in the main thread), reported as `verbatim` and `verbatim-wN`;
 * `--segment-passages` sets the segment cap, so a 100k corpus can have several segments. CPU per
 * question is the whole process's, worker threads included. `--profile` samples Verbatim's
 * timed questions with node:inspector (the main thread's, so run it with `--workers 0` to see
 * the index too), prints the self time by area and by function, and keeps the profile as
 * bench/results/profile-verbatim-w<N>-<size>.cpuprofile (for Chrome DevTools).
 * For each size and system a fresh child process builds the index, persists and reloads it,
 * and times `/ask` end to end (search + quote + render) and autocomplete, so heap figures are
 * clean. Each figure is the median over `--runs` children. Results go to
 * bench/results/perf.json and a Markdown table on stdout.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createRandom, ensureSyntheticCorpus, loadSquadDev, parseSize } from './synthetic.js';
import { startProfile, summariseProfile, type ProfileLine } from './lib/profile.js';
import { percentile } from './lib/metrics.js';

const SYSTEMS = ['verbatim', 'minisearch', 'fts5', 'postgres'] as const;
type SystemName = (typeof SYSTEMS)[number];
/** Run when `--systems` is not given: the ones that need no database server. */
const DEFAULT_SYSTEMS: readonly SystemName[] = ['verbatim', 'minisearch', 'fts5'];
const BENCH_ROOT = path.resolve(import.meta.dirname, '../data/bench');
const RESULTS_DIR = path.resolve(import.meta.dirname, 'results');
const DEFAULT_OUT = path.join(RESULTS_DIR, 'perf.json');
const WARMUP_QUERIES = 50;
const ANSWER_LIMIT = 5;
const COMPLETION_LIMIT = 10;
const MIN_TIMED = 100;
/** A phase past this many budgets stops with fewer than MIN_TIMED inputs (at least FEWEST_TIMED). */
const BUDGETS_AT_MOST = 10;
const FEWEST_TIMED = 10;

/** One system's figures from one child process. */
export interface RunFigures {
  /** The system, `verbatim-wN` for Verbatim with N index worker threads. */
  system: string;
  passages: number;
  articles: number;
  /** UTF-8 bytes of article text. */
  textBytes: number;
  /** Reading and parsing the corpus files (not part of the build). */
  loadCorpusMs: number;
  buildMs: number;
  passagesPerSecond: number;
  /** Heap plus ArrayBuffers after the build, minus the same with the articles alone, after GC. */
  indexHeapBytes: number;
  indexHeapBytesPerPassage: number;
  /** Heap plus ArrayBuffers after the build. */
  heapUsedBytes: number;
  rssBytes: number;
  peakRssBytes: number;
  saveMs: number;
  savedBytes: number;
  /** Loading the persisted index (and store) in a fresh state, ready to answer. */
  loadMs: number;
  /** The main thread's longest event-loop delay during the load. */
  loadLoopDelayMaxMs: number;
  /** The main thread's event-loop delay p99 during the load. */
  loadLoopDelayP99Ms: number;
  /**
   * From the load's start to the first answer, for a system that answers while it loads (a
   * question asked as soon as it can answer); NaN for the others.
   */
  firstAnswerMs: number;
  /**
   * Why the index could not be saved (e.g. a JSON text past V8's string length limit); the
   * questions are then timed on the built index and there is no load figure.
   */
  saveError?: string;
  askP50Ms: number;
  askP99Ms: number;
  askMeanMs: number;
  /**
   * The process's CPU time (user + system) per question: on a shared machine the wall time
   * also counts waiting for a core, which this does not.
   */
  askCpuP50Ms: number;
  askCpuP99Ms: number;
  completeP50Ms: number;
  completeP99Ms: number;
  /** Autocomplete inputs timed. */
  completions: number;
  /** Questions with at least one result (sanity: every system answers most). */
  answered: number;
  queries: number;
}

/** What one question got: the rendered reply and the result count. */
interface AskReply {
  readonly text: string;
  readonly results: number;
}

/** A system under test, driven the same way for all three. */
interface System {
  /** Reads the corpus and builds the index; returns the time spent reading and parsing files. */
  build(corpusDir: string, files: readonly string[]): Promise<{ readMs: number }>;
  /** Writes the persisted index under `dir`, returns its size in bytes. */
  save(dir: string): Promise<number>;
  /**
   * Replaces the in-memory index with the one persisted under `dir`; a system that answers
   * while it loads says when its first answer came, in ms from the load's start.
   */
  load(
    dir: string,
    corpusDir: string,
    files: readonly string[],
  ): Promise<void | { firstAnswerMs: number }>;
  /** Answers a question as /ask does; returns the rendered reply and the result count. */
  ask(question: string): AskReply | Promise<AskReply>;
  complete(partial: string): readonly string[];
  /** CPU milliseconds used so far by processes the system runs on (a database server). */
  otherCpuMs?(): number;
  /** Whether `build` found the index built by an earlier run (no build figures then). */
  builtEarlier?(): boolean;
  close?(): Promise<void>;
}

interface RecordArticle {
  id: string;
  title: string;
  source: string;
  url: string;
  date: string;
  lang: string;
  text: string;
}

function readArticles(corpusDir: string, files: readonly string[]): RecordArticle[] {
  const articles: RecordArticle[] = [];
  for (const file of files) {
    for (const line of fs.readFileSync(path.join(corpusDir, file), 'utf8').split('\n')) {
      if (line !== '') articles.push(JSON.parse(line) as RecordArticle);
    }
  }
  return articles;
}

interface PlainPassage {
  id: number;
  docIndex: number;
  text: string;
  title: string;
}

function plainPassages(articles: readonly RecordArticle[]): PlainPassage[] {
  const passages: PlainPassage[] = [];
  articles.forEach((article, docIndex) => {
    for (const text of article.text.split('\n\n'))
      passages.push({ id: passages.length, docIndex, text, title: article.title });
  });
  return passages;
}

/** The reply a baseline would send: its top passages (whole) with attribution. */
function renderPlain(
  articles: readonly RecordArticle[],
  passages: readonly PlainPassage[],
  ids: readonly number[],
): string {
  return ids
    .map((id, i) => {
      const passage = passages[id]!;
      const article = articles[passage.docIndex]!;
      return `${i + 1}. "${passage.text}"\n— ${article.source}, ${article.date} <${article.url}>`;
    })
    .join('\n\n');
}

async function createMiniSearchBaseline(): Promise<System> {
  const { default: MiniSearch } = await import('minisearch');
  const options = { fields: ['text', 'title'] };
  let articles: RecordArticle[] = [];
  let passages: PlainPassage[] = [];
  let index = new MiniSearch<PlainPassage>(options);
  return {
    async build(corpusDir, files) {
      const started = performance.now();
      articles = readArticles(corpusDir, files);
      const readMs = performance.now() - started;
      passages = plainPassages(articles);
      index = new MiniSearch<PlainPassage>(options);
      index.addAll(passages);
      return { readMs };
    },
    async save(dir) {
      const file = path.join(dir, 'minisearch.json');
      fs.writeFileSync(file, JSON.stringify(index));
      return fs.statSync(file).size;
    },
    async load(dir, corpusDir, files) {
      index = new MiniSearch<PlainPassage>(options);
      articles = readArticles(corpusDir, files);
      passages = plainPassages(articles);
      index = MiniSearch.loadJSON(
        fs.readFileSync(path.join(dir, 'minisearch.json'), 'utf8'),
        options,
      );
    },
    ask(question) {
      const results = index.search(question).slice(0, ANSWER_LIMIT);
      return {
        text: renderPlain(
          articles,
          passages,
          results.map((r) => r.id as number),
        ),
        results: results.length,
      };
    },
    complete(partial) {
      return index
        .autoSuggest(partial)
        .slice(0, COMPLETION_LIMIT)
        .map((s) => s.suggestion);
    },
  };
}

async function createFts5Baseline(workDir: string): Promise<System> {
  const { default: Database } = await import('better-sqlite3');
  const dbPath = path.join(workDir, 'fts5.sqlite');
  let articles: RecordArticle[] = [];
  let passages: PlainPassage[] = [];
  let db: InstanceType<typeof Database> | null = null;
  let askStatement: { all(match: string, limit: number): unknown[] } | null = null;
  let completeStatement: { all(low: string, high: string, limit: number): unknown[] } | null = null;
  const prepare = (): void => {
    askStatement = db!.prepare(
      'SELECT rowid FROM passages WHERE passages MATCH ? ORDER BY bm25(passages) LIMIT ?',
    );
    completeStatement = db!.prepare(
      'SELECT term FROM vocab WHERE term >= ? AND term < ? ORDER BY doc DESC LIMIT ?',
    );
  };
  return {
    async build(corpusDir, files) {
      const started = performance.now();
      articles = readArticles(corpusDir, files);
      const readMs = performance.now() - started;
      passages = plainPassages(articles);
      fs.rmSync(dbPath, { force: true });
      db = new Database(dbPath);
      db.pragma('journal_mode = OFF');
      db.pragma('synchronous = OFF');
      db.exec(
        "CREATE VIRTUAL TABLE passages USING fts5(text, title, tokenize = 'porter unicode61')",
      );
      db.exec("CREATE VIRTUAL TABLE vocab USING fts5vocab(passages, 'row')");
      const insert = db.prepare('INSERT INTO passages(rowid, text, title) VALUES (?, ?, ?)');
      const insertAll = db.transaction((rows: readonly PlainPassage[]) => {
        for (const p of rows) insert.run(p.id, p.text, p.title);
      });
      insertAll(passages);
      db.exec("INSERT INTO passages(passages) VALUES ('optimize')");
      prepare();
      return { readMs };
    },
    async save() {
      // The database is its own persisted form: already on disk.
      return fs.statSync(dbPath).size;
    },
    async load(_dir, corpusDir, files) {
      db?.close();
      articles = readArticles(corpusDir, files);
      passages = plainPassages(articles);
      db = new Database(dbPath, { readonly: true });
      prepare();
    },
    ask(question) {
      const words = question.match(/[\p{L}\p{N}]+/gu) ?? [];
      if (words.length === 0) return { text: '', results: 0 };
      const match = words.map((w) => `"${w}"`).join(' OR ');
      const rows = askStatement!.all(match, ANSWER_LIMIT) as { rowid: number }[];
      return {
        text: renderPlain(
          articles,
          passages,
          rows.map((r) => r.rowid),
        ),
        results: rows.length,
      };
    },
    complete(partial) {
      const last = (partial.match(/[\p{L}\p{N}]+$/u)?.[0] ?? '').toLowerCase();
      if (last === '') return [];
      const rows = completeStatement!.all(last, last + '\uffff', COMPLETION_LIMIT) as {
        term: string;
      }[];
      return rows.map((r) => r.term);
    },
  };
}

async function createPostgres(keep: string | null): Promise<System> {
  const adapter = await import('./postgres-adapter.js');
  return adapter.createPostgresSystem({
    answerLimit: ANSWER_LIMIT,
    completionLimit: COMPLETION_LIMIT,
    ...(keep === null ? {} : { keep }),
  });
}

async function createVerbatim(): Promise<System> {
  const verbatim = await import('./verbatim-adapter.js');
  return verbatim.createVerbatimSystem({
    answerLimit: ANSWER_LIMIT,
    completionLimit: COMPLETION_LIMIT,
  });
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function gc(): void {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (collect === undefined) throw new Error('run the child with --expose-gc');
  collect();
  collect();
}

/** Questions and autocomplete inputs: a fixed sample of SQuAD dev, cut mid-word for typing. */
function querySet(count: number): { questions: string[]; partials: string[] } {
  const { questions: all } = loadSquadDev();
  const random = createRandom(42);
  const questions: string[] = [];
  const partials: string[] = [];
  for (let i = 0; i < count + WARMUP_QUERIES; i++) {
    const question = all[Math.floor(random() * all.length)]!.question;
    questions.push(question);
    const words = question.match(/[\p{L}\p{N}]+/gu) ?? ['a'];
    const upTo = 1 + Math.floor(random() * words.length);
    const last = words[upTo - 1]!;
    const cut = 1 + Math.floor(random() * Math.min(last.length, 6));
    partials.push([...words.slice(0, upTo - 1), last.slice(0, cut)].join(' '));
  }
  return { questions, partials };
}

/**
 * Times `run` on each input after WARMUP_QUERIES untimed ones; stops early once `budgetMs` is
 * spent and at least MIN_TIMED inputs are timed (the baselines take seconds per query at 1M), or
 * once BUDGETS_AT_MOST budgets are spent and FEWEST_TIMED are (MiniSearch's autoSuggest at 1M
 * takes seconds per input).
 */
async function timeEach<T>(
  inputs: readonly T[],
  budgetMs: number,
  run: (input: T, timed: boolean) => void | Promise<void>,
  cpuTimes: number[] = [],
  otherCpuMs: () => number = () => 0,
): Promise<number[]> {
  const times: number[] = [];
  const started = performance.now();
  for (let i = 0; i < inputs.length; i++) {
    const before = performance.now();
    const cpuBefore = process.cpuUsage();
    const otherBefore = otherCpuMs();
    await run(inputs[i]!, i >= WARMUP_QUERIES);
    if (i >= WARMUP_QUERIES) {
      times.push(performance.now() - before);
      const cpu = process.cpuUsage(cpuBefore);
      cpuTimes.push((cpu.user + cpu.system) / 1000 + otherCpuMs() - otherBefore);
    }
    const spent = performance.now() - started;
    if (times.length >= MIN_TIMED && spent > budgetMs) break;
    if (times.length >= FEWEST_TIMED && spent > budgetMs * BUDGETS_AT_MOST) break;
  }
  cpuTimes.sort((a, b) => a - b);
  return times.sort((a, b) => a - b);
}

async function runChild(
  system: SystemName,
  size: number,
  queryCount: number,
  budgetMs: number,
  pgData: string | null,
): Promise<RunFigures> {
  const corpus = ensureSyntheticCorpus(BENCH_ROOT, size);
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), `verbatim-perf-${system}-`));
  try {
    const instance =
      system === 'minisearch'
        ? await createMiniSearchBaseline()
        : system === 'fts5'
          ? await createFts5Baseline(workDir)
          : system === 'postgres'
            ? await createPostgres(pgData)
            : await createVerbatim();
    let peakRss = 0;
    const sampler = setInterval(
      () => (peakRss = Math.max(peakRss, process.memoryUsage.rss())),
      100,
    );
    // What the corpus text alone costs in heap, to subtract from the built figure.
    // Memory counts the JS heap and ArrayBuffers (typed-array postings live outside the heap).
    const memoryNow = (): number => {
      const usage = process.memoryUsage();
      return usage.heapUsed + usage.arrayBuffers;
    };
    gc();
    const heapEmpty = memoryNow();
    const articles = readArticles(corpus.dir, corpus.files);
    gc();
    const textHeap = memoryNow() - heapEmpty;
    articles.length = 0;
    gc();

    const buildStarted = performance.now();
    const { readMs } = await instance.build(corpus.dir, corpus.files);
    const buildMs = Math.max(1, performance.now() - buildStarted - readMs);
    gc();
    const heapUsed = memoryNow();
    const indexHeapBytes = heapUsed - heapEmpty - textHeap;

    const saveStarted = performance.now();
    let savedBytes = NaN;
    let saveError: string | undefined;
    try {
      savedBytes = await instance.save(workDir);
    } catch (error) {
      saveError = String(error);
      console.error(`${system} at ${size}: save failed: ${saveError}`);
    }
    const saveMs = performance.now() - saveStarted;
    gc();
    const loadIndexStarted = performance.now();
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    loopDelay.enable();
    const loaded =
      saveError === undefined ? await instance.load(workDir, corpus.dir, corpus.files) : undefined;
    loopDelay.disable();
    const loadMs = saveError === undefined ? performance.now() - loadIndexStarted : NaN;
    gc();

    const { questions, partials } = querySet(queryCount);
    let answered = 0;
    const askCpuTimes: number[] = [];
    // --profile: the timed questions (warm-up included) sampled in this thread.
    const stopProfile = process.env['BENCH_PROFILE'] === '1' ? await startProfile() : null;
    const askTimes = await timeEach(
      questions,
      budgetMs,
      async (q, timed) => {
        if ((await instance.ask(q)).results > 0 && timed) answered++;
      },
      askCpuTimes,
      () => instance.otherCpuMs?.() ?? 0,
    );
    if (stopProfile !== null) {
      const profile = await stopProfile();
      const name = `profile-${system}-w${Number(process.env['BENCH_INDEX_WORKERS'] ?? '') || 0}-${size}.cpuprofile`;
      fs.mkdirSync(RESULTS_DIR, { recursive: true });
      fs.writeFileSync(path.join(RESULTS_DIR, name), JSON.stringify(profile));
      const { functions, areas } = summariseProfile(profile);
      const show = (lines: readonly ProfileLine[]): string =>
        lines.map((l) => `  ${(l.share * 100).toFixed(1).padStart(5)}%  ${l.name}`).join('\n');
      console.error(
        `${system} at ${size}: /ask self time by area (bench/results/${name})\n${show(areas)}\nby function:\n${show(functions)}`,
      );
    }
    const completeTimes = await timeEach(partials, budgetMs, (p) => void instance.complete(p));
    clearInterval(sampler);
    // Before close: index worker threads count in the process's RSS while they run.
    const rssBytes = process.memoryUsage.rss();
    peakRss = Math.max(peakRss, rssBytes);
    const builtEarlier = instance.builtEarlier?.() ?? false;
    await instance.close?.();
    const workers = Number(process.env['BENCH_INDEX_WORKERS'] ?? '') || 0;
    return {
      system: system === 'verbatim' && workers > 0 ? `verbatim-w${workers}` : system,
      passages: corpus.passages,
      articles: corpus.articles,
      textBytes: corpus.textBytes,
      loadCorpusMs: readMs,
      buildMs: builtEarlier ? NaN : buildMs,
      passagesPerSecond: builtEarlier ? NaN : corpus.passages / (buildMs / 1000),
      indexHeapBytes,
      indexHeapBytesPerPassage: indexHeapBytes / corpus.passages,
      heapUsedBytes: heapUsed,
      rssBytes,
      peakRssBytes: peakRss,
      saveMs,
      savedBytes,
      loadMs,
      loadLoopDelayMaxMs: saveError === undefined ? loopDelay.max / 1e6 : NaN,
      loadLoopDelayP99Ms: saveError === undefined ? loopDelay.percentile(99) / 1e6 : NaN,
      firstAnswerMs: loaded?.firstAnswerMs ?? NaN,
      ...(saveError === undefined ? {} : { saveError }),
      askP50Ms: percentile(askTimes, 0.5),
      askP99Ms: percentile(askTimes, 0.99),
      askMeanMs: askTimes.reduce((a, b) => a + b, 0) / askTimes.length,
      askCpuP50Ms: percentile(askCpuTimes, 0.5),
      askCpuP99Ms: percentile(askCpuTimes, 0.99),
      completeP50Ms: percentile(completeTimes, 0.5),
      completeP99Ms: percentile(completeTimes, 0.99),
      completions: completeTimes.length,
      answered,
      queries: askTimes.length,
    };
  } finally {
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}

interface Args {
  sizes: number[];
  runs: number;
  systems: SystemName[];
  queries: number;
  /** Seconds each timing phase may take before it stops (after MIN_TIMED inputs). */
  budget: number;
  out: string;
  /** The `postgres` system's kept data directory, or null for a fresh server per child. */
  pgData: string | null;
  /** Verbatim's runs: one per number of index worker threads. */
  workers: number[];
  /** The segment cap (BENCH_SEGMENT_PASSAGES), or null for the default. */
  segmentPassages: number | null;
  /** Verbatim's timed questions profiled (node:inspector), summarised and kept in bench/results. */
  profile: boolean;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = {
    sizes: [10_000],
    runs: 3,
    systems: [...DEFAULT_SYSTEMS],
    queries: 1_000,
    budget: 60,
    out: DEFAULT_OUT,
    pgData: null,
    workers: [0],
    segmentPassages: null,
    profile: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    if (flag === '--profile') {
      args.profile = true;
      continue;
    }
    const value = argv[i + 1];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    i++;
    if (flag === '--sizes') args.sizes = value.split(',').map(parseSize);
    else if (flag === '--runs') args.runs = Number(value);
    else if (flag === '--queries') args.queries = Number(value);
    else if (flag === '--budget') args.budget = Number(value);
    else if (flag === '--out') args.out = path.resolve(value);
    else if (flag === '--pg-data') args.pgData = path.resolve(value);
    else if (flag === '--workers') args.workers = value.split(',').map(Number);
    else if (flag === '--segment-passages') args.segmentPassages = Number(value);
    else if (flag === '--systems') {
      args.systems = value.split(',').map((s) => {
        if (!(SYSTEMS as readonly string[]).includes(s)) throw new Error(`unknown system "${s}"`);
        return s as SystemName;
      });
    } else throw new Error(`unknown option ${flag}`);
  }
  return args;
}

const FIGURES: readonly (keyof RunFigures)[] = [
  'loadCorpusMs',
  'buildMs',
  'passagesPerSecond',
  'indexHeapBytes',
  'indexHeapBytesPerPassage',
  'heapUsedBytes',
  'rssBytes',
  'peakRssBytes',
  'saveMs',
  'savedBytes',
  'loadMs',
  'loadLoopDelayMaxMs',
  'loadLoopDelayP99Ms',
  'firstAnswerMs',
  'askP50Ms',
  'askP99Ms',
  'askMeanMs',
  'askCpuP50Ms',
  'askCpuP99Ms',
  'completeP50Ms',
  'completeP99Ms',
  'answered',
];

type Medians = Partial<Record<keyof RunFigures, number>> & { runs: number };

function spawnChild(
  system: SystemName,
  size: number,
  queries: number,
  budgetSeconds: number,
  pgData: string | null,
  env: Record<string, string> = {},
): RunFigures {
  const heapMb = Math.max(4_096, Math.ceil(size / 1_000) * 12);
  const child = spawnSync(
    process.execPath,
    [
      '--expose-gc',
      `--max-old-space-size=${heapMb}`,
      // As `npm start` runs the bot.
      '--max-semi-space-size=64',
      '--import',
      'tsx',
      path.join(import.meta.dirname, 'perf.ts'),
      '--child',
      system,
      String(size),
      String(queries),
      String(budgetSeconds * 1000),
      ...(pgData === null ? [] : [pgData]),
    ],
    {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, DOTENV_CONFIG_QUIET: 'true', ...env },
    },
  );
  if (child.status !== 0)
    throw new Error(`${system} at ${size} failed (exit ${child.status}, signal ${child.signal})`);
  const last = child.stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(last) as RunFigures;
}

// A figure a child could not take is NaN there and null after JSON.
const fmtMs = (ms: number | null | undefined): string =>
  ms === undefined || ms === null || Number.isNaN(ms)
    ? '—'
    : ms >= 10_000
      ? `${(ms / 1000).toFixed(0)} s`
      : ms >= 1_000
        ? `${(ms / 1000).toFixed(1)} s`
        : ms >= 10
          ? `${ms.toFixed(0)} ms`
          : `${ms.toFixed(2)} ms`;
const fmtBytes = (b: number | null | undefined): string =>
  b === undefined || b === null || Number.isNaN(b)
    ? '—'
    : b >= 1e9
      ? `${(b / 1e9).toFixed(2)} GB`
      : b >= 1e6
        ? `${(b / 1e6).toFixed(0)} MB`
        : b >= 1e3
          ? `${(b / 1e3).toFixed(0)} KB`
          : `${b.toFixed(0)} B`;
const fmtRate = (r: number | undefined): string =>
  r === undefined ? '—' : `${(r / 1000).toFixed(1)}k/s`;
const fmtSize = (n: number): string => (n >= 1_000_000 ? `${n / 1_000_000}M` : `${n / 1_000}k`);

/** The README table: one row per size and system, ratios against Verbatim's figure. */
export function renderTable(results: Record<string, Record<string, Medians>>): string {
  const header =
    '| passages | system | build | passages/s | index memory: heap + ArrayBuffers (per passage) | RSS | save / load | persisted | /ask p50 / p99 | /ask CPU p50 / p99 | autocomplete p50 / p99 |\n' +
    '|---|---|---|---|---|---|---|---|---|---|---|';
  const rows: string[] = [header];
  for (const [size, bySystem] of Object.entries(results)) {
    const verbatim = bySystem['verbatim'];
    for (const [system, m] of Object.entries(bySystem)) {
      const ratio = (key: keyof RunFigures, higherIsBetter = false): string => {
        const mine = verbatim?.[key];
        const theirs = m[key];
        if (
          system === 'verbatim' ||
          mine === undefined ||
          theirs === undefined ||
          mine === 0 ||
          theirs === 0
        )
          return '';
        const r = higherIsBetter ? mine / theirs : theirs / mine;
        return ` (${r >= 10 ? r.toFixed(0) : r.toFixed(1)}×)`;
      };
      rows.push(
        `| ${fmtSize(Number(size))} | ${system} | ${fmtMs(m.buildMs)}${ratio('buildMs')} | ${fmtRate(m.passagesPerSecond)} | ` +
          `${system === 'fts5' ? 'n/a (native)' : `${fmtBytes(m.indexHeapBytes)} (${(m.indexHeapBytesPerPassage ?? 0).toFixed(0)} B)`}${system === 'fts5' ? '' : ratio('indexHeapBytes')} | ` +
          `${fmtBytes(m.rssBytes)} | ${system === 'fts5' ? '— (on disk)' : system === 'postgres' ? '— (database)' : fmtMs(m.saveMs)} / ${fmtMs(m.loadMs)}${ratio('loadMs')}${m.firstAnswerMs === undefined || m.firstAnswerMs === null || Number.isNaN(m.firstAnswerMs) ? '' : ` (first answer ${fmtMs(m.firstAnswerMs)})`} | ${fmtBytes(m.savedBytes)} | ` +
          `${fmtMs(m.askP50Ms)} / ${fmtMs(m.askP99Ms)}${ratio('askP99Ms')} | ${fmtMs(m.askCpuP50Ms)} / ${fmtMs(m.askCpuP99Ms)}${ratio('askCpuP99Ms')} | ${fmtMs(m.completeP50Ms)} / ${fmtMs(m.completeP99Ms)}${ratio('completeP99Ms')} |`,
      );
    }
  }
  return rows.join('\n');
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv[0] === '--child') {
    const figures = await runChild(
      argv[1] as SystemName,
      Number(argv[2]),
      Number(argv[3]),
      Number(argv[4]),
      argv[5] ?? null,
    );
    process.stdout.write(JSON.stringify(figures) + '\n');
    return;
  }
  const args = parseArgs(argv);
  const results: Record<string, Record<string, Medians>> = {};
  const raw: RunFigures[] = [];
  for (const size of args.sizes) {
    const corpus = ensureSyntheticCorpus(BENCH_ROOT, size, (line) => console.error(line));
    console.error(
      `corpus ${fmtSize(size)}: ${corpus.articles} articles, ${corpus.passages} passages, ${fmtBytes(corpus.textBytes)} of text`,
    );
    const bySystem: Record<string, Medians> = {};
    const runsBySystem = new Map<string, RunFigures[]>();
    for (let run = 0; run < args.runs; run++) {
      for (const system of args.systems) {
        for (const workers of system === 'verbatim' ? args.workers : [0]) {
          const env: Record<string, string> = { BENCH_INDEX_WORKERS: String(workers) };
          if (args.profile && system === 'verbatim') env['BENCH_PROFILE'] = '1';
          if (args.segmentPassages !== null)
            env['BENCH_SEGMENT_PASSAGES'] = String(args.segmentPassages);
          const figures = spawnChild(system, size, args.queries, args.budget, args.pgData, env);
          raw.push(figures);
          runsBySystem.set(figures.system, [...(runsBySystem.get(figures.system) ?? []), figures]);
          console.error(
            `${fmtSize(size)} ${figures.system} run ${run + 1}/${args.runs}: build ${fmtMs(figures.buildMs)}, heap ${fmtBytes(figures.indexHeapBytes)}, ` +
              `load ${fmtMs(figures.loadMs)} (first answer ${fmtMs(figures.firstAnswerMs)}, loop delay p99 ${fmtMs(figures.loadLoopDelayP99Ms)}, max ${fmtMs(figures.loadLoopDelayMaxMs)}), ask p50/p99 ${fmtMs(figures.askP50Ms)}/${fmtMs(figures.askP99Ms)}, ask CPU p50/p99 ${fmtMs(figures.askCpuP50Ms)}/${fmtMs(figures.askCpuP99Ms)}, complete p99 ${fmtMs(figures.completeP99Ms)} (${figures.completions} inputs), answered ${figures.answered}/${figures.queries}`,
          );
        }
      }
    }
    for (const [system, runs] of runsBySystem) {
      const m: Medians = { runs: runs.length };
      for (const key of FIGURES) m[key] = median(runs.map((r) => r[key] as number));
      bySystem[system] = m;
    }
    results[String(size)] = bySystem;
  }
  const report = {
    generatedAt: new Date().toISOString(),
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      memoryBytes: os.totalmem(),
      node: process.version,
      heapLimit: v8.getHeapStatistics().heap_size_limit,
    },
    command: `npm run bench:perf -- ${argv.join(' ')}`.trim(),
    queries: args.queries,
    runs: args.runs,
    results,
    raw,
  };
  fs.mkdirSync(path.dirname(args.out), { recursive: true });
  let previous: { results?: Record<string, unknown> } = {};
  try {
    previous = JSON.parse(fs.readFileSync(args.out, 'utf8')) as typeof previous;
  } catch {
    // No earlier results.
  }
  // Sizes not measured in this run keep their earlier figures, so a quick run does not erase a 1M one.
  // Other keys (bench/load.ts writes "load") are kept too.
  const mergedResults: Record<string, Record<string, Medians>> = {
    ...((previous.results ?? {}) as Record<string, Record<string, Medians>>),
  };
  // Per size and system: a run of one system keeps the others' figures for that size.
  for (const [size, bySystem] of Object.entries(results))
    mergedResults[size] = { ...(mergedResults[size] ?? {}), ...bySystem };
  const merged = { ...previous, ...report, results: mergedResults };
  fs.writeFileSync(args.out, JSON.stringify(merged, null, 2) + '\n');
  console.log(renderTable(merged.results as Record<string, Record<string, Medians>>));
}

await main();
