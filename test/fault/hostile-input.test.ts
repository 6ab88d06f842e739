/**
 * Issue 16 items 4 and 8: every question is bounded and cleaned where it enters (command line,
 * standard input, console, chat, /ask), and no word, however long, is stemmed or indexed — so
 * a 16,000-character word or a 200,000-character line is answered or refused at once.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import { readConfig } from '../../src/config.js';
import { answerQuestion } from '../../src/answer/answer.js';
import { answerConsoleLine } from '../../src/cli/console.js';
import { parseAskArguments } from '../../src/cli/ask.js';
import { Library } from '../../src/library/library.js';
import { tokenize } from '../../src/text/analyze.js';
import { MAX_QUESTION_LENGTH, readQuestion } from '../../src/text/question.js';
import { MAX_WORD_LENGTH } from '../../src/text/words.js';
import { WordTable } from '../../src/text/word-table.js';
import { makeNewsArticle } from '../fixtures.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');
const DATA_DIR = mkdtempSync(path.join(tmpdir(), 'verbatim-fault-ask-'));
const GOMEL = 'Peace talks between Russia and Ukraine may take place in Gomel, the Kremlin said.';

function ask(
  args: string[],
  input = '',
): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(TSX, ['src/cli/ask.ts', ...args], {
    cwd: ROOT,
    input,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, DISCORD_TOKEN: '', CORPUS_DIR: 'corpus', DATA_DIR, LOG_LEVEL: 'info' },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('words', () => {
  it(`are runs of at most ${MAX_WORD_LENGTH} letters: longer runs are no word at all`, () => {
    const longest = 'a'.repeat(MAX_WORD_LENGTH);
    const text = `Gomel ${longest} ${'b'.repeat(MAX_WORD_LENGTH + 1)} talks`;
    expect(tokenize(text).map((t) => t.text)).toEqual(['Gomel', longest, 'talks']);
    const table = new WordTable((word) => word);
    const count = table.scan(text);
    expect(Array.from(table.found.subarray(0, count), (id) => table.value(id))).toEqual([
      'Gomel',
      longest,
      'talks',
    ]);
  });

  it('a question of one 16,000-character word is answered with nothing, at once', async () => {
    const library = Library.build([makeNewsArticle('a', GOMEL)]);
    expect((await answerQuestion(library, 'x'.repeat(16_000))).results).toEqual([]);
    expect((await answerQuestion(library, `Gomel ${'y'.repeat(32_000)}`)).results).toHaveLength(1);
  }, 2_000);

  it('an article holding a 64,000-character token is indexed and its sentences still found', async () => {
    const library = Library.build([makeNewsArticle('a', `${'z'.repeat(64_000)}\n\n${GOMEL}`)]);
    expect((await answerQuestion(library, 'Gomel talks')).results[0]?.quote).toContain('Gomel');
  }, 4_000);
});

describe('readQuestion', () => {
  it('removes NUL, BEL, ESC, other controls and lone surrogates before anything echoes them', () => {
    expect(readQuestion('What\u0000 did\u0007 Bennett\u001b[31m say\ud800?\udc00 \u202eok')).toBe(
      'What did Bennett[31m say? ok',
    );
    expect(readQuestion('Where is Gomel? 🇧🇾')).toBe('Where is Gomel? 🇧🇾');
  });

  it(`refuses a question over ${MAX_QUESTION_LENGTH} characters with a clear message`, () => {
    expect(() => readQuestion('why '.repeat(50_000))).toThrow(UsageError);
    expect(() => readQuestion('why '.repeat(50_000))).toThrow(
      `That question is 200,000 characters long; please ask in ${MAX_QUESTION_LENGTH} characters or fewer.`,
    );
    expect(() => readQuestion(' \u0000 ')).toThrow('Please ask a question');
  });
});

describe('the console', () => {
  it('answers a 200,000-character line with the length message, not a search', async () => {
    const deps = {
      library: () => Library.build([makeNewsArticle('a', GOMEL)]),
      interactive: false,
      loadedAt: 0,
      version: 'test',
    };
    expect(await answerConsoleLine('w'.repeat(200_000), deps)).toContain(
      `please ask in ${MAX_QUESTION_LENGTH} characters or fewer`,
    );
    expect(await answerConsoleLine(`/search ${'w'.repeat(200_000)}`, deps)).toContain('or fewer');
  });
});

describe('npm run ask with hostile input', () => {
  it('refuses a 200,000-character standard-input line and answers the rest of the batch', () => {
    const { status, stdout, stderr } = ask(
      ['--json'],
      `Where may talks take place?\n${'q'.repeat(200_000)}\nWho accompanied Bennett to the Kremlin?\n`,
    );
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(3);
    const [first, refused, last] = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(first?.['query']).toBe('Where may talks take place?');
    expect(refused).toEqual({
      query: null,
      error: `That question is 200,000 characters long; please ask in ${MAX_QUESTION_LENGTH} characters or fewer.`,
      results: [],
    });
    expect(last?.['query']).toBe('Who accompanied Bennett to the Kremlin?');
    expect(stderr).toContain('line 2: That question is 200,000 characters long');
    expect(status).toBe(1);
  });

  it('refuses a question argument over the limit with exit 2', () => {
    const { status, stderr, stdout } = ask(['q'.repeat(20_000)]);
    expect(status).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('That question is 20,000 characters long');
  });

  it('refuses --limit 1e1, 2.0, 0x5 and " 3": a whole number is written in digits', () => {
    for (const limit of ['1e1', '2.0', '0x5', ' 3']) {
      expect(() => parseAskArguments(['--limit', limit, 'Gomel'])).toThrow(
        `--limit must be a whole number from 1 to 10, got "${limit}"`,
      );
    }
    expect(parseAskArguments(['--limit', '10', 'Gomel']).options.limit).toBe(10);
  });

  it('exits non-zero with a message for --corpus that does not exist', () => {
    const { status, stderr, stdout } = ask(['--corpus', '/nonexistent/verbatim', 'Gomel']);
    expect(status).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('--corpus /nonexistent/verbatim: no such folder');
  });
});

describe('configuration errors', () => {
  it('never print the bad value: a token pasted into DISCORD_GUILD_ID stays secret', () => {
    const token = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.GhIjKl.abcdefghijklmnopqrstuvwxyz0123456789';
    for (const key of ['DISCORD_GUILD_ID', 'DISCORD_API_BASE', 'LOG_LEVEL', 'CHAT_ENABLED']) {
      let message = '';
      try {
        readConfig({ [key]: token }, ROOT);
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toMatch(
        new RegExp(`^${key}: expected .*, got a value of ${token.length} characters$`),
      );
      expect(message).not.toContain(token.slice(0, 8));
    }
  });
});
