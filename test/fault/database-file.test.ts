/**
 * Issue 16 item 2: a digest database that is empty, damaged or from a newer Verbatim is never
 * silently replaced: an unusable file is kept aside under a dated name and reported; a newer one
 * is left untouched and refused.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DatabaseTooNewError,
  openDatabase,
  openDatabaseKeepingAside,
  SCHEMA_VERSION,
} from '../../src/db/db.js';
import { DigestStore } from '../../src/digest/store.js';

const NOW = new Date(Date.UTC(2026, 11, 2, 7, 30, 5));
let dir: string;
let file: string;

/** A database with one subscription, closed. */
function databaseWithOneSubscription(): void {
  const db = openDatabase(file);
  new DigestStore(db).addSubscription(
    {
      guildId: '100000000000000001',
      channelId: '100000000000000002',
      topic: 'talks',
      schedule: 'daily 09:00',
      timeZone: 'UTC',
      maxQuotes: 5,
      postWhenEmpty: false,
      createdBy: null,
    },
    0,
    null,
  );
  // Enough rows that the file spans many pages, so damage past page one is in real data.
  const insert = db.prepare('INSERT INTO passages_seen (passage_key, first_seen_at) VALUES (?, ?)');
  db.transaction(() => {
    for (let i = 0; i < 2_000; i++) insert.run(`key-${i}-${'x'.repeat(40)}`, i);
  })();
  db.close();
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'verbatim-fault-db-'));
  file = path.join(dir, 'verbatim.db');
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('openDatabaseKeepingAside', () => {
  it('opens a healthy database as it is, setting nothing aside', () => {
    databaseWithOneSubscription();
    const opened = openDatabaseKeepingAside(file, NOW);
    expect(opened.setAside).toBeNull();
    expect(new DigestStore(opened.db).subscriptionsOf('100000000000000001')).toHaveLength(1);
    opened.db.close();
  });

  it('keeps an empty (0-byte) file aside under a dated name and starts a new one', () => {
    fs.writeFileSync(file, '');
    const opened = openDatabaseKeepingAside(file, NOW);
    expect(opened.setAside).toEqual({
      problem: 'empty',
      keptAs: path.join(dir, 'verbatim.db.empty-2026-12-02T07-30-05Z'),
      detail: 'the file is empty (0 bytes)',
    });
    expect(fs.statSync(opened.setAside!.keptAs).size).toBe(0);
    expect(opened.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    opened.db.close();
  });

  it('keeps a database with pages past the first overwritten aside, with its WAL', () => {
    databaseWithOneSubscription();
    const bytes = fs.readFileSync(file);
    const pageSize = bytes.readUInt16BE(16);
    expect(bytes.length).toBeGreaterThan(4 * pageSize);
    bytes.fill(0xa5, pageSize, bytes.length);
    fs.writeFileSync(file, bytes);
    fs.writeFileSync(`${file}-wal`, Buffer.alloc(0));
    const opened = openDatabaseKeepingAside(file, NOW);
    expect(opened.setAside).toMatchObject({
      problem: 'damaged',
      keptAs: path.join(dir, 'verbatim.db.damaged-2026-12-02T07-30-05Z'),
    });
    expect(fs.readFileSync(opened.setAside!.keptAs).equals(bytes)).toBe(true);
    expect(fs.existsSync(`${opened.setAside!.keptAs}-wal`)).toBe(true);
    expect(new DigestStore(opened.db).subscriptionsOf('100000000000000001')).toEqual([]);
    opened.db.close();
  });

  it('keeps a file that is not a database at all aside', () => {
    fs.writeFileSync(file, 'these are not the bytes of an SQLite database, '.repeat(200));
    const opened = openDatabaseKeepingAside(file, NOW);
    expect(opened.setAside?.problem).toBe('damaged');
    opened.db.close();
  });

  it('leaves a database from a newer Verbatim untouched and refuses it', () => {
    databaseWithOneSubscription();
    const db = openDatabase(file);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    const before = fs.readFileSync(file);
    expect(() => openDatabaseKeepingAside(file, NOW)).toThrow(DatabaseTooNewError);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
    expect(fs.readdirSync(dir).filter((f) => f.includes('verbatim.db.'))).toEqual([]);
  });
});
