/**
 * The digest state as the scheduler and commands see it, whichever database holds it: the
 * SQLite DigestStore (embedded default) through `sqliteDigestStorage`, or PostgresDigestStore
 * (`DATABASE_URL`), which is one as it is. Every method returns a promise, as a shared database answers over the
 * network.
 */
import { asyncStore, type AsyncStore } from '../db/async-store.js';
import type { DigestStore } from './store.js';
import type { PostgresDigestStore } from './store-postgres.js';

/** The methods both stores have. */
const METHODS = [
  'addSubscription',
  'subscription',
  'subscriptionsOf',
  'dueSubscriptions',
  'activeSubscriptions',
  'removeSubscription',
  'updateSubscription',
  'pauseSubscription',
  'resumeSubscription',
  'setNextRun',
  'setBaseline',
  'guildTimeZone',
  'setGuildTimeZone',
  'claimRun',
  'releaseRun',
  'releaseLeases',
  'startRun',
  'finishRun',
  'closeInterruptedRuns',
  'pruneQuietRuns',
  'runsOf',
  'isDelivered',
  'recordIntent',
  'markSent',
  'passageCountOf',
  'markFailed',
  'pendingPosts',
  'post',
  'postsOf',
  'recordPassagesSeen',
  'firstSeen',
] as const satisfies readonly (keyof DigestStore & keyof PostgresDigestStore)[];

type Method = (typeof METHODS)[number];

/** DigestStore's methods, each returning a promise of what the SQLite store returns. */
export type DigestStorage = AsyncStore<DigestStore, Method>;

/** The SQLite store behind the promise-returning interface. */
export function sqliteDigestStorage(store: DigestStore): DigestStorage {
  return asyncStore(store, METHODS);
}
