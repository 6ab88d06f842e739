/**
 * The quick fuzz suite (npm test): a few dozen hostile inputs through each entry. The long form
 * with hundreds per entry is fuzz.slow.test.ts (npm run test:slow).
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { BotHandle } from '../../src/discord/bot.js';
import type { Library } from '../../src/library/library.js';
import { startFakeDiscord, type FakeDiscord } from '../fake-discord/index.js';
import {
  libraryOf,
  removeDir,
  seedArticles,
  startTestBot,
  tempDataDir,
} from '../discord/harness.js';
import { SILENT_LOGGER } from '../../src/core/log.js';
import {
  checkAskArguments,
  checkBotAsk,
  checkBotChat,
  checkConsole,
  checkReadQuestion,
} from './fuzz-cases.js';

const RUNS = 25;
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

describe('hostile input, property-based', () => {
  it('readQuestion returns a clean bounded question or a UsageError', () => checkReadQuestion(150));
  it('ask arguments parse or fail with an ArgumentError', () => checkAskArguments(300));
  it('the console replies to every line without a leak', () => checkConsole(library, RUNS * 2));
  it('/ask through the real bot replies to every question, pinging no one', () =>
    checkBotAsk(fake, RUNS));
  it('chat through the real bot replies to every mention, pinging no one', () =>
    checkBotChat(fake, RUNS));
});
