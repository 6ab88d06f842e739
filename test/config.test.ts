import { describe, expect, it } from 'vitest';
import { ConfigError, readConfig } from '../src/config.js';
import { createLogger } from '../src/core/log.js';

describe('readConfig', () => {
  it('fills defaults relative to the working folder', () => {
    expect(readConfig({}, '/app')).toEqual({
      discordToken: null,
      discordGuildId: null,
      discordApiBase: 'https://discord.com/api',
      corpusDir: '/app/corpus',
      dataDir: '/app/data',
      logLevel: 'info',
      chatEnabled: false,
      watchCorpus: true,
      semanticRerank: false,
      databaseUrl: null,
      searchBackend: 'memory',
      indexWorkers: 0,
      feedsAllowPrivate: false,
      ownerIds: [],
      feedPollMinutes: 15,
      shards: null,
    });
  });

  it('reorders answers by sentence embeddings only with SEMANTIC_RERANK=true', () => {
    expect(readConfig({ SEMANTIC_RERANK: 'true' }, '/app').semanticRerank).toBe(true);
    expect(() => readConfig({ SEMANTIC_RERANK: 'sometimes' }, '/app')).toThrow(
      'SEMANTIC_RERANK: expected true or false, got a value of 9 characters',
    );
  });

  it('keeps the index in the main thread by default and in INDEX_WORKERS worker threads when set', () => {
    expect(readConfig({ INDEX_WORKERS: ' 2 ' }, '/app').indexWorkers).toBe(2);
    expect(readConfig({ INDEX_WORKERS: '0' }, '/app').indexWorkers).toBe(0);
    for (const bad of ['-1', 'two', '1.5', '65'])
      expect(() => readConfig({ INDEX_WORKERS: bad }, '/app')).toThrow(/^INDEX_WORKERS: expected/);
  });

  it('reads the shards this process serves; only some of them need a shared DATABASE_URL', () => {
    const url = 'postgres://verbatim@db.internal/verbatim';
    expect(readConfig({ SHARD_COUNT: '3' }, '/app').shards).toEqual({ ids: [0, 1, 2], count: 3 });
    expect(
      readConfig({ SHARD_IDS: '2, 0', SHARD_COUNT: '4', DATABASE_URL: url }, '/app').shards,
    ).toEqual({ ids: [0, 2], count: 4 });
    const bad: [Record<string, string>, string][] = [
      [{ SHARD_IDS: '0' }, 'SHARD_COUNT: needed with SHARD_IDS'],
      [{ SHARD_COUNT: '0' }, 'SHARD_COUNT: expected a whole number from 1 to 100000'],
      [{ SHARD_COUNT: 'two' }, 'SHARD_COUNT: expected a whole number from 1 to 100000'],
      [{ SHARD_IDS: '2', SHARD_COUNT: '2', DATABASE_URL: url }, 'SHARD_IDS: expected shard ids'],
      [{ SHARD_IDS: 'a', SHARD_COUNT: '2', DATABASE_URL: url }, 'SHARD_IDS: expected shard ids'],
      [{ SHARD_IDS: '1', SHARD_COUNT: '2' }, 'SHARD_IDS: serving only some shards'],
    ];
    for (const [env, message] of bad) expect(() => readConfig(env, '/app')).toThrow(message);
    // The whole set in one process is fine on SQLite.
    expect(readConfig({ SHARD_IDS: '1,0', SHARD_COUNT: '2' }, '/app').shards?.ids).toEqual([0, 1]);
  });

  it('reads the PostgreSQL URL, never echoing it', () => {
    const url = 'postgres://verbatim:s3cret@db.internal:5432/verbatim';
    expect(readConfig({ DATABASE_URL: url }, '/app')).toMatchObject({ databaseUrl: url });
    expect(() => readConfig({ DATABASE_URL: 'mysql://u:s3cret@h/db' }, '/app')).toThrow(
      new ConfigError('DATABASE_URL', 'expected a postgres:// or postgresql:// URL'),
    );
  });

  it('searches in memory by default and on PostgreSQL with SEARCH_BACKEND=postgres, which needs DATABASE_URL', () => {
    const url = 'postgres://verbatim:s3cret@db.internal:5432/verbatim';
    expect(readConfig({}, '/app').searchBackend).toBe('memory');
    expect(readConfig({ SEARCH_BACKEND: 'Postgres', DATABASE_URL: url }, '/app')).toMatchObject({
      searchBackend: 'postgres',
      databaseUrl: url,
    });
    expect(() => readConfig({ SEARCH_BACKEND: 'postgres' }, '/app')).toThrow(
      new ConfigError('DATABASE_URL', 'SEARCH_BACKEND=postgres needs the PostgreSQL URL'),
    );
    expect(() => readConfig({ SEARCH_BACKEND: 'elastic', DATABASE_URL: url }, '/app')).toThrow(
      /^SEARCH_BACKEND: expected one of memory, postgres/,
    );
    for (const env of [
      { SEARCH_BACKEND: 'postgres', DATABASE_URL: 'mysql://u:s3cret@h/db' },
      { SEARCH_BACKEND: 's3cret' },
    ]) {
      let message = '';
      try {
        readConfig(env, '/app');
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).not.toBe('');
      expect(message).not.toContain('s3cret');
    }
  });

  it('reads the feed settings, naming a bad key without repeating its value', () => {
    expect(
      readConfig(
        {
          FEEDS_ALLOW_PRIVATE: 'true',
          OWNER_IDS: '111111111111111111, 222222222222222222',
          FEED_POLL_MINUTES: '30',
        },
        '/app',
      ),
    ).toMatchObject({
      feedsAllowPrivate: true,
      ownerIds: ['111111111111111111', '222222222222222222'],
      feedPollMinutes: 30,
    });
    const bad: [Record<string, string>, string][] = [
      [{ OWNER_IDS: '111111111111111111,secret-ish' }, 'OWNER_IDS: '],
      [{ FEEDS_ALLOW_PRIVATE: 'secret-ish' }, 'FEEDS_ALLOW_PRIVATE: '],
      [{ FEED_POLL_MINUTES: '0' }, 'FEED_POLL_MINUTES: '],
      [{ FEED_POLL_MINUTES: 'secret-ish' }, 'FEED_POLL_MINUTES: '],
    ];
    for (const [env, prefix] of bad) {
      let message = '';
      try {
        readConfig(env, '/app');
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message.startsWith(prefix)).toBe(true);
      expect(message).not.toContain('secret-ish');
    }
  });

  it('names the bad key', () => {
    expect(() => readConfig({ DISCORD_GUILD_ID: 'abc' }, '/app')).toThrow(
      new ConfigError(
        'DISCORD_GUILD_ID',
        'expected a server id of 17–20 digits, got a value of 3 characters',
      ),
    );
    expect(() => readConfig({ DISCORD_API_BASE: 'ftp://x' }, '/app')).toThrow(
      'DISCORD_API_BASE: expected an http(s) URL, got a value of 7 characters',
    );
    expect(() => readConfig({ CHAT_ENABLED: 'maybe' }, '/app')).toThrow(
      'CHAT_ENABLED: expected true or false, got a value of 5 characters',
    );
    expect(() => readConfig({ DISCORD_TOKEN: 'short' }, '/app')).toThrow(/^DISCORD_TOKEN: /);
  });
});

describe('createLogger', () => {
  it('never writes the token, even inside an error', () => {
    const lines: string[] = [];
    const token = 'MTIz.secret-token-value.abcdefghijklmnop';
    const logger = createLogger('debug', { secrets: [token], sink: (l) => lines.push(l) });
    logger.error('login failed', {
      error: new Error(`bad token ${token}`),
      header: `Bot ${token}`,
    });
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain(token);
    expect(lines[0]).toContain('[redacted]');
  });

  it('drops lines below its level', () => {
    const lines: string[] = [];
    const logger = createLogger('warn', { sink: (l) => lines.push(l) });
    logger.info('hidden');
    logger.warn('shown', { file: 'a.txt' });
    expect(lines.map((l) => l.replace(/^\S+ /, ''))).toEqual(['WARN shown {"file":"a.txt"}']);
  });
});
