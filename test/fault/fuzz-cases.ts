/**
 * Property-based hostile input (fast-check) through every way a question enters: the `ask`
 * argument parser, question reading, the console, and /ask and chat through the real bot against
 * the fake Discord. Shared by the quick suite (fuzz.test.ts, in `npm test`) and the long one
 * (fuzz.slow.test.ts); `runs` sets how many inputs each property tries.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import { ArgumentError, parseAskArguments } from '../../src/cli/ask.js';
import { answerConsoleLine } from '../../src/cli/console.js';
import type { Library } from '../../src/library/library.js';
import { MAX_QUESTION_LENGTH, readQuestion } from '../../src/text/question.js';
import type { BotHandle } from '../../src/discord/bot.js';
import { SILENT_LOGGER } from '../../src/core/log.js';
import { startFakeDiscord, type FakeDiscord } from '../fake-discord/index.js';
import {
  libraryOf,
  removeDir,
  seedArticles,
  startTestBot,
  tempDataDir,
} from '../discord/harness.js';

/** Text a hostile user would send: controls, surrogates, mentions, markdown, long words. */
const hostileText = (maxLength: number): fc.Arbitrary<string> =>
  fc
    .array(
      fc.oneof(
        fc.string({ unit: 'grapheme', maxLength: 12 }),
        fc.string({ unit: 'binary', maxLength: 12 }),
        fc.constantFrom(
          '\u0000',
          '\u0007',
          '\u001b[2J',
          '\ud800',
          '\udfff',
          '\u202e',
          '@everyone',
          '@here',
          '<@123456789012345678>',
          '<@&123456789012345678>',
          ')[click](https://evil.example)',
          '**',
          '`',
          '\n\n',
          'Gomel',
          'Bennett',
          'x'.repeat(5_000),
        ),
      ),
      { maxLength: 40 },
    )
    .map((parts) => parts.join(' ').slice(0, maxLength));

/** Something that looks like a stack trace or an internal error leaking to a user. */
function looksLikeALeak(text: string): boolean {
  return /\n\s+at |Error: |TypeError|undefined is not|\[object Object\]/.test(text);
}

const UNSHOWABLE =
  // eslint-disable-next-line no-control-regex -- checking that no control character got through
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** readQuestion: a clean, bounded question, or a UsageError; nothing else. */
function checkReadQuestion(runs: number): void {
  fc.assert(
    fc.property(fc.oneof(hostileText(3_000), fc.string({ unit: 'binary' })), (raw) => {
      try {
        const question = readQuestion(raw);
        expect(question.length).toBeLessThanOrEqual(MAX_QUESTION_LENGTH);
        expect(question).not.toMatch(UNSHOWABLE);
        expect(question).toBe(question.trim());
      } catch (error) {
        expect(error).toBeInstanceOf(UsageError);
      }
    }),
    { numRuns: runs },
  );
}

/** parseAskArguments: parsed arguments or an ArgumentError with a message; nothing else. */
function checkAskArguments(runs: number): void {
  const arg = fc.oneof(
    hostileText(600),
    fc.constantFrom('--limit', '--since', '--until', '--json', '--corpus', '--lang', '-h', '--'),
    fc.constantFrom('1e1', '0', '11', '5', '2022-02-30', '2022-03-01', 'NaN', '-1'),
  );
  fc.assert(
    fc.property(fc.array(arg, { maxLength: 8 }), (argv) => {
      try {
        const parsed = parseAskArguments(argv);
        if (parsed.options.limit !== undefined)
          expect(Number.isInteger(parsed.options.limit)).toBe(true);
        if (parsed.question !== null)
          expect(parsed.question.length).toBeLessThanOrEqual(MAX_QUESTION_LENGTH);
      } catch (error) {
        expect(error).toBeInstanceOf(ArgumentError);
        expect((error as Error).message.length).toBeGreaterThan(0);
      }
    }),
    { numRuns: runs },
  );
}

/** The console: every line gets a reply without a leak, whatever the line. */
async function checkConsole(library: Library, runs: number): Promise<void> {
  const deps = { library: () => library, interactive: false, loadedAt: 0, version: 'fuzz' };
  await fc.assert(
    fc.asyncProperty(
      fc.oneof(
        hostileText(2_000),
        hostileText(600).map((t) => `/search ${t}`),
        hostileText(600).map((t) => `/ask ${t}`),
        fc.constantFrom('/more', '/sources', '/about', '/help', '/nope', '/'),
      ),
      async (line) => {
        const reply = await answerConsoleLine(line, deps);
        if (reply === null) return;
        expect(typeof reply).toBe('string');
        expect(looksLikeALeak(reply)).toBe(false);
      },
    ),
    { numRuns: runs },
  );
}

