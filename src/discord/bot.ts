/**
 * The Discord bot: one discord.js Client whose REST base comes from the config (tests point it
 * at a fake Discord), the interaction dispatcher, chat-style questions when enabled, and the
 * command sync on ready. `startBot` resolves once the bot is connected and its commands synced.
 */
import { startReranker } from '../answer/similarity.js';
import { Client, Events, GatewayIntentBits, type Interaction, type Message } from 'discord.js';
import type { Config } from '../config.js';
import { openCorpus, type OpenedCorpus } from '../library/open.js';
import { openSearchDatabase } from '../db/search-database.js';
import { watchCorpus, type CorpusWatcher } from '../library/watch.js';
import { openFeedRuntime, type FeedClock, type FeedRuntime } from '../feeds/runtime.js';
import type { Logger } from '../core/log.js';
import { openDigestRuntime, type DigestRuntime, type DigestRuntimeDeps } from './digests.js';
import {
  openButtonState,
  openDatabaseReporting,
  openDigestStorage,
  openSharedDatabase,
} from './storage.js';
import type { Library } from '../library/library.js';
import { createMessageHandler } from './chat.js';
import type { Command, CommandContext } from './command.js';
import { createDispatcher } from './dispatch.js';
import type { ButtonStateStore } from './state.js';
import { syncCommands, type SyncOutcome } from './sync.js';
import { TurnQueue } from '../core/event-loop.js';
import { reportRateLimits, REST_REQUESTS_PER_SECOND } from './rate-limits.js';

/** What the bot needs; everything but config, logger and commands has a default. */
export interface BotDeps {
  readonly config: Config;
  readonly logger: Logger;
  /** Shown by /about; default "dev". */
  readonly version?: string;
  /**
   * The current Library; default: the corpus in CORPUS_DIR, loaded at start and, with
   * WATCH_CORPUS, kept in step with the folder while the bot runs.
   */
  readonly library?: () => Library;
  /** When the served corpus was loaded (ms since epoch), for /about. */
  readonly loadedAt?: () => number;
  readonly now?: () => Date;
  /** The commands to serve and sync: the one list in commands/index.ts, passed in by main. */
  readonly commands: readonly Command[];
  /** Digest scheduler clock and heartbeat (tests drive them by hand); default real time, node-cron. */
  readonly digests?: Pick<DigestRuntimeDeps, 'clock' | 'heartbeat'>;
  /** Feed poller clock, and whether it polls on its own timer (tests tick it by hand); default real time, on. */
  readonly feeds?: { readonly clock?: FeedClock; readonly autoPoll?: boolean };
}

/** A running bot. */
export interface BotHandle {
  readonly client: Client<true>;
  /** What the command sync on ready did ('failed' is logged; the bot serves anyway). */
  readonly sync: SyncOutcome | 'failed';
  readonly buttons: ButtonStateStore;
  /** Scheduled digests; null when their database could not be opened or digests failed to start. */
  readonly digests: DigestRuntime | null;
  /** What /digest tells users about the digest database or start, or null when all is well. */
  readonly digestsNotice: string | null;
  /** Feeds polled into the corpus; null when DATA_DIR's database could not be opened. */
  readonly feeds: FeedRuntime | null;
  /** Disconnects and saves the button state. */
  stop(): Promise<void>;
}

/** The gateway intents: guilds always; guild messages and their content only for chat. */
function intentsFor(config: Config): GatewayIntentBits[] {
  return config.chatEnabled
    ? [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent]
    : [GatewayIntentBits.Guilds];
}

