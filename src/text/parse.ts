/**
 * Turns the bytes of one corpus file into articles, for every supported format, and reports
 * what is wrong with it as `file:line: message` problems instead of throwing: a broken record is
 * skipped, everything else in the file still loads.
 */
import type { Article } from '../core/types.js';
import { cleanText, detectLanguage, isIsoDate } from './clean.js';
import { runSteps, type Steps } from '../core/steps.js';

/** Something wrong in a corpus file; `line` is 1-based (1 for whole-file problems). */
export interface IngestProblem {
  readonly file: string;
  readonly line: number;
  readonly message: string;
}

/** Formats a problem the way `validate-corpus` and the loader's warnings print it. */
export function formatProblem(problem: IngestProblem): string {
  return `${problem.file}:${problem.line}: ${problem.message}`;
}

/** Articles and problems found in one file. */
export interface ParsedFile {
  readonly articles: Article[];
  readonly problems: IngestProblem[];
}

/** Options that apply to every file of a corpus. */
export interface ParseOptions {
  /** Extra link-line patterns from the corpus's `.corpus.json`. */
  readonly extraLinkLinePatterns?: readonly RegExp[];
}

/** File endings the loader reads, lower case. */
export const CORPUS_EXTENSIONS = ['.txt', '.md', '.jsonl', '.json'] as const;

const METADATA_KEYS = ['id', 'title', 'source', 'url', 'date', 'lang'] as const;
type MetadataKey = (typeof METADATA_KEYS)[number];
type Metadata = Partial<Record<MetadataKey, string>>;

class RecordError extends Error {}

function extensionOf(file: string): string {
  const dot = file.lastIndexOf('.');
  return dot === -1 ? '' : file.slice(dot).toLowerCase();
}

function idFromPath(file: string): string {
  return file.replace(/\.[^./]+$/, '');
}

/** Decodes UTF-8 strictly: a file in another encoding is reported, not silently garbled. */
function decode(bytes: Uint8Array): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

function readFrontMatter(text: string): {
  metadata: Metadata;
  body: string;
  bodyLine: number;
  errors: string[];
} {
  const match = /^\uFEFF?---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/.exec(text);
  if (match === null) return { metadata: {}, body: text, bodyLine: 1, errors: [] };
  const metadata: Metadata = {};
  const errors: string[] = [];
  const lines = (match[1] ?? '').split(/\r?\n/);
  lines.forEach((line, i) => {
    if (line.trim() === '' || line.trim().startsWith('#')) return;
    const kv = /^([A-Za-z_]+)\s*:\s*(.*)$/.exec(line);
    if (kv === null) {
      errors.push(`line ${i + 2}: front matter line is not "key: value"`);
      return;
    }
    const key = (kv[1] ?? '').toLowerCase();
    let value = (kv[2] ?? '').trim();
    if (/^".*"$/.test(value)) {
      try {
        value = String(JSON.parse(value));
      } catch {
        value = value.slice(1, -1);
      }
    } else if (/^'.*'$/.test(value)) value = value.slice(1, -1).replace(/''/g, "'");
    if ((METADATA_KEYS as readonly string[]).includes(key)) metadata[key as MetadataKey] = value;
  });
  return { metadata, body: text.slice(match[0].length), bodyLine: lines.length + 3, errors };
}

