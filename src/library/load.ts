/**
 * The one place that reads corpus files. It walks the corpus folder, hands each file's bytes to
 * the pure parser and collects articles and problems; nothing here decides what a text means.
 */
import { open, readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import safeRegex from 'safe-regex2';
import {
  CORPUS_EXTENSIONS,
  fileTooLarge,
  parseCorpusFileSteps,
  type IngestProblem,
  type ParseOptions,
} from '../text/parse.js';
import type { Article } from '../core/types.js';
import { runSteps, runStepsAsync } from '../core/steps.js';
import { loadLanguageDetector } from '../text/language.js';

/** The optional per-corpus settings file, at the corpus root. */
export const CORPUS_CONFIG_FILE = '.corpus.json';

/** A corpus file as seen on disk, for fingerprints and change detection. */
export interface CorpusFile {
  /** Corpus-relative path with forward slashes. */
  readonly path: string;
  readonly size: number;
  readonly mtimeMs: number;
}

/** Everything read from a corpus folder. */
export interface LoadedCorpus {
  readonly articles: Article[];
  readonly problems: IngestProblem[];
  readonly files: CorpusFile[];
  readonly options: ParseOptions;
}

/** Reads `.corpus.json` (`{"linkLinePatterns": ["^Subscribe:"]}`), reporting a bad one. */
export async function readCorpusOptions(
  dir: string,
): Promise<{ options: ParseOptions; problems: IngestProblem[] }> {
  let raw: string;
  try {
    raw = await readFile(path.join(dir, CORPUS_CONFIG_FILE), 'utf8');
  } catch {
    return { options: {}, problems: [] };
  }
  const problem = (message: string): { options: ParseOptions; problems: IngestProblem[] } => ({
    options: {},
    problems: [{ file: CORPUS_CONFIG_FILE, line: 1, message }],
  });
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return problem('not valid JSON');
  }
  const patterns = (value as { linkLinePatterns?: unknown }).linkLinePatterns ?? [];
  if (!Array.isArray(patterns) || !patterns.every((p) => typeof p === 'string')) {
    return problem('"linkLinePatterns" must be an array of regular expressions as strings');
  }
  const compiled: RegExp[] = [];
  for (const [i, source] of (patterns as string[]).entries()) {
    const named = `pattern ${i + 1} of "linkLinePatterns" (${JSON.stringify(source.slice(0, 100))})`;
    let pattern: RegExp;
    try {
      pattern = new RegExp(source, 'iu');
    } catch (error) {
      return problem(`bad ${named}: ${(error as Error).message}`);
    }
    // Patterns run on every line of every article: one that backtracks exponentially would hold
    // the bot for minutes on one unlucky line (safe-regex2 flags nested repetition).
    if (!safeRegex(pattern)) {
      return problem(
        `${named} can take exponential time on some lines (nested repetition); rewrite it without a repeated group that itself repeats`,
      );
    }
    compiled.push(pattern);
  }
  return { options: { extraLinkLinePatterns: compiled }, problems: [] };
}

/** Corpus files under `dir`, recursively, skipping dot-files, dot-folders and node_modules. */
export async function listCorpusFiles(dir: string): Promise<CorpusFile[]> {
  const files: CorpusFile[] = [];
  const walk = async (relative: string): Promise<void> => {
    const entries = await readdir(path.join(dir, relative), { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      const child = relative === '' ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory()) await walk(child);
      else if (
        entry.isFile() &&
        (CORPUS_EXTENSIONS as readonly string[]).includes(path.extname(entry.name).toLowerCase())
      ) {
        if (entry.name.toLowerCase() === 'readme.md') continue;
        const info = await stat(path.join(dir, child));
        files.push({ path: child, size: info.size, mtimeMs: info.mtimeMs });
      }
    }
  };
  await walk('');
  return files;
}

/** Reads and parses one corpus file; an unreadable file becomes a problem, not a throw. */
export async function loadCorpusFile(
  dir: string,
  relativePath: string,
  options: ParseOptions = {},
): Promise<{ articles: Article[]; problems: IngestProblem[] }> {
  return loadCorpusFileAsync(dir, relativePath, options, null);
}

/**
 * loadCorpusFile parsing in slices, awaiting `pause` after each record (a server reading a
 * large file keeps answering); with `pause` null it parses at once.
 */
export async function loadCorpusFileAsync(
  dir: string,
  relativePath: string,
  options: ParseOptions,
  pause: (() => Promise<void>) | null,
): Promise<{ articles: Article[]; problems: IngestProblem[] }> {
  await loadLanguageDetector();
  let bytes: Uint8Array;
  try {
    // The size is checked on the open file before its bytes are read, so a huge file costs
    // neither the memory nor the time of reading it.
    const handle = await open(path.join(dir, relativePath), 'r');
    try {
      const tooLarge = fileTooLarge(relativePath, (await handle.stat()).size);
      if (tooLarge !== null)
        return { articles: [], problems: [{ file: relativePath, line: 1, message: tooLarge }] };
      bytes = await handle.readFile();
    } finally {
      await handle.close();
    }
  } catch (error) {
    return {
      articles: [],
      problems: [
        {
          file: relativePath,
          line: 1,
          message: `cannot read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
        },
      ],
    };
  }
  const steps = parseCorpusFileSteps(relativePath, bytes, options);
  return pause === null ? runSteps(steps) : runStepsAsync(steps, pause);
}

/**
 * Loads every article under `dir`. Broken files and records are reported in `problems` and
 * skipped; a repeated article id keeps the first and reports the others. A missing folder is
 * reported as a single problem.
 */
export async function loadCorpus(dir: string): Promise<LoadedCorpus> {
  await loadLanguageDetector();
  const { options, problems } = await readCorpusOptions(dir);
  let files: CorpusFile[];
  try {
    files = await listCorpusFiles(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    return {
      articles: [],
      problems: [
        ...problems,
        { file: dir, line: 1, message: `cannot read corpus folder: ${code}` },
      ],
      files: [],
      options,
    };
  }
  const read = await loadCorpusFiles(
    dir,
    files.map((file) => file.path),
    options,
    new Map(),
  );
  return { articles: read.articles, problems: [...problems, ...read.problems], files, options };
}

/**
 * Reads and parses the corpus files at `paths` (relative to `dir`), skipping an article whose id
 * is already in `seen` (id → where it was first read) with a problem saying where; `seen` gains
 * the ids read.
 */
export async function loadCorpusFiles(
  dir: string,
  paths: readonly string[],
  options: ParseOptions,
  seen: Map<string, string>,
): Promise<{ articles: Article[]; problems: IngestProblem[] }> {
  const articles: Article[] = [];
  const problems: IngestProblem[] = [];
  for (const relativePath of paths) {
    const parsed = await loadCorpusFile(dir, relativePath, options);
    problems.push(...parsed.problems);
    for (const article of parsed.articles) {
      const first = seen.get(article.id);
      if (first !== undefined) {
        problems.push({
          file: article.origin.file,
          line: article.origin.line,
          message: `duplicate article id "${article.id}" (first in ${first}); skipped`,
        });
        continue;
      }
      seen.set(article.id, `${article.origin.file}:${article.origin.line}`);
      articles.push(article);
    }
  }
  return { articles, problems };
}
