import Database from 'better-sqlite3';
import MiniSearch from 'minisearch';
import type { BenchPassage } from './data.js';
import type { EngineHit } from './metrics.js';

/** A retrieval engine under test: built once over the passages, then asked each question. */
export interface Engine {
  readonly name: string;
  /** Verbatim's Library, so a variant can share it. */
  readonly library?: unknown;
  search(question: string): EngineHit | Promise<EngineHit>;
  close?(): void;
}

const WORD = /[\p{L}\p{N}]+/gu;

function wordsOf(text: string): string[] {
  return text.toLowerCase().match(WORD) ?? [];
}

/** Naive sentence split used only for the baselines' quotes. */
function sentencesOf(text: string): string[] {
  return text.split(/(?<=[.!?]["”»]?)\s+(?=["“«(]?[\p{Lu}\p{N}])/u).filter((s) => s.trim() !== '');
}

/**
 * The baselines' quote: the sentence of the top passage that shares the most distinct question
 * words (ties to the earlier sentence), as measured before this work.
 */
function mostOverlappingSentence(
  passageText: string,
  question: string,
  stop: ReadonlySet<string>,
): string {
  const q = new Set(wordsOf(question).filter((w) => !stop.has(w)));
  let best = '';
  let bestScore = -1;
  for (const s of sentencesOf(passageText)) {
    const score = new Set(wordsOf(s).filter((w) => q.has(w))).size;
    if (score > bestScore) {
      best = s;
      bestScore = score;
    }
  }
  return best;
}

/** MiniSearch 7 with default options over the passage text. */
export function buildMiniSearchDefaults(
  passages: readonly BenchPassage[],
  stop: ReadonlySet<string>,
): Engine {
  const ms = new MiniSearch<BenchPassage>({ fields: ['text'] });
  ms.addAll(passages);
  const byId = new Map(passages.map((p) => [p.id, p]));
  return {
    name: 'MiniSearch defaults',
    search(question) {
      const ids = ms
        .search(question)
        .slice(0, 10)
        .map((r) => String(r.id));
      const top = ids[0] === undefined ? undefined : byId.get(ids[0]);
      return {
        passageIds: ids,
        quote: top === undefined ? null : mostOverlappingSentence(top.text, question, stop),
      };
    },
  };
}

/**
 * SQLite FTS5 with `tokenize='porter unicode61'`, the question's words OR-ed, ranked by bm25().
 * `prepare` optionally rewrites both texts and questions first (e.g. a Russian stemmer).
 */
export function buildFts5(
  passages: readonly BenchPassage[],
  stop: ReadonlySet<string>,
  options: { name?: string; tokenize?: string; prepare?: (text: string) => string } = {},
): Engine {
  const prepare = options.prepare ?? ((t: string) => t);
  const db = new Database(':memory:');
  db.exec(
    `CREATE VIRTUAL TABLE p USING fts5(text, tokenize='${options.tokenize ?? 'porter unicode61'}')`,
  );
  const insert = db.prepare('INSERT INTO p(rowid, text) VALUES (?, ?)');
  db.transaction(() => passages.forEach((p, i) => insert.run(i + 1, prepare(p.text))))();
  const query = db.prepare('SELECT rowid FROM p WHERE p MATCH ? ORDER BY bm25(p) LIMIT 10');
  return {
    name: options.name ?? 'SQLite FTS5 bm25 (porter unicode61)',
    search(question) {
      const words = [...new Set(wordsOf(prepare(question)))];
      if (words.length === 0) return { passageIds: [], quote: null };
      const rows = query.all(words.map((w) => `"${w}"`).join(' OR ')) as { rowid: number }[];
      const hits = rows
        .map((r) => passages[r.rowid - 1])
        .filter((p): p is BenchPassage => p !== undefined);
      const top = hits[0];
      return {
        passageIds: hits.map((p) => p.id),
        quote: top === undefined ? null : mostOverlappingSentence(top.text, question, stop),
      };
    },
    close() {
      db.close();
    },
  };
}