/**
 * /ask through the real bot: every question (Discord lets at most 500 characters through) gets
 * a reply, with no leak, and every message the bot writes pings no one.
 */
async function checkBotAsk(fake: FakeDiscord, runs: number): Promise<void> {
  await fc.assert(
    fc.asyncProperty(hostileText(500), async (question) => {
      const ask = fake.sendCommand('ask', [{ name: 'question', type: 3, value: question }]);
      const reply = await Promise.race([
        ask.reply().then((m) => m as { content?: string; embeds?: unknown[] }),
        ask.followUp().then((m) => m as { content?: string; embeds?: unknown[] }),
        ask
          .acknowledged()
          .then(async (ack) =>
            ack.type === 4 ? ((ack.data ?? {}) as { content?: string }) : await never(),
          ),
      ]);
      expect(looksLikeALeak(JSON.stringify(reply))).toBe(false);
      for (const request of fake.requests.filter((r) => r.path.includes(ask.token))) {
        const body = request.body as { data?: Record<string, unknown> } & Record<string, unknown>;
        const message = request.path.endsWith('/callback') ? body.data : body;
        if (message !== undefined && ('content' in message || 'embeds' in message))
          expect(message['allowed_mentions']).toEqual({ parse: [] });
      }
    }),
    { numRuns: runs },
  );
}

function never(): Promise<never> {
  return new Promise(() => undefined);
}

/** Chat questions through the real bot (chat enabled): each mention gets a reply, pinging no one. */
async function checkBotChat(fake: FakeDiscord, runs: number): Promise<void> {
  await fc.assert(
    fc.asyncProperty(hostileText(3_000), async (text) => {
      const before = fake.requests.length;
      const sent = fake.sendMessageCreate({
        content: `<@${fake.botUserId}> ${text}`,
        mentionsBot: true,
      });
      const reply = await fake.waitForRequest(
        (r) =>
          fake.requests.indexOf(r) >= before &&
          r.method === 'POST' &&
          r.path === `/channels/${fake.channelId}/messages` &&
          (r.body as { message_reference?: { message_id?: string } }).message_reference
            ?.message_id === sent.id,
      );
      const body = reply.body as Record<string, unknown>;
      expect(body['allowed_mentions']).toMatchObject({ parse: [] });
      expect(looksLikeALeak(JSON.stringify(body))).toBe(false);
    }),
    { numRuns: runs },
  );
}

/** How many inputs each entry point of `describeHostileInput` is tried with. */
export interface HostileInputRuns {
  readonly readQuestion: number;
  readonly askArguments: number;
  /** Lines through the console (twice this), questions through /ask and mentions through chat. */
  readonly bot: number;
}

/**
 * The hostile-input specification, against the real bot on a fake Discord with chat on: the
 * quick suite (fuzz.test.ts) and the long one (fuzz.slow.test.ts) differ only in their runs.
 */
export function describeHostileInput(name: string, runs: HostileInputRuns, timeout: number): void {
  let library: Library;
  let fake: FakeDiscord;
  let bot: BotHandle;
  let dataDir: string;

  beforeAll(async () => {
    library = libraryOf(await seedArticles());
    fake = await startFakeDiscord();
    dataDir = tempDataDir();
    bot = await startTestBot({
      fake,
      library: () => library,
      dataDir,
      logger: SILENT_LOGGER,
      chat: true,
    });
  });

  afterAll(async () => {
    await bot.stop();
    await fake.close();
    removeDir(dataDir);
  });

  describe(name, { timeout }, () => {
    it('readQuestion returns a clean bounded question or a UsageError', () =>
      checkReadQuestion(runs.readQuestion));
    it('ask arguments parse or fail with an ArgumentError', () =>
      checkAskArguments(runs.askArguments));
    it('the console replies to every line without a leak', () =>
      checkConsole(library, runs.bot * 2));
    it('/ask through the real bot replies to every question, pinging no one', () =>
      checkBotAsk(fake, runs.bot));
    it('chat through the real bot replies to every mention, pinging no one', () =>
      checkBotChat(fake, runs.bot));
  });
}
