/**
 * `npm run ask -- [--json] [--limit N] [--since D] [--until D] [--source S] [--lang L]
 * [--corpus DIR] "question"`: answers once, or one question per standard-input line.
 * With --json, stdout carries exactly one JSON object per question and nothing else.
 */
import { statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { EXIT_USAGE, loadConfigOrReport, parseArgumentsOrReport, runMain } from './run.js';
import { readDateBound } from '../answer/date-bounds.js';
import { createLogger } from '../core/log.js';
import { answerQuestion, MAX_LIMIT, RANKING } from '../answer/answer.js';
import { type SimilarityReranker, startReranker } from '../answer/similarity.js';
import { renderAnswer } from '../present/console.js';
import type { Library } from '../library/library.js';
import type { Answer, AnswerOptions } from '../core/types.js';
import { openConfiguredCorpus } from './configured-corpus.js';
import { UsageError } from '../core/errors.js';
import { readQuestion } from '../text/question.js';

/** Bad command-line arguments; the message says what to change. */
export class ArgumentError extends UsageError {
  override readonly name = 'ArgumentError';
}

/** Parsed command line of `ask`. */
export interface AskArguments {
  readonly json: boolean;
  readonly question: string | null;
  readonly corpus: string | null;
  readonly options: AnswerOptions;
}

const USAGE =
  'usage: npm run ask -- [--json] [--limit N] [--since 2022|2022-03|2022-03-05] [--until DATE] [--source NAME] [--lang CODE] [--corpus DIR] "question"';

/** Parses `ask`'s arguments, throwing ArgumentError with a clear message on bad ones. */
export function parseAskArguments(argv: readonly string[]): AskArguments {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        json: { type: 'boolean', default: false },
        limit: { type: 'string' },
        since: { type: 'string' },
        until: { type: 'string' },
        source: { type: 'string' },
        lang: { type: 'string' },
        corpus: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    throw new ArgumentError(`${(error as Error).message}\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  if (values.help) throw new ArgumentError(USAGE);
  const options: { -readonly [K in keyof AnswerOptions]: AnswerOptions[K] } = {};
  if (values.limit !== undefined) {
    // Digits only: Number() would also take "1e1", "0x5", "2.0" and " 3".
    const limit = /^\d{1,3}$/.test(values.limit) ? Number(values.limit) : NaN;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
      throw new ArgumentError(
        `--limit must be a whole number from 1 to ${MAX_LIMIT}, got "${values.limit}"`,
      );
    }
    options.limit = limit;
  }
  for (const key of ['since', 'until'] as const) {
    const value = values[key];
    if (value === undefined) continue;
    const date = readDateBound(key, value);
    if (date === null)
      throw new ArgumentError(
        `--${key} must be a date as YYYY-MM-DD (or YYYY-MM, or YYYY), got "${value}"`,
      );
    options[key] = date;
  }
  if (options.since !== undefined && options.until !== undefined && options.since > options.until) {
    throw new ArgumentError(`--since (${values.since}) is after --until (${values.until})`);
  }
  if (values.source !== undefined) options.source = values.source;
  if (values.lang !== undefined) options.lang = values.lang;
  let question: string | null = null;
  if (positionals.length > 0) {
    try {
      question = readQuestion(positionals.join(' '));
    } catch (error) {
      throw new ArgumentError((error as Error).message);
    }
  }
  return { json: values.json ?? false, question, corpus: values.corpus ?? null, options };
}

/** The `--json` shape of an answer (stable contract; see the README). */
export function answerToJson(answer: Answer): object {
  return {
    query: answer.query,
    ...(answer.notices === undefined ? {} : { notices: answer.notices }),
    results: answer.results.map((r) => ({
      rank: r.rank,
      quote: r.quote,
      docId: r.docId,
      title: r.title,
      source: r.source,
      url: r.url,
      date: r.date,
      lang: r.lang,
      score: r.score,
      passageId: r.passageId,
    })),
  };
}

async function printAnswer(
  library: Library,
  question: string,
  args: AskArguments,
  write: (s: string) => void,
  reranker: SimilarityReranker | null,
): Promise<void> {
  const answer = await answerQuestion(library, question, args.options, RANKING, reranker);
  if (args.json) write(JSON.stringify(answerToJson(answer)) + '\n');
  else write(`${renderAnswer(answer, process.stdout.isTTY ? 'ansi' : 'markdown')}\n`);
}

async function main(): Promise<number> {
  const args = parseArgumentsOrReport(parseAskArguments);
  if (args === null) return EXIT_USAGE;
  const config = await loadConfigOrReport();
  if (config === null) return EXIT_USAGE;
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
  // The persisted index belongs to the configured corpus; another --corpus is built in memory.
  if (args.corpus !== null && !isFolder(args.corpus)) {
    process.stderr.write(`--corpus ${args.corpus}: no such folder\n${USAGE}\n`);
    return EXIT_USAGE;
  }
  const corpus = await openConfiguredCorpus(config, logger, args.corpus);
  const rerank = startReranker(config.semanticRerank, logger);
  try {
    return await answerAll(corpus.opened.library, args, rerank.reranker);
  } finally {
    await rerank.close();
    await corpus.close();
  }
}

/** Answers the question on the command line, or each line of standard input. */
async function answerAll(
  library: Library,
  args: AskArguments,
  reranker: SimilarityReranker | null,
): Promise<number> {
  const write = (s: string): void => void process.stdout.write(s);
  if (args.question !== null) {
    await printAnswer(library, args.question, args, write, reranker);
    return 0;
  }
  // One line at a time: a refused line is reported (and, with --json, answered with an error
  // object, so stdout keeps one object per question) and the rest of the batch is answered.
  let refused = 0;
  let lineNumber = 0;
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    lineNumber++;
    if (line.trim() === '') continue;
    let question: string;
    try {
      question = readQuestion(line);
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      refused++;
      process.stderr.write(`line ${lineNumber}: ${error.message}\n`);
      if (args.json)
        write(JSON.stringify({ query: null, error: error.message, results: [] }) + '\n');
      continue;
    }
    await printAnswer(library, question, args, write, reranker);
  }
  return refused > 0 ? 1 : 0;
}

function isFolder(dir: string): boolean {
  try {
    return statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

// Run only as the entry point, so tests can import the argument parser.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href)
  runMain('ask', main);
