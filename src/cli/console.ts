/**
 * The local console: the bot's answers without Discord. Takes plain questions and the slash
 * commands /ask, /search, /trend, /sources, /about, /help, /quit; on a non-terminal input it answers
 * every line and exits at the end of input.
 */
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { userMessageFor } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { answerQuestion, RANKING } from '../answer/answer.js';
import type { SimilarityReranker } from '../answer/similarity.js';
import { renderAnswer, renderBanner, renderSources } from '../present/console.js';
import { formatDate } from '../present/format.js';
import { searchKeywords } from '../answer/keywords.js';
import { readQuestion, showable } from '../text/question.js';
import { readDateBound } from '../answer/date-bounds.js';
import type { AnswerFilters } from '../core/types.js';
import { parseTrendArguments, runTrend } from './trend-command.js';
import type { Library } from '../library/library.js';

/** What the console needs; the library is read through a getter because it may be swapped. */
export interface ConsoleDeps {
  readonly library: () => Library;
  readonly input: Readable;
  readonly output: Writable;
  /** Whether input and output are a terminal: a prompt and ANSI emphasis. */
  readonly interactive: boolean;
  readonly logger: Logger;
  /** When the corpus was loaded, ms since epoch, for /about. */
  readonly loadedAt: number;
  readonly version: string;
  /** Reorders English answers by meaning (SEMANTIC_RERANK); absent or null: word order only. */
  readonly reranker?: SimilarityReranker | null;
}

/** The text of /help. */
export const CONSOLE_HELP = [
  'Type a question, or:',
  '  /ask <question>    ranked verbatim quotes (the same as typing the question);',
  '                     filters first: since:2022 until:2022-03-05 source:Sputnik lang:bg',
  '  /search <words>    keyword lookup: all words, "quoted phrases", last word may be a prefix',
  '  /more              the next results of the last /ask or /search',
  '  /trend <topic>     chart of matching articles per week and outlet, written to trend.png',
  '                     (options: --out FILE.png --since D --until D --by language --interval day|month)',
  '  /sources           the outlets in the corpus',
  '  /about             the corpus and this version',
  '  /help              this help',
  '  /quit              leave',
].join('\n');

/** What /more continues: the last question, how it was asked, and how many were shown. */
export interface ConsoleSession {
  last: {
    kind: 'ask' | 'search';
    question: string;
    shown: number;
    filters?: AnswerFilters;
  } | null;
}

const FILTER = /^(since|until|source|lang):(\S+)\s*/u;

/**
 * Reads leading `since:2022 until:2022-03 source:bbc lang:bg` filters off a console /ask or
 * /search line, dates in the forms /ask and the CLI take; a message when a date is not one.
 */
export function readConsoleFilters(
  line: string,
): { filters: AnswerFilters; question: string } | string {
  const filters: { -readonly [K in keyof AnswerFilters]: AnswerFilters[K] } = {};
  let rest = line.trim();
  for (let match = FILTER.exec(rest); match !== null; match = FILTER.exec(rest)) {
    const [whole, key = '', value = ''] = match;
    if (key === 'since' || key === 'until') {
      const date = readDateBound(key, value);
      if (date === null) return `${key}: must be a date like 2022-03-05 (or 2022-03, or 2022).`;
      filters[key] = date;
    } else if (key === 'source' || key === 'lang') filters[key] = value;
    rest = rest.slice(whole.length);
  }
  return { filters, question: rest };
}

/** Answers one console line; returns null for /quit. */
export async function answerConsoleLine(
  line: string,
  deps: Pick<ConsoleDeps, 'library' | 'interactive' | 'loadedAt' | 'version' | 'reranker'>,
  session: ConsoleSession = { last: null },
): Promise<string | null> {
  const library = deps.library();
  const emphasis = deps.interactive ? 'ansi' : 'markdown';
  const run = async (
    kind: 'ask' | 'search',
    line: string,
    offset: number,
    given?: AnswerFilters,
  ): Promise<string> => {
    const read =
      given === undefined ? readConsoleFilters(line) : { filters: given, question: line };
    if (typeof read === 'string') return read;
    const { filters } = read;
    let question: string;
    try {
      question = readQuestion(read.question);
    } catch (error) {
      return userMessageFor(error);
    }
    const answer =
      kind === 'ask'
        ? await answerQuestion(
            library,
            question,
            { ...filters, offset },
            RANKING,
            deps.reranker ?? null,
          )
        : await searchKeywords(library, question, { ...filters, offset });
    session.last = { kind, question, shown: offset + answer.results.length, filters };
    const text = renderAnswer(answer, emphasis);
    return answer.hasMore ? `${text}\n\n(more results: /more)` : text;
  };
  const text = line.trim();
  const command = /^\/(\w+)\s*([\s\S]*)$/.exec(text);
  if (command === null) return run('ask', text, 0);
  const [, name = '', rest = ''] = command;
  switch (name.toLowerCase()) {
    case 'ask':
      return run('ask', rest, 0);
    case 'search':
      return run('search', rest, 0);
    case 'more':
      return session.last === null
        ? 'Nothing to continue: ask a question first.'
        : run(session.last.kind, session.last.question, session.last.shown, session.last.filters);
    case 'sources':
      return renderSources(library.sources());
    case 'about':
      return `${renderBanner(library.stats())}\nLoaded ${formatDate(new Date(deps.loadedAt).toISOString().slice(0, 10))}. Verbatim ${deps.version}.`;
    case 'help':
      return CONSOLE_HELP;
    case 'quit':
    case 'exit':
      return null;
    default:
      return `Unknown command /${name}. ${CONSOLE_HELP}`;
  }
}

/** How much of an input line is echoed or logged. */
const ECHO_LENGTH = 200;

/** A line as echoed back: without control characters, cut after ECHO_LENGTH. */
function echoOf(line: string): string {
  const shown = showable(line.slice(0, ECHO_LENGTH)).trim();
  return line.length > ECHO_LENGTH ? `${shown}…` : shown;
}

/** Runs the console until /quit or the end of input. */
export async function runConsole(deps: ConsoleDeps): Promise<void> {
  const write = (s: string): void => void deps.output.write(s + '\n');
  write(renderBanner(deps.library().stats()));
  if (deps.interactive) write('Ask a question, or /help.');
  const lines = createInterface({
    input: deps.input,
    ...(deps.interactive ? { output: deps.output, prompt: '> ' } : {}),
    crlfDelay: Infinity,
  });
  const session: ConsoleSession = { last: null };
  if (deps.interactive) lines.prompt();
  for await (const line of lines) {
    if (line.trim() !== '') {
      let reply: string | null;
      try {
        const trend = /^\/trend(?:\s+([\s\S]*))?$/i.exec(line.trim());
        // A /trend topic is bounded like any question (answerConsoleLine bounds the others).
        if (trend !== null) readQuestion(line);
        reply =
          trend === null
            ? await answerConsoleLine(line, deps, session)
            : await runTrend(
                deps.library(),
                parseTrendArguments((trend[1] ?? '').split(/\s+/).filter(Boolean)),
                process.cwd(),
                deps.interactive ? 'ansi' : 'markdown',
              );
      } catch (error) {
        deps.logger.error('console answer failed', { error, line: line.slice(0, ECHO_LENGTH) });
        reply = userMessageFor(error);
      }
      if (reply === null) break;
      write(deps.interactive ? reply : `> ${echoOf(line)}\n${reply}\n`);
    }
    if (deps.interactive) lines.prompt();
  }
  lines.close();
}
