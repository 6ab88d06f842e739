/**
 * Command sync: the bot's slash-command definitions are put to Discord (one guild while
 * developing, else globally) only when they changed since the last successful sync, which is
 * remembered as a hash in DATA_DIR. Global command updates are rate limited and slow to spread,
 * so an unchanged restart must not PUT them again.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { replaceFile } from '../core/files.js';
import path from 'node:path';
import { Routes, type REST, type RESTPutAPIApplicationCommandsJSONBody } from 'discord.js';
import type { Logger } from '../core/log.js';

/** File name of the last sync's record in DATA_DIR. */
export const COMMAND_SYNC_FILE = 'command-sync.json';

/** Where the commands go: one guild, or every guild (global). */
export interface SyncTarget {
  readonly applicationId: string;
  /** null: global commands. */
  readonly guildId: string | null;
}

/** The record of the last successful sync. */
interface SyncRecord {
  readonly hash: string;
  readonly applicationId: string;
  readonly guildId: string | null;
  /** ISO time of the sync. */
  readonly syncedAt: string;
}

/** Serialises with object keys sorted, so the hash ignores key order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** SHA-256 (hex) of the definitions and where they go. */
export function hashCommands(
  definitions: RESTPutAPIApplicationCommandsJSONBody,
  target: SyncTarget,
): string {
  return createHash('sha256')
    .update(
      canonicalJson({ definitions, applicationId: target.applicationId, guildId: target.guildId }),
    )
    .digest('hex');
}

/** The last sync's record, or null when there is none (or it is unreadable). */
function readSyncRecord(dataDir: string): SyncRecord | null {
  try {
    const parsed = JSON.parse(
      readFileSync(path.join(dataDir, COMMAND_SYNC_FILE), 'utf8'),
    ) as Partial<SyncRecord>;
    return typeof parsed.hash === 'string' ? (parsed as SyncRecord) : null;
  } catch {
    return null;
  }
}

function writeSyncRecord(dataDir: string, record: SyncRecord): void {
  mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, COMMAND_SYNC_FILE);
  replaceFile(file, JSON.stringify(record, null, 2) + '\n');
}

/** What a sync did. */
export type SyncOutcome = 'synced' | 'unchanged';

/**
 * Puts `definitions` to Discord unless the same definitions were synced to the same target
 * before (`force` puts them anyway, as `npm run deploy-commands` does). Throws the REST error
 * when the PUT fails; the hash is only written after a successful PUT.
 */
export async function syncCommands(options: {
  readonly rest: REST;
  readonly definitions: RESTPutAPIApplicationCommandsJSONBody;
  readonly target: SyncTarget;
  readonly dataDir: string;
  readonly logger: Logger;
  readonly now: () => Date;
  readonly force?: boolean;
}): Promise<SyncOutcome> {
  const { rest, definitions, target, dataDir, logger } = options;
  const hash = hashCommands(definitions, target);
  const last = readSyncRecord(dataDir);
  const scope = target.guildId === null ? 'global' : `guild ${target.guildId}`;
  if (!options.force && last?.hash === hash) {
    logger.info('slash commands unchanged since the last sync; not putting them again', { scope });
    return 'unchanged';
  }
  const route =
    target.guildId === null
      ? Routes.applicationCommands(target.applicationId)
      : Routes.applicationGuildCommands(target.applicationId, target.guildId);
  await rest.put(route, { body: definitions });
  try {
    writeSyncRecord(dataDir, {
      hash,
      applicationId: target.applicationId,
      guildId: target.guildId,
      syncedAt: options.now().toISOString(),
    });
  } catch (error) {
    logger.warn('could not record the command sync; the next start will sync again', {
      dataDir,
      error,
    });
  }
  logger.info(`synced ${definitions.length} slash commands`, { scope });
  return 'synced';
}
