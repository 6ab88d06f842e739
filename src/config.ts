/**
 * The one place that reads the environment. `readConfig` validates every key once at start and
 * throws a ConfigError naming the bad key; everything else receives the resulting Config.
 */
import path from 'node:path';

/** Log levels in increasing severity. */
const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The search backends SEARCH_BACKEND names. */
const SEARCH_BACKENDS = ['memory', 'postgres'] as const;
type SearchBackend = (typeof SEARCH_BACKENDS)[number];

/** Discord's own REST base; the tests point DISCORD_API_BASE at a fake instead. */
const DEFAULT_DISCORD_API_BASE = 'https://discord.com/api';

/** Validated settings for one process. */
export interface Config {
  /** Bot token; null runs the local console instead of the bot. Never log it. */
  readonly discordToken: string | null;
  /** Sync commands to this guild only (development); null syncs globally. */
  readonly discordGuildId: string | null;
  /** REST base without the version, e.g. "https://discord.com/api". */
  readonly discordApiBase: string;
  /** Folder of articles, absolute. */
  readonly corpusDir: string;
  /** Folder for the SQLite file, the persisted index and the command hash, absolute. */
  readonly dataDir: string;
  readonly logLevel: LogLevel;
  /** Answer @-mentions and replies as questions (needs the Message Content intent). */
  readonly chatEnabled: boolean;
  /** Watch the corpus folder and re-index changes while running. */
  readonly watchCorpus: boolean;
  /**
   * PostgreSQL (postgres://…) shared by several processes: feed state lives there when it is set
   * (the bot and `npm run feeds`), and with SEARCH_BACKEND=postgres the searchable corpus;
   * `npm run migrate-to-postgres` copies the SQLite state and corpus into it. May hold a
   * password: never log it.
   */
  readonly databaseUrl: string | null;
  /**
   * Where passages are searched: `memory` (MiniSearch in this process) or `postgres` (the
   * shared tables in DATABASE_URL, one corpus for every bot process).
   */
  readonly searchBackend: SearchBackend;
  /** Let feeds fetch loopback and private addresses (self-hosted feeds, tests). */
  readonly feedsAllowPrivate: boolean;
  /** Discord user ids allowed to add, remove and poll feeds. */
  readonly ownerIds: readonly string[];
  /** How often each feed is polled unless it sets its own interval, minutes. */
  readonly feedPollMinutes: number;
}

/** A configuration value is missing or malformed; the message names the key. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly key: string,
    problem: string,
  ) {
    super(`${key}: ${problem}`);
  }
}

const SNOWFLAKE = /^\d{17,20}$/;

/**
 * What a bad value looked like, without the value: a secret pasted into the wrong key (a token
 * in DISCORD_GUILD_ID) must never reach a terminal or a log.
 */
function shapeOf(raw: string): string {
  return `a value of ${raw.length} character${raw.length === 1 ? '' : 's'}`;
}

function readBoolean(env: NodeJS.ProcessEnv, key: string, fallback: boolean): boolean {
  const raw = env[key]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(key, `expected true or false, got ${shapeOf(raw)}`);
}

/** Like readBoolean, but the message never repeats the value (it may be a pasted secret). */
function readFlag(env: NodeJS.ProcessEnv, key: string, fallback: boolean): boolean {
  const raw = env[key]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(key, 'expected true or false');
}

/** Longest feed poll interval accepted: one day. */
export const MAX_FEED_POLL_MINUTES = 1_440;

function readPollMinutes(env: NodeJS.ProcessEnv): number {
  const raw = env['FEED_POLL_MINUTES']?.trim();
  if (raw === undefined || raw === '') return 15;
  const minutes = /^\d{1,4}$/.test(raw) ? Number(raw) : NaN;
  if (!(minutes >= 1 && minutes <= MAX_FEED_POLL_MINUTES)) {
    throw new ConfigError(
      'FEED_POLL_MINUTES',
      `expected a whole number of minutes from 1 to ${MAX_FEED_POLL_MINUTES}`,
    );
  }
  return minutes;
}

function readOwnerIds(env: NodeJS.ProcessEnv): string[] {
  const raw = env['OWNER_IDS']?.trim() ?? '';
  if (raw === '') return [];
  const ids = raw.split(/[\s,]+/).filter((id) => id !== '');
  if (ids.some((id) => !SNOWFLAKE.test(id))) {
    throw new ConfigError(
      'OWNER_IDS',
      'expected Discord user ids of 17–20 digits, separated by commas',
    );
  }
  return [...new Set(ids)];
}

