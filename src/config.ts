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
  /** Reorder the first passages of English answers by sentence embeddings (see similarity.ts). */
  readonly semanticRerank: boolean;
  /**
   * PostgreSQL (postgres://…) shared by every bot process: digests, button state and feed state
   * live there instead of the SQLite file in DATA_DIR, with SEARCH_BACKEND=postgres the searchable
   * corpus too, and `npm run migrate-to-postgres` copies an SQLite deployment into it. May hold a
   * password: never log it.
   */
  readonly databaseUrl: string | null;
  /**
   * Where passages are searched: `memory` (MiniSearch in this process) or `postgres` (the
   * shared tables in DATABASE_URL, one corpus for every bot process).
   */
  readonly searchBackend: SearchBackend;
  /**
   * Worker threads holding and searching the in-process index's segments side by side; 0 keeps
   * them in the main thread (the default).
   */
  readonly indexWorkers: number;
  /** Let feeds fetch loopback and private addresses (self-hosted feeds, tests). */
  readonly feedsAllowPrivate: boolean;
  /** Discord user ids allowed to add, remove and poll feeds. */
  readonly ownerIds: readonly string[];
  /** How often each feed is polled unless it sets its own interval, minutes. */
  readonly feedPollMinutes: number;
  /** The gateway shards this process serves (SHARD_IDS of SHARD_COUNT); null: Discord's default, one. */
  readonly shards: Shards | null;
}

/** Which gateway shards of how many this process connects. */
interface Shards {
  /** Shard ids, each below `count`, ascending. */
  readonly ids: readonly number[];
  readonly count: number;
}

/** Discord's own ceiling is far lower in practice; this only catches a typo. */
const MAX_SHARD_COUNT = 100_000;

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

/**
 * SHARD_COUNT alone: this process serves every shard. SHARD_IDS (comma-separated) of
 * SHARD_COUNT: only those; the others are served by other processes, which must share the
 * digest state, so serving only some shards needs DATABASE_URL.
 */
function readShards(env: NodeJS.ProcessEnv, databaseUrl: string | null): Shards | null {
  const rawCount = readOptional(env, 'SHARD_COUNT');
  const rawIds = readOptional(env, 'SHARD_IDS');
  if (rawCount === null) {
    if (rawIds !== null) throw new ConfigError('SHARD_COUNT', 'needed with SHARD_IDS');
    return null;
  }
  const count = /^\d{1,6}$/.test(rawCount) ? Number(rawCount) : NaN;
  if (!(count >= 1 && count <= MAX_SHARD_COUNT)) {
    throw new ConfigError(
      'SHARD_COUNT',
      `expected a whole number from 1 to ${MAX_SHARD_COUNT}, got ${shapeOf(rawCount)}`,
    );
  }
  if (rawIds === null) return { ids: Array.from({ length: count }, (_, i) => i), count };
  const parts = rawIds.split(/[\s,]+/).filter((part) => part !== '');
  const ids = [...new Set(parts.map((part) => (/^\d{1,6}$/.test(part) ? Number(part) : NaN)))];
  if (ids.length === 0 || ids.some((id) => !(id >= 0 && id < count))) {
    throw new ConfigError(
      'SHARD_IDS',
      `expected shard ids from 0 to ${count - 1} (SHARD_COUNT - 1), separated by commas`,
    );
  }
  if (ids.length < count && databaseUrl === null) {
    throw new ConfigError(
      'SHARD_IDS',
      'serving only some shards means other processes serve the rest; they must share one DATABASE_URL',
    );
  }
  return { ids: ids.sort((a, b) => a - b), count };
}

/** More index workers than this only catches a typo: each holds a share of the index. */
const MAX_INDEX_WORKERS = 64;

function readIndexWorkers(env: NodeJS.ProcessEnv): number {
  const raw = readOptional(env, 'INDEX_WORKERS');
  if (raw === null) return 0;
  const workers = /^\d{1,3}$/.test(raw) ? Number(raw) : NaN;
  if (!(workers >= 0 && workers <= MAX_INDEX_WORKERS))
    throw new ConfigError(
      'INDEX_WORKERS',
      `expected a whole number of worker threads from 0 to ${MAX_INDEX_WORKERS}, got ${shapeOf(raw)}`,
    );
  return workers;
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
    semanticRerank: readBoolean(env, 'SEMANTIC_RERANK', false),
    databaseUrl,
    searchBackend: searchBackend as SearchBackend,
    indexWorkers: readIndexWorkers(env),
    feedsAllowPrivate: readFlag(env, 'FEEDS_ALLOW_PRIVATE', false),
    ownerIds: readOwnerIds(env),
    feedPollMinutes: readPollMinutes(env),
    shards: readShards(env, databaseUrl),
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
