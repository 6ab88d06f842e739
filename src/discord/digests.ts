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
import { DATABASE_FILE, openDatabase, type Db } from '../db/db.js';
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

/**
 * Opens `DATA_DIR/verbatim.db` and builds the scheduler (not yet started). Returns null, after
 * logging why, when the database cannot be opened: the bot then serves without digests.
 */
export function openDigestRuntime(deps: DigestRuntimeDeps): DigestRuntime | null {
  const logger = deps.logger.child({ component: 'digests' });
  let db: Db;
  try {
    db = openDatabase(path.join(deps.config.dataDir, DATABASE_FILE));
  } catch (error) {
    logger.error('cannot open the digest database; /digest is unavailable', {
      dir: deps.config.dataDir,
      error,
    });
    return null;
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
  return {
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
}
