/**
 * The feed state as the poller and commands see it, whichever database holds it: the SQLite
 * FeedStore (embedded default) through `sqliteFeedStorage`, or PostgresFeedStore
 * (`DATABASE_URL`), which is one as it is. Every method returns a promise, as a shared database
 * answers over the network.
 */
import { asyncStore, type AsyncStore } from '../db/async-store.js';
import type { FeedStore } from './store.js';
import type { PostgresFeedStore } from './store-postgres.js';

/** The methods both stores have. */
const METHODS = [
  'add',
  'feed',
  'feedByUrl',
  'all',
  'due',
  'remove',
  'claimPoll',
  'renewPoll',
  'releasePoll',
  'recordPoll',
  'moveFeed',
  'item',
  'saveItem',
  'markSeen',
  'pruneItems',
  'claimArticle',
] as const satisfies readonly (keyof FeedStore & keyof PostgresFeedStore)[];

type Method = (typeof METHODS)[number];

/** FeedStore's methods, each returning a promise of what the SQLite store returns. */
export type FeedStorage = AsyncStore<FeedStore, Method>;

/** The SQLite store behind the promise-returning interface. */
export function sqliteFeedStorage(store: FeedStore): FeedStorage {
  return asyncStore(store, METHODS);
}