/** Starts the bot; rejects if it cannot log in (the message says why, never the token). */
export async function startBot(deps: BotDeps): Promise<BotHandle> {
  const { config, logger } = deps;
  if (config.discordToken === null) throw new Error('startBot needs DISCORD_TOKEN');
  const now = deps.now ?? (() => new Date());
  const { commands } = deps;
  let library = deps.library;
  let loadedAt = deps.loadedAt;
  let watcher: CorpusWatcher | null = null;
  let digests: DigestRuntime | null = null;
  let digestsNotice: string | null = null;
  // SEARCH_BACKEND=postgres: the corpus is searched in, and shared through, the database.
  let closeSearch = async (): Promise<void> => undefined;
  // What to do once the corpus opened here is all in place (see `opening`).
  let whenOpen = async (_opened: OpenedCorpus): Promise<void> => undefined;
  // One pool per process on DATABASE_URL, for digests, buttons, feeds and the shared search.
  const database = openSharedDatabase(config);
  const rerank = startReranker(config.semanticRerank, logger);
  const closeDatabase = async (): Promise<void> => {
    await rerank.close();
    await closeSearch();
    await database?.end();
  };
  const startedAt = now().getTime();
  // The corpus opened here (no `deps.library`): the bot serves it as soon as it can answer —
  // with a persisted index, once the snapshot's newest segment is in, the others still loading —
  // and the watcher, digests and feeds start once all of it is in place.
  let opening: Promise<OpenedCorpus> | null = null;
  if (library === undefined) {
    let searchable: (early: Library) => void = () => undefined;
    const early = new Promise<Library>((resolve) => (searchable = resolve));
    const corpus = openSearchDatabase(config, database ?? undefined).then((searchDatabase) =>
      openCorpus(config.corpusDir, logger, () => now().getTime(), {
        dataDir: config.dataDir,
        indexWorkers: config.indexWorkers,
        onSearchable: searchable,
        ...(searchDatabase === null ? {} : { sharedSearch: searchDatabase }),
      }),
    );
    opening = corpus;
    let current: Library;
    try {
      current = await Promise.race([early, corpus.then((opened) => opened.library)]);
    } catch (error) {
      await database?.end();
      throw error;
    }
    const loading = current.loading();
    if (loading !== null)
      logger.info('answering from the index while its segments load, newest first', {
        segments: loading.segments,
      });
    // The first autocomplete keystroke would otherwise pay for scanning the vocabulary.
    current.warm();
    let openedAt: number | null = null;
    closeSearch = async () => {
      const opened = await corpus.catch(() => null);
      await current.close();
      await opened?.shared?.close();
    };
    library = () => current;
    loadedAt ??= () => openedAt ?? startedAt;
    whenOpen = async (opened) => {
      current = opened.library;
      openedAt = opened.loadedAt;
      current.warm();
      if (config.watchCorpus) {
        watcher = await watchCorpus(config.corpusDir, () => current, {
          logger,
          initialFiles: opened.files,
          ...(opened.shared === null ? {} : { writer: opened.shared }),
          // New and changed passages count as new material for digests.
          onChange: (change) =>
            void digests?.scheduler
              .recordArrivals(change.upserted)
              .catch((error: unknown) =>
                logger.error('could not note new passages for digests', { error }),
              ),
        });
      }
    };
  }
  // The database is checked (and an unusable file kept aside, reported) before feeds open it.
  let databaseNotice: string | null = null;
  try {
    const checked = openDatabaseReporting(config.dataDir, logger);
    checked.db.close();
    databaseNotice = checked.notice;
  } catch {
    // openDigestStorage reports a database it cannot open (newer schema, permissions).
  }
  const digestStorage = await openDigestStorage(
    config,
    logger.child({ component: 'digests' }),
    database,
  );
  const feeds = await openFeedRuntime(config, logger, {
    clock: deps.feeds?.clock,
    ...(database === null ? {} : { pool: database }),
  });
  if (feeds !== null && !config.watchCorpus && (await feeds.service.store.all()).length > 0)
    logger.warn('WATCH_CORPUS is off: feed articles reach the index only at the next start');
  const buttons = await openButtonState(config, logger, database);
  const served = library;
  const context: CommandContext = {
    // Read at each use: the Library served while the corpus loads may be replaced once it is open.
    get library() {
      return served();
    },
    config,
    logger,
    now,
    buttons,
    loadedAt: loadedAt ?? (() => startedAt),
    version: deps.version ?? 'dev',
    commands: () => commands,
    digests: () => digests?.scheduler ?? null,
    digestsNotice: () => digestsNotice,
    feeds: () => feeds?.service ?? null,
    reranker: rerank.reranker,
    answerQueue: new TurnQueue(),
  };

  const client = new Client({
    intents: intentsFor(config),
    // Processes started separately each serve their shards; digests are posted by whichever
    // process claims a slot, through REST, which needs no shard.
    ...(config.shards !== null
      ? { shards: [...config.shards.ids], shardCount: config.shards.count }
      : {}),
    rest: { api: config.discordApiBase, globalRequestsPerSecond: REST_REQUESTS_PER_SECOND },
    allowedMentions: { parse: [] },
  });
  digests =
    digestStorage.opened === null
      ? null
      : openDigestRuntime({
          storage: digestStorage.opened,
          logger,
          library,
          rest: client.rest,
          ...deps.digests,
        });
  // With DATABASE_URL digests live in PostgreSQL: the SQLite file's notice is not theirs.
  digestsNotice = digestStorage.notice ?? (config.databaseUrl === null ? databaseNotice : null);
  const dispatch = createDispatcher(commands, context);
  client.on(Events.InteractionCreate, (interaction: Interaction) => void dispatch(interaction));
  if (config.chatEnabled) {
    const onMessage = createMessageHandler(context);
    client.on(Events.MessageCreate, (message: Message) => void onMessage(message));
  }
  client.on(Events.Error, (error) => logger.error('Discord client error', { error }));
  client.on(Events.Warn, (message) => logger.warn(`Discord client: ${message}`));
  client.on(Events.ShardDisconnect, (event) =>
    logger.warn('gateway disconnected', { code: event.code }),
  );
  const stopReportingRateLimits = reportRateLimits(client.rest, logger);

  // All or nothing: a start that fails past this point leaves no client, watcher or database open.
  const abandon = async (): Promise<void> => {
    watcher?.close();
    await digests?.stop();
    await feeds?.close();
    await buttons.close();
    await client.destroy();
    stopReportingRateLimits();
    await closeDatabase();
  };
  const ready = new Promise<Client<true>>((resolve) => client.once(Events.ClientReady, resolve));
  let readyClient: Client<true>;
  try {
    await client.login(config.discordToken);
    readyClient = await ready;
  } catch (error) {
    await abandon();
    throw error;
  }
  logger.info('connected to Discord', {
    user: readyClient.user.tag,
    guilds: readyClient.guilds.cache.size,
  });

  let sync: SyncOutcome | 'failed';
  try {
    sync = await syncCommands({
      rest: readyClient.rest,
      definitions: commands.map((c) => c.data.toJSON()),
      target: { applicationId: readyClient.application.id, guildId: config.discordGuildId },
      dataDir: config.dataDir,
      logger,
      now,
    });
  } catch (error) {
    logger.error('command sync failed; serving whatever commands Discord already has', { error });
    sync = 'failed';
  }

  if (opening !== null) {
    try {
      await whenOpen(await opening);
    } catch (error) {
      await abandon();
      throw error;
    }
  }
  // Reconciles unfinished posts, runs slots missed while down (once each), then beats. If that
  // fails the bot still answers questions, with digests off and said to be off.
  try {
    await digests?.start();
  } catch (error) {
    logger.error('digests could not start; /digest is off until the bot restarts', { error });
    await digests?.stop().catch(() => undefined);
    digests = null;
    digestsNotice =
      'Digests are not available right now: they could not start (the log says why). Please tell the bot owner.';
  }
  // Polls due feeds now and every 30 s; new articles reach the index through the watcher.
  if (deps.feeds?.autoPoll !== false) feeds?.service.start();

  return {
    client: readyClient,
    sync,
    buttons,
    digests,
    digestsNotice,
    feeds,
    async stop() {
      watcher?.close();
      await feeds?.close();
      await digests?.stop();
      await buttons.close();
      await readyClient.destroy();
      stopReportingRateLimits();
      await closeDatabase();
    },
  };
}
