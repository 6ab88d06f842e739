/**
 * Digests inside the running bot: builds the scheduler on the digest storage (src/discord/
 * storage.ts) and the bot's REST client, and on start reconciles, catches up and beats. The
 * bot's corpus watcher reports changed articles to `scheduler.recordArrivals` so they reach the
 * next digest.
 */
import type { REST } from 'discord.js';
import type { Logger } from '../core/log.js';
import type { Library } from '../library/library.js';
import { createDiscordSender, createSentMessageFinder } from './digest-sender.js';
import type { OpenedDigestStorage } from './storage.js';
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
  readonly storage: OpenedDigestStorage;
  readonly logger: Logger;
  readonly library: () => Library;
  readonly rest: REST;
  /** Tests inject a clock and drive the heartbeat by hand. */
  readonly clock?: Clock;
  readonly heartbeat?: Heartbeat;
}

/** Builds the scheduler on open storage (not yet started); `stop` closes the storage. */
export function openDigestRuntime(deps: DigestRuntimeDeps): DigestRuntime {
  const logger = deps.logger.child({ component: 'digests' });
  const { storage, leaseOwner } = deps.storage;
  const scheduler = new DigestScheduler({
    store: storage,
    library: deps.library,
    send: createDiscordSender(deps.rest),
    findSent: createSentMessageFinder(deps.rest),
    logger,
    ...(deps.clock !== undefined ? { clock: deps.clock } : {}),
    ...(leaseOwner !== undefined ? { leaseOwner } : {}),
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
      await deps.storage.close();
    },
  };
}
