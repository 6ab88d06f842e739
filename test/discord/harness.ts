/**
 * Test harness: a fake Discord plus the real bot (`startBot`) connected to it, over a Library
 * built from the bundled corpus and/or inline articles, with DATA_DIR in a temporary folder.
 */
import { COMMANDS } from '../../commands/index.js';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readConfig } from '../../src/config.js';
import { loadCorpus } from '../../src/library/load.js';
import { startBot, type BotHandle } from '../../src/discord/bot.js';
import type { Command } from '../../src/discord/command.js';
import { createLogger, type Logger } from '../../src/core/log.js';
import { Library } from '../../src/library/library.js';
import type { Article } from '../../src/core/types.js';
import { afterAll, beforeAll } from 'vitest';
import { startFakeDiscord, type FakeDiscord } from '../fake-discord/index.js';
import { makeArticle } from '../fixtures.js';

/** The repository root (for the bundled corpus). */
export const ROOT = path.resolve(import.meta.dirname, '../..');

/** The bundled seed corpus's articles. */
export async function seedArticles(): Promise<Article[]> {
  return (await loadCorpus(path.join(ROOT, 'corpus'))).articles;
}

/** An inline article with sensible defaults. */
export function article(fields: Partial<Article> & { id: string; text: string }): Article {
  return makeArticle(fields.id, fields.text, fields);
}

/** A temporary DATA_DIR, removed by the caller. */
export function tempDataDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'verbatim-discord-'));
}

/** A fake Discord and a temporary DATA_DIR (see useFakeDiscord). */
export interface FakeDiscordSetup {
  fake: FakeDiscord;
  dataDir: string;
}

/**
 * Starts a fake Discord and makes a DATA_DIR before the enclosing describe block's tests, and
 * closes and removes them after. The fields are set once the block's tests run: read them there.
 */
export function useFakeDiscord(): Readonly<FakeDiscordSetup> {
  const setup = {} as FakeDiscordSetup;
  beforeAll(async () => {
    setup.fake = await startFakeDiscord();
    setup.dataDir = tempDataDir();
  });
  afterAll(async () => {
    await setup.fake.close();
    removeDir(setup.dataDir);
  });
  return setup;
}

/** Log lines kept for assertions. */
export interface CapturedLog {
  readonly lines: string[];
  readonly logger: Logger;
}

export function captureLog(secret: string): CapturedLog {
  const lines: string[] = [];
  return {
    lines,
    logger: createLogger('debug', { secrets: [secret], sink: (l) => lines.push(l) }),
  };
}

/**
 * Starts the bot against `fake` with the given library getter and DATA_DIR; without a getter the
 * bot opens the bundled corpus itself, persisting its index in DATA_DIR.
 */
export async function startTestBot(options: {
  fake: FakeDiscord;
  library?: () => Library;
  dataDir: string;
  logger: Logger;
  chat?: boolean;
  guildSync?: boolean;
  commands?: readonly Command[];
  /** More configuration keys, as in `.env`. */
  env?: Record<string, string>;
}): Promise<BotHandle> {
  const config = readConfig(
    {
      DISCORD_TOKEN: options.fake.token,
      DISCORD_API_BASE: options.fake.apiBase,
      DATA_DIR: options.dataDir,
      CORPUS_DIR: path.join(ROOT, 'corpus'),
      CHAT_ENABLED: options.chat ? 'true' : 'false',
      WATCH_CORPUS: 'false',
      ...(options.guildSync ? { DISCORD_GUILD_ID: options.fake.guildId } : {}),
      ...options.env,
    },
    ROOT,
  );
  return startBot({
    config,
    logger: options.logger,
    ...(options.library === undefined ? {} : { library: options.library }),
    loadedAt: () => Date.UTC(2026, 0, 2, 3, 4, 5),
    version: '9.9.9-test',
    commands: options.commands ?? COMMANDS,
  });
}

/** Builds a Library. */
export function libraryOf(articles: Iterable<Article>): Library {
  return Library.build(articles);
}

/** Removes a temporary folder. */
export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