function stringField(record: Record<string, unknown>, key: string): string | undefined {
  const value = record[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  throw new RecordError(`"${key}" must be a string`);
}

/**
 * The longest article text read, in UTF-16 code units (~30,000 words, a long book chapter).
 * Cleaning and cutting one article is one step of an update that cannot pause in between, so
 * this bounds how long a single record can hold a running bot; a longer one is refused with a
 * reason rather than stalling it.
 */
export const MAX_ARTICLE_LENGTH = 200_000;

/**
 * The largest corpus file read, in bytes, by kind. A file is read and decoded whole, and a
 * `.json` file is parsed in one `JSON.parse` that cannot pause, so each kind is bounded before
 * its bytes are read: a `.txt`/`.md` file holds one article (UTF-8 takes up to 4 bytes per
 * code unit of MAX_ARTICLE_LENGTH, plus front matter); a single-array `.json` file stays small
 * enough to parse in well under a second; `.jsonl`, parsed a line at a time, may be large but
 * stays below V8's longest string once decoded.
 */
export const MAX_FILE_BYTES: Readonly<Record<(typeof CORPUS_EXTENSIONS)[number], number>> = {
  '.txt': 1024 * 1024,
  '.md': 1024 * 1024,
  '.json': 16 * 1024 * 1024,
  '.jsonl': 256 * 1024 * 1024,
};

/**
 * Why a corpus file of `size` bytes is not read, or null when its size is within MAX_FILE_BYTES.
 *
 * @example
 * fileTooLarge('big.json', 20 * 1024 * 1024)
 * // 'the file is 20.0 MB; .json files over 16.0 MB are not read (split it, or write one record per line as .jsonl)'
 */
export function fileTooLarge(file: string, size: number): string | null {
  const ext = extensionOf(file) as (typeof CORPUS_EXTENSIONS)[number];
  const max = MAX_FILE_BYTES[ext];
  if (max === undefined || size <= max) return null;
  const mb = (bytes: number): string => `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
  const advice =
    ext === '.json'
      ? 'split it, or write one record per line as .jsonl'
      : ext === '.jsonl'
        ? 'split it into several files'
        : 'one article per file; split it';
  return `the file is ${mb(size)}; ${ext} files over ${mb(max)} are not read (${advice})`;
}

function tooLong(what: string, length: number, max: number): string {
  return `${what} ${length.toLocaleString('en-US')} characters long; at most ${max.toLocaleString('en-US')} are read (split the article)`;
}

function toArticle(
  metadata: Metadata,
  rawText: string,
  fallbackId: string,
  origin: { file: string; line: number },
  options: ParseOptions,
): Article {
  if (rawText.length > MAX_ARTICLE_LENGTH)
    throw new RecordError(tooLong('the article text is', rawText.length, MAX_ARTICLE_LENGTH));
  const title = metadata.title?.trim() || null;
  const cleaned = cleanText(rawText, {
    title,
    extraLinkLinePatterns: options.extraLinkLinePatterns ?? [],
  });
  if (cleaned.text.trim() === '') throw new RecordError('no article text');
  const dateValue = metadata.date?.trim() || null;
  if (dateValue !== null && !isIsoDate(dateValue)) {
    throw new RecordError(`bad date "${dateValue}" (expected YYYY-MM-DD)`);
  }
  const lang = metadata.lang?.trim().toLowerCase() || detectLanguage(cleaned.text);
  if (!/^[a-z]{2,3}$/.test(lang))
    throw new RecordError(`bad lang "${metadata.lang}" (expected a code such as en or bg)`);
  const url = metadata.url?.trim() || null;
  if (url !== null && !/^https?:\/\/\S+$/i.test(url))
    throw new RecordError(`bad url "${url}" (expected http(s)://…)`);
  return {
    id: metadata.id?.trim() || fallbackId,
    title,
    source: metadata.source?.trim() || null,
    url,
    date: dateValue ?? cleaned.prefixDate,
    lang,
    text: cleaned.text,
    origin,
  };
}

function recordToArticle(
  value: unknown,
  fallbackId: string,
  origin: { file: string; line: number },
  options: ParseOptions,
): Article {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new RecordError('record is not an object');
  const record = value as Record<string, unknown>;
  const text = stringField(record, 'text');
  if (text === undefined) throw new RecordError('record has no "text"');
  const metadata: Metadata = {};
  for (const key of METADATA_KEYS) {
    const field = stringField(record, key);
    if (field !== undefined) metadata[key] = field;
  }
  return toArticle(metadata, text, fallbackId, origin, options);
}

/** Line number (1-based) of a character offset. */
function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/**
 * Parses one corpus file. `file` is its corpus-relative path (used for ids and messages).
 * `.txt`/`.md`: one article, optional `---` front matter. `.jsonl`: one record per line.
 * `.json`: an array of records (or one record).
 */
export function parseCorpusFile(
  file: string,
  bytes: Uint8Array,
  options: ParseOptions = {},
): ParsedFile {
  return runSteps(parseCorpusFileSteps(file, bytes, options));
}

/**
 * parseCorpusFile, yielding after each record of a `.jsonl` or `.json` file, so a server can
 * read a large file in slices (parsing 1,000 news articles takes ~0.2 s).
 */
export function* parseCorpusFileSteps(
  file: string,
  bytes: Uint8Array,
  options: ParseOptions = {},
): Steps<ParsedFile> {
  const articles: Article[] = [];
  const problems: IngestProblem[] = [];
  const problem = (line: number, message: string): void =>
    void problems.push({ file, line, message });
  const tooLarge = fileTooLarge(file, bytes.length);
  if (tooLarge !== null) {
    problem(1, tooLarge);
    return { articles, problems };
  }
  const text = decode(bytes);
  if (text === null) {
    problem(1, 'not valid UTF-8 text; save the file as UTF-8');
    return { articles, problems };
  }
  const ext = extensionOf(file);
  const attempt = (line: number, build: () => Article): void => {
    try {
      articles.push(build());
    } catch (error) {
      if (error instanceof RecordError) problem(line, error.message);
      else throw error;
    }
  };
  if (ext === '.txt' || ext === '.md') {
    const front = readFrontMatter(text);
    for (const error of front.errors)
      problem(Number(/^line (\d+)/.exec(error)?.[1] ?? 1), error.replace(/^line \d+: /, ''));
    attempt(1, () =>
      toArticle(front.metadata, front.body, idFromPath(file), { file, line: 1 }, options),
    );
  } else if (ext === '.jsonl') {
    const lines = text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      if (line.trim() === '') continue;
      // Checked before JSON.parse, which would hold the thread for a 20 MB line.
      if (line.length > 2 * MAX_ARTICLE_LENGTH) {
        problem(i + 1, tooLong('record is', line.length, 2 * MAX_ARTICLE_LENGTH));
        continue;
      }
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        problem(i + 1, 'not valid JSON');
        continue;
      }
      attempt(i + 1, () =>
        recordToArticle(value, `${idFromPath(file)}:${i + 1}`, { file, line: i + 1 }, options),
      );
      yield;
    }
  } else if (ext === '.json') {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      const position = /position (\d+)/.exec(String(error))?.[1];
      problem(position === undefined ? 1 : lineAt(text, Number(position)), 'not valid JSON');
      return { articles, problems };
    }
    const records = Array.isArray(value) ? value : [value];
    for (let i = 0; i < records.length; i++) {
      try {
        articles.push(
          recordToArticle(records[i], `${idFromPath(file)}:${i + 1}`, { file, line: 1 }, options),
        );
      } catch (error) {
        if (!(error instanceof RecordError)) throw error;
        problem(1, Array.isArray(value) ? `record ${i + 1}: ${error.message}` : error.message);
      }
      yield;
    }
  } else {
    problem(1, `unsupported file type "${ext}" (expected ${CORPUS_EXTENSIONS.join(', ')})`);
  }
  return { articles, problems };
}