function readOptional(env: NodeJS.ProcessEnv, key: string): string | null {
  const raw = env[key]?.trim();
  return raw === undefined || raw === '' ? null : raw;
}

/**
 * Builds the Config from an environment (pass `process.env` after dotenv has run).
 * Relative folders resolve against `cwd`.
 */
export function readConfig(env: NodeJS.ProcessEnv, cwd: string = process.cwd()): Config {
  const discordToken = readOptional(env, 'DISCORD_TOKEN');
  if (discordToken !== null && !/^[\w.-]{20,}$/.test(discordToken)) {
    throw new ConfigError(
      'DISCORD_TOKEN',
      'does not look like a bot token (letters, digits, dots, dashes; 20+ characters)',
    );
  }
  const discordGuildId = readOptional(env, 'DISCORD_GUILD_ID');
  if (discordGuildId !== null && !SNOWFLAKE.test(discordGuildId)) {
    throw new ConfigError(
      'DISCORD_GUILD_ID',
      `expected a server id of 17–20 digits, got ${shapeOf(discordGuildId)}`,
    );
  }
  const discordApiBase = readOptional(env, 'DISCORD_API_BASE') ?? DEFAULT_DISCORD_API_BASE;
  let apiUrl: URL;
  try {
    apiUrl = new URL(discordApiBase);
  } catch {
    throw new ConfigError(
      'DISCORD_API_BASE',
      `expected an http(s) URL, got ${shapeOf(discordApiBase)}`,
    );
  }
  if (apiUrl.protocol !== 'http:' && apiUrl.protocol !== 'https:') {
    throw new ConfigError(
      'DISCORD_API_BASE',
      `expected an http(s) URL, got ${shapeOf(discordApiBase)}`,
    );
  }
  const logLevel = (readOptional(env, 'LOG_LEVEL') ?? 'info').toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new ConfigError(
      'LOG_LEVEL',
      `expected one of ${LOG_LEVELS.join(', ')}, got ${shapeOf(logLevel)}`,
    );
  }
  const databaseUrl = readOptional(env, 'DATABASE_URL');
  if (databaseUrl !== null && !/^postgres(ql)?:\/\/[^\s]+$/.test(databaseUrl)) {
    // The value is not repeated: it may hold a password.
    throw new ConfigError('DATABASE_URL', 'expected a postgres:// or postgresql:// URL');
  }
  const searchBackend = (readOptional(env, 'SEARCH_BACKEND') ?? 'memory').toLowerCase();
  if (!(SEARCH_BACKENDS as readonly string[]).includes(searchBackend)) {
    throw new ConfigError(
      'SEARCH_BACKEND',
      `expected one of ${SEARCH_BACKENDS.join(', ')}, got ${shapeOf(searchBackend)}`,
    );
  }
  if (searchBackend === 'postgres' && databaseUrl === null)
    throw new ConfigError('DATABASE_URL', 'SEARCH_BACKEND=postgres needs the PostgreSQL URL');
  return {
    discordToken,
    discordGuildId,
    discordApiBase: discordApiBase.replace(/\/+$/, ''),
    corpusDir: path.resolve(cwd, readOptional(env, 'CORPUS_DIR') ?? 'corpus'),
    dataDir: path.resolve(cwd, readOptional(env, 'DATA_DIR') ?? 'data'),
    logLevel: logLevel as LogLevel,
    chatEnabled: readBoolean(env, 'CHAT_ENABLED', false),
    watchCorpus: readBoolean(env, 'WATCH_CORPUS', true),
    databaseUrl,
    searchBackend: searchBackend as SearchBackend,
    feedsAllowPrivate: readFlag(env, 'FEEDS_ALLOW_PRIVATE', false),
    ownerIds: readOwnerIds(env),
    feedPollMinutes: readPollMinutes(env),
  };
}

/**
 * Loads `.env` (if any) into the environment without printing, then validates it. Entry
 * points call this once.
 */
export async function loadConfig(cwd: string = process.cwd()): Promise<Config> {
  const dotenv = await import('dotenv');
  dotenv.config({ path: path.join(cwd, '.env'), quiet: true });
  return readConfig(process.env, cwd);
}
