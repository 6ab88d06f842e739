/**
 * Digests inside the running bot: opens the SQLite file in DATA_DIR, builds the scheduler on the
 * bot's REST client, and on start reconciles, catches up and beats. The bot's corpus watcher
 * reports changed articles to `scheduler.recordArrivals` so they reach the next digest.
 */
import path from 'node:path';
import type { REST } from 'discord.js';
import type { Config } from '../config.js';
import type { Logger } from '../core/log.js';
import type { Library } from '../library/library.js';
import { DATABASE_FILE, DatabaseTooNewError, openDatabaseKeepingAside, type Db } from '../db/db.js';
import { DigestStore } from '../digest/store.js';
import { createDiscordSender, createSentMessageFinder } from './digest-sender.js';
import {
  CRON_HEARTBEAT,
  DigestScheduler,
  type Clock,
  type Heartbeat,
} from '../scheduler/scheduler.js';

/** Digests wired into one bot process. */
export interface DigestRuntime {
  readonly scheduler: DigestScheduler;
  /** Reconciles, runs missed slots once, starts the heartbeat. */
  start(): Promise<void>;
  /** Stops the heartbeat, waits for runs in progress, closes the database. */
  stop(): Promise<void>;
}

/** What the runtime needs from the bot. */
export interface DigestRuntimeDeps {
  readonly config: Config;
  readonly logger: Logger;
  readonly library: () => Library;
  readonly rest: REST;
  readonly servesGuild?: (guildId: string) => boolean;
  /** Tests inject a clock and drive the heartbeat by hand. */
  readonly clock?: Clock;
  readonly heartbeat?: Heartbeat;
}

/** The runtime, when digests can run, and what the owner and /digest should be told. */
export interface OpenedDigests {
  readonly runtime: DigestRuntime | null;
  /** One sentence for /digest about the database (kept aside, refused), or null when all is well. */
  readonly notice: string | null;
}

/**
 * Opens `DATA_DIR/verbatim.db` as openDatabaseKeepingAside does, logging (as an error) and
 * returning the sentence to tell /digest users when an empty or damaged file was kept aside.
 * The bot calls it before anything else opens the file (feeds share it), so the first opener
 * cannot silently start a fresh database; later openers find the new one.
 */
export function openDatabaseReporting(
  dataDir: string,
  logger: Logger,
): { readonly db: Db; readonly notice: string | null } {
  const opened = openDatabaseKeepingAside(path.join(dataDir, DATABASE_FILE));
  if (opened.setAside === null) return { db: opened.db, notice: null };
  const keptAs = path.basename(opened.setAside.keptAs);
  logger.error('the database could not be used; kept it aside and started a new one', {
    problem: opened.setAside.problem,
    detail: opened.setAside.detail,
    keptAs: opened.setAside.keptAs,
  });
  return {
    db: opened.db,
    notice: `The digest database was ${opened.setAside.problem} when I started, so I kept it aside as \`${keptAs}\` in my data folder and started a new one: digests made before are not scheduled until the bot owner restores that file.`,
  };
}

/**
 * Opens `DATA_DIR/verbatim.db` and builds the scheduler (not yet started). An empty or damaged
 * file is kept aside under a dated name and a new database is started (logged as an error, and
 * `notice` says so); a database from a newer Verbatim, or one that cannot be opened at all,
 * leaves `runtime` null and `notice` saying why: the bot then serves without digests.
 */
export function openDigestRuntime(deps: DigestRuntimeDeps): OpenedDigests {
  const logger = deps.logger.child({ component: 'digests' });
  const file = path.join(deps.config.dataDir, DATABASE_FILE);
  let db: Db;
  let notice: string | null;
  try {
    ({ db, notice } = openDatabaseReporting(deps.config.dataDir, logger));
  } catch (error) {
    logger.error('cannot open the digest database; /digest is unavailable', { file, error });
    const why =
      error instanceof DatabaseTooNewError
        ? `my database was written by a newer Verbatim (schema ${error.version}); I left it untouched`
        : 'my database could not be opened';
    return {
      runtime: null,
      notice: `Digests are not available right now: ${why}. Please tell the bot owner.`,
    };
  }
  const scheduler = new DigestScheduler({
    store: new DigestStore(db),
    library: deps.library,
    send: createDiscordSender(deps.rest),
    findSent: createSentMessageFinder(deps.rest),
    logger,
    ...(deps.clock !== undefined ? { clock: deps.clock } : {}),
    ...(deps.servesGuild !== undefined ? { servesGuild: deps.servesGuild } : {}),
  });
  let stopped = false;
  const runtime: DigestRuntime = {
    scheduler,
    async start() {
      await scheduler.start(deps.heartbeat ?? CRON_HEARTBEAT);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await scheduler.stop();
      db.close();
    },
  };
  return { runtime, notice };
}
