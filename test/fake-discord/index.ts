/**
 * A strict fake Discord for tests: REST (`/api/v10/...`) and the gateway (`/gateway`, ws) on one
 * 127.0.0.1 port, so the real discord.js `Client` can log in and be driven end to end.
 *
 * Start one per test file (every client connected to a fake receives every dispatch):
 *
 * ```ts
 * const fake = await startFakeDiscord();          // options: FakeDiscordOptions
 * // point the bot at it: DISCORD_API_BASE=fake.apiBase, DISCORD_TOKEN=fake.token
 * await fake.waitForClient();                     // a client identified and got READY + GUILD_CREATE
 * const ask = fake.sendCommand('ask', [{ name: 'question', type: 3, value: 'Gomel' }]);
 * const reply = await ask.reply();                // the message the user sees (APIMessage)
 * const more = fake.sendButton(reply, 'more:…');  // a click on a button of that message
 * const done = await more.reply();                // the message after the update
 * const auto = fake.sendAutocomplete('search', [{ name: 'query', type: 3, value: 'gom', focused: true }]);
 * const choices = await auto.choices();
 * fake.sendMessageCreate({ content: `<@${fake.botUserId}> what did Bennett say?`, mentionsBot: true });
 * await fake.waitForRequest((r) => r.method === 'POST' && r.path === `/channels/${fake.channelId}/messages`);
 * fake.setRateLimit({ path: /\/callback$/, times: 1, retryAfter: 0.05 }); // next matching call → 429
 * fake.rejections();                              // every request answered 4xx (assert it is empty)
 * await fake.close();                             // after client.destroy()
 * ```
 *
 * What it enforces, as Discord does:
 * - `Authorization: Bot <token>` on every route except interaction callbacks and webhooks (401);
 *   IDENTIFY with another token closes the gateway with 4004.
 * - Sharding: IDENTIFY's `shard: [id, count]` (default [0, 1]) is echoed in READY, which lists
 *   only the guilds of that shard ((guild_id >> 22) % count), as GUILD_CREATE follows only for
 *   them; a guild's dispatches go only to the connections of its shard. An id outside
 *   0..count-1 closes the gateway with 4010 (Invalid shard).
 * - An interaction is acknowledged once (second → 400 / 40060) within `ackDeadlineMs`, default
 *   3 000 ms (later → 404 / 10062); the callback type must suit the interaction (autocomplete
 *   takes only 8, update types 6/7 only components); editing `@original` or following up before
 *   the acknowledgement → 404 / 10015.
 * - Message, embed, component, autocomplete-choice and command-definition limits
 *   (`limits.ts`) → 400 / 50035 with Discord's nested `errors`; an empty message → 400 / 50006.
 * - Unknown channel → 404 / 10003; a channel marked `forbidden` → 403 / 50001; unknown message →
 *   404 / 10008; unknown route → 404 / 0.
 * - `POST /channels/{id}/messages` with `nonce` and `enforce_nonce: true` returns the message
 *   already created with that nonce in the channel instead of creating another.
 * - `setServerError` answers the next matching requests with a 5xx (default 500).
 * - A multipart upload (discord.js `files`): its `payload_json` is the body, its files are kept in
 *   the request's `files` and become the message's `attachments`; over 10 MiB → 413 / 40005.
 * - `GET /channels/{id}/messages?limit=` lists a channel's messages newest first, without nonces.
 * - `setRateLimit` answers the next matching requests 429 with `retry-after` (seconds) and a
 *   JSON body; @discordjs/rest waits `retry-after` and retries (its `rateLimited` event is only
 *   emitted for waits it schedules itself, not for an unexpected 429 like this one).
 *
 * Every REST request is kept in `requests` (method, decoded path without `/api/v10`, query,
 * parsed JSON body, status and response) so tests assert on what the bot really sent.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type {
  APIApplicationCommandInteractionDataOption,
  APIChannel,
  APIMessage,
  APIUser,
} from 'discord-api-types/v10';
import {
  checkChoices,
  checkCommands,
  checkMessage,
  isEmptyMessage,
  nestErrors,
  type FieldError,
} from './limits.js';
import {
  ALL_PERMISSIONS,
  makeMember,
  makeMessage,
  makeTextChannel,
  makeThread,
  makeUser,
  nextSnowflake,
} from './payloads.js';

/** Settings of one fake; every field has a default. */
export interface FakeDiscordOptions {
  /** The bot token the fake accepts. */
  readonly token?: string;
  /** How long an interaction may go unacknowledged, in ms (Discord: 3 000). */
  readonly ackDeadlineMs?: number;
  /** Gateway heartbeat interval sent in HELLO, in ms. */
  readonly heartbeatIntervalMs?: number;
}

/** What the bot may do in a channel: everything, nothing (50001), or all but start threads. */
type ChannelAccess = 'ok' | 'forbidden' | 'no-threads';

/** One REST request as the fake received and answered it. */
export interface RecordedRequest {
  readonly method: string;
  /** Decoded path below `/api/v10`, e.g. `/webhooks/1/tok/messages/@original`. */
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  /** Parsed JSON body (undefined when there was none); of a multipart upload, its payload_json. */
  readonly body: unknown;
  /** Files of a multipart upload, in order. */
  readonly files: readonly UploadedFile[];
  readonly authorized: boolean;
  status: number;
  response: unknown;
}

/** One file of a multipart upload. */
interface UploadedFile {
  readonly field: string;
  readonly name: string;
  readonly contentType: string;
  readonly data: Buffer;
}

/** Discord's upload limit without server boosts, in bytes (larger → 413 / 40005). */
export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;

/**
 * A multipart/form-data body (how discord.js sends files) read with the platform's own parser:
 * the `payload_json` part as the JSON body, every other part as a file.
 */
async function parseMultipart(
  raw: Buffer,
  type: string,
): Promise<{ body: unknown; files: UploadedFile[] }> {
  const form = await new Request('http://127.0.0.1/', {
    method: 'POST',
    headers: { 'content-type': type },
    body: raw,
  }).formData();
  let body: unknown;
  const files: UploadedFile[] = [];
  for (const [field, value] of form) {
    if (typeof value === 'string') {
      if (field === 'payload_json') body = JSON.parse(value);
      continue;
    }
    files.push({
      field,
      name: value.name,
      contentType: value.type,
      data: Buffer.from(await value.arrayBuffer()),
    });
  }
  return { body, files };
}

/** A rule that makes the next `times` matching requests fail with 429. */
interface RateLimitRule {
  readonly method?: string;
  readonly path: RegExp | string;
  /** How many matching requests get 429, default 1. */
  readonly times?: number;
  /** The `retry-after` value in seconds, default 0.05. */
  readonly retryAfter?: number;
  readonly global?: boolean;
}

/** One interaction the fake sent, with what the bot answered so far. */
interface FakeInteraction {
  readonly id: string;
  readonly token: string;
  /** The INTERACTION_CREATE payload as dispatched. */
  readonly payload: Record<string, unknown>;
  /** Accepted callbacks (normally one): `{ type, data }`. */
  readonly callbacks: { type: number; data?: unknown }[];
  /** Follow-up messages created through the webhook. */
  readonly followUps: APIMessage[];
  /** Resolves with the first accepted callback. */
  acknowledged(): Promise<{ type: number; data?: unknown }>;
  /**
   * Resolves with the message the user sees: a type 4 reply, a type 7 update, or the first edit
   * of `@original` after a deferral (type 5/6).
   */
  reply(): Promise<APIMessage>;
  /** Resolves with the `n`-th (0-based) follow-up message. */
  followUp(n?: number): Promise<APIMessage>;
  /** Resolves with the autocomplete choices (callback type 8). */
  choices(): Promise<{ name: string; value: string | number }[]>;
  /** The current state of `@original`, if any. */
  original(): APIMessage | undefined;
}

/** The running fake. */
export interface FakeDiscord {
  /** `http://127.0.0.1:PORT`. */
  readonly url: string;
  /** REST base to give the bot (DISCORD_API_BASE): `${url}/api`. */
  readonly apiBase: string;
  readonly port: number;
  readonly token: string;
  readonly applicationId: string;
  readonly botUserId: string;
  readonly guildId: string;
  /** The guild's text channel where interactions and messages happen. */
  readonly channelId: string;
  /** The user who sends interactions and messages. */
  readonly user: APIUser;
  readonly requests: RecordedRequest[];
  /** IDENTIFY payloads received (`d`), e.g. to check intents. */
  readonly identifies: Record<string, unknown>[];
  /** Commands stored by PUT, per scope: 'global' or the guild id. */
  readonly commands: Map<string, unknown[]>;
  /** Resolves once at least `count` clients are identified and have their guilds. */
  waitForClient(count?: number): Promise<void>;
  sendInteraction(payload: Record<string, unknown>): FakeInteraction;
  sendCommand(
    name: string,
    options?: APIApplicationCommandInteractionDataOption[],
    extra?: Record<string, unknown>,
  ): FakeInteraction;
  sendAutocomplete(name: string, options: Record<string, unknown>[]): FakeInteraction;
  /** A click on the button `customId` of `message` (which must carry it). */
  sendButton(message: APIMessage, customId: string): FakeInteraction;
  /** Dispatches MESSAGE_CREATE from the fake user and stores the message; returns it. */
  sendMessageCreate(fields: {
    content: string;
    channelId?: string;
    mentionsBot?: boolean;
    /** The message this one replies to (must be stored in the fake). */
    replyTo?: APIMessage;
  }): APIMessage;
  /**
   * Adds a guild text channel (before the client connects, or it will not be cached).
   * `forbidden`: every call about it is 403 / 50001; `no-threads`: only starting a thread is.
   */
  addChannel(id: string, name?: string, access?: ChannelAccess): APIChannel;
  /** A stored channel. */
  channel(id: string): APIChannel | undefined;
  /** Messages stored in a channel (created by the bot or `sendMessageCreate`), oldest first. */
  channelMessages(channelId: string): APIMessage[];
  message(id: string): APIMessage | undefined;
  setRateLimit(rule: RateLimitRule): void;
  /** The next `times` (default 1) matching requests fail with `status` (default 500). */
  setServerError(rule: {
    method?: string;
    path: RegExp | string;
    times?: number;
    status?: number;
  }): void;
  /** Drops every server error set and not yet answered: the server is well again. */
  clearServerErrors(): void;
  /** Resolves with the first recorded request (past or future) matching `predicate`. */
  waitForRequest(predicate: (r: RecordedRequest) => boolean): Promise<RecordedRequest>;
  /** Every request answered with a 4xx status other than a requested 429. */
  rejections(): RecordedRequest[];
  /** Sends a raw gateway dispatch to every identified client whose shard serves the guild. */
  dispatch(event: string, data: unknown): void;
  close(): Promise<void>;
}

/** The default token a fake accepts (shaped like a real one so config validation passes). */
const FAKE_TOKEN = 'fake-bot-token.0123456789.abcdefghij';

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
  ) {
    super(String(body['message']));
  }
}

function apiError(
  status: number,
  code: number,
  message: string,
  errors?: readonly FieldError[],
  prefix?: (string | number)[],
): HttpError {
  return new HttpError(status, {
    code,
    message,
    ...(errors && errors.length > 0 ? { errors: nestErrors(errors, prefix) } : {}),
  });
}

interface InteractionState {
  readonly fake: FakeInteraction;
  readonly type: number;
  readonly sentAt: number;
  /** Message id of `@original` once it exists. */
  originalId: string | undefined;
  /** For components: the message the button is on. */
  readonly sourceMessageId: string | undefined;
  ephemeral: boolean;
  readonly name: string;
}

interface Waiter<T> {
  readonly test: () => T | undefined;
  readonly resolve: (value: T) => void;
}

/** Starts a fake Discord on 127.0.0.1 with an ephemeral port. */
export async function startFakeDiscord(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
  const token = options.token ?? FAKE_TOKEN;
  const ackDeadlineMs = options.ackDeadlineMs ?? 3_000;
  const heartbeatIntervalMs = options.heartbeatIntervalMs ?? 41_250;
  const applicationId = nextSnowflake();
  const botUserId = applicationId;
  const guildId = nextSnowflake();
  const channelId = nextSnowflake();
  const userId = nextSnowflake();
  const botUser = makeUser(botUserId, 'Verbatim', true);
  const user = makeUser(userId, 'reader');

  const requests: RecordedRequest[] = [];
  const identifies: Record<string, unknown>[] = [];
  const commands = new Map<string, unknown[]>();
  const channels = new Map<string, { channel: APIChannel; access: ChannelAccess }>();
  const messages = new Map<string, APIMessage>();
  const interactions = new Map<string, InteractionState>();
  const rateLimits: (RateLimitRule & { remaining: number })[] = [];
  const serverErrors: {
    method?: string;
    path: RegExp | string;
    remaining: number;
    status: number;
  }[] = [];
  const messageByNonce = new Map<string, string>();
  const waiters = new Set<Waiter<unknown>>();
  const sockets = new Set<WebSocket>();
  /** Identified connections and their shard, [id, count]. */
  const identified = new Map<WebSocket, readonly [number, number]>();
  /** Whether a connection of `shard` receives the guild's events (DMs go to shard 0). */
  const serves = ([id, count]: readonly [number, number], guild: string | null): boolean =>
    guild === null ? id === 0 : Number((BigInt(guild) >> 22n) % BigInt(count)) === id;
  let seq = 0;

  channels.set(channelId, {
    channel: makeTextChannel(channelId, guildId, 'general'),
    access: 'ok',
  });

  /** Re-evaluates every pending wait after state changed. */
  const settle = (): void => {
    for (const waiter of [...waiters]) {
      const value = waiter.test();
      if (value !== undefined) {
        waiters.delete(waiter);
        waiter.resolve(value);
      }
    }
  };
  const waitUntil = <T>(test: () => T | undefined): Promise<T> => {
    const now = test();
    if (now !== undefined) return Promise.resolve(now);
    return new Promise<T>((resolve) => {
      waiters.add({ test, resolve } as Waiter<unknown>);
    });
  };

  const send = (socket: WebSocket, payload: unknown): void => {
    socket.send(JSON.stringify(payload));
  };
  const dispatch = (event: string, data: unknown): void => {
    const guild = (data as { guild_id?: unknown } | null)?.guild_id;
    for (const [socket, shard] of identified) {
      if (serves(shard, typeof guild === 'string' ? guild : null))
        send(socket, { op: 0, t: event, s: ++seq, d: data });
    }
  };

  const guildPayload = (): Record<string, unknown> => ({
    id: guildId,
    name: 'Fake Guild',
    icon: null,
    splash: null,
    discovery_splash: null,
    owner_id: userId,
    afk_channel_id: null,
    afk_timeout: 300,
    verification_level: 0,
    default_message_notifications: 0,
    explicit_content_filter: 0,
    roles: [
      {
        id: guildId,
        name: '@everyone',
        color: 0,
        colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
        hoist: false,
        icon: null,
        unicode_emoji: null,
        position: 0,
        permissions: ALL_PERMISSIONS,
        managed: false,
        mentionable: false,
        flags: 0,
      },
    ],
    emojis: [],
    stickers: [],
    features: [],
    mfa_level: 0,
    system_channel_id: null,
    system_channel_flags: 0,
    rules_channel_id: null,
    public_updates_channel_id: null,
    safety_alerts_channel_id: null,
    vanity_url_code: null,
    description: null,
    banner: null,
    premium_tier: 0,
    premium_subscription_count: 0,
    preferred_locale: 'en-US',
    nsfw_level: 0,
    premium_progress_bar_enabled: false,
    joined_at: new Date(0).toISOString(),
    large: false,
    unavailable: false,
    member_count: 2,
    voice_states: [],
    members: [makeMember(botUser), makeMember(user)],
    channels: [...channels.values()]
      .filter((c) => c.channel.type === 0)
      .map((c) => {
        const { guild_id: _g, ...rest } = c.channel as unknown as Record<string, unknown>;
        return rest;
      }),
    threads: [],
    presences: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  });

  const interactionBase = (
    type: number,
    data: unknown,
    extra: Record<string, unknown> = {},
  ): Record<string, unknown> => {
    const entry = channels.get(channelId);
    return {
      id: nextSnowflake(),
      application_id: applicationId,
      type,
      token: `itoken-${nextSnowflake()}-${Math.random().toString(36).slice(2)}`,
      version: 1,
      data,
      guild_id: guildId,
      guild: { id: guildId, locale: 'en-US', features: [] },
      channel_id: channelId,
      channel: entry?.channel,
      member: makeMember(user),
      app_permissions: ALL_PERMISSIONS,
      locale: 'en-US',
      guild_locale: 'en-US',
      entitlements: [],
      authorizing_integration_owners: { '0': guildId },
      context: 0,
      attachment_size_limit: 26_214_400,
      ...extra,
    };
  };

  const sendInteraction = (payload: Record<string, unknown>): FakeInteraction => {
    const target = typeof payload['guild_id'] === 'string' ? payload['guild_id'] : null;
    if (![...identified.values()].some((shard) => serves(shard, target)))
      throw new Error('fake Discord: no client of that shard is connected');
    const id = String(payload['id']);
    const itoken = String(payload['token']);
    const type = Number(payload['type']);
    const data = payload['data'] as Record<string, unknown> | undefined;
    const sourceMessage = payload['message'] as APIMessage | undefined;
    const fake: FakeInteraction = {
      id,
      token: itoken,
      payload,
      callbacks: [],
      followUps: [],
      acknowledged: () => waitUntil(() => fake.callbacks[0]),
      reply: () =>
        waitUntil(() => {
          const state = interactions.get(itoken);
          if (!state) return undefined;
          const first = fake.callbacks[0];
          if (first === undefined) return undefined;
          if (first.type === 4 || first.type === 7)
            return state.originalId ? messages.get(state.originalId) : undefined;
          return replyAfterDefer.get(itoken);
        }),
      followUp: (n = 0) => waitUntil(() => fake.followUps[n]),
      choices: () =>
        waitUntil(() => {
          const cb = fake.callbacks.find((c) => c.type === 8);
          return cb
            ? ((cb.data as { choices: { name: string; value: string | number }[] }).choices ?? [])
            : undefined;
        }),
      original: () => {
        const state = interactions.get(itoken);
        return state?.originalId ? messages.get(state.originalId) : undefined;
      },
    };
    interactions.set(itoken, {
      fake,
      type,
      sentAt: Date.now(),
      originalId: undefined,
      sourceMessageId: sourceMessage?.id,
      ephemeral: false,
      name:
        typeof data?.['name'] === 'string'
          ? data['name']
          : typeof data?.['custom_id'] === 'string'
            ? data['custom_id']
            : '',
    });
    dispatch('INTERACTION_CREATE', payload);
    return fake;
  };
  /** The first edit of `@original` after a deferral, per interaction token. */
  const replyAfterDefer = new Map<string, APIMessage>();

  const sendMessageCreate: FakeDiscord['sendMessageCreate'] = (fields) => {
    const target = fields.channelId ?? channelId;
    const entry = channels.get(target);
    const guild = (entry?.channel as { guild_id?: string } | undefined)?.guild_id ?? guildId;
    const message = makeMessage({
      id: nextSnowflake(),
      channelId: target,
      guildId: guild,
      author: user,
      body: { content: fields.content },
      ...(fields.replyTo
        ? {
            reference: {
              message_id: fields.replyTo.id,
              channel_id: fields.replyTo.channel_id,
              guild_id: guild,
            },
          }
        : {}),
    }) as APIMessage & Record<string, unknown>;
    const mentions: APIUser[] = fields.mentionsBot ? [botUser] : [];
    if (fields.replyTo && fields.replyTo.author.id === botUserId && !mentions.includes(botUser))
      mentions.push(botUser);
    message.mentions = mentions;
    if (fields.replyTo) message['referenced_message'] = fields.replyTo;
    messages.set(message.id, message);
    dispatch('MESSAGE_CREATE', { ...message, member: { ...makeMember(user), user: undefined } });
    return message;
  };

  // ---------------------------------------------------------------- REST
  const rejectMessage = (body: unknown, prefix: (string | number)[] = []): void => {
    const errors = checkMessage(body);
    if (errors.length > 0) throw apiError(400, 50035, 'Invalid Form Body', errors, prefix);
  };
  const requireNonEmpty = (body: unknown): void => {
    if (isEmptyMessage(body)) throw apiError(400, 50006, 'Cannot send an empty message');
  };
  const editMessage = (message: APIMessage, body: Record<string, unknown>): APIMessage => {
    const next = { ...message, edited_timestamp: new Date().toISOString() } as Record<
      string,
      unknown
    >;
    for (const key of ['content', 'embeds', 'components', 'attachments'])
      if (key in body) next[key] = body[key] ?? (key === 'content' ? '' : []);
    if (typeof body['flags'] === 'number')
      next['flags'] = ((message.flags ?? 0) & 64) | (body['flags'] & ~64);
    if (isEmptyMessage({ ...next, embeds: next['embeds'], components: next['components'] })) {
      throw apiError(400, 50006, 'Cannot send an empty message');
    }
    messages.set(message.id, next as unknown as APIMessage);
    return next as unknown as APIMessage;
  };
  const channelFor = (id: string): APIChannel => {
    const entry = channels.get(id);
    if (!entry) throw apiError(404, 10003, 'Unknown Channel');
    if (entry.access === 'forbidden') throw apiError(403, 50001, 'Missing Access');
    return entry.channel;
  };
  const interactionByToken = (itoken: string): InteractionState => {
    const state = interactions.get(itoken);
    if (!state) throw apiError(404, 10015, 'Unknown Webhook');
    return state;
  };
  const createInteractionMessage = (
    state: InteractionState,
    body: Record<string, unknown>,
    ephemeral: boolean,
  ): APIMessage => {
    const payload = state.fake.payload;
    const message = makeMessage({
      id: nextSnowflake(),
      channelId,
      guildId,
      author: botUser,
      webhookId: applicationId,
      applicationId,
      body: {
        ...body,
        flags: (typeof body['flags'] === 'number' ? body['flags'] : 0) | (ephemeral ? 64 : 0),
      },
      interaction: { id: state.fake.id, type: Number(payload['type']), name: state.name, user },
    });
    messages.set(message.id, message);
    return message;
  };

  const routes: {
    method: string;
    pattern: RegExp;
    auth: boolean;
    handle: (
      m: RegExpMatchArray,
      body: unknown,
      query: Record<string, string>,
    ) => { status: number; body?: unknown };
  }[] = [
    {
      method: 'GET',
      pattern: /^\/gateway\/bot$/,
      auth: true,
      handle: () => ({
        status: 200,
        body: {
          url: `ws://127.0.0.1:${port}/gateway`,
          shards: 1,
          session_start_limit: {
            total: 1_000,
            remaining: 999,
            reset_after: 86_400_000,
            max_concurrency: 1,
          },
        },
      }),
    },
    {
      method: 'GET',
      pattern: /^\/gateway$/,
      auth: false,
      handle: () => ({ status: 200, body: { url: `ws://127.0.0.1:${port}/gateway` } }),
    },
    {
      method: 'GET',
      pattern: /^\/users\/@me$/,
      auth: true,
      handle: () => ({ status: 200, body: botUser }),
    },
    {
      method: 'GET',
      pattern: /^\/applications\/@me$/,
      auth: true,
      handle: () => ({
        status: 200,
        body: { id: applicationId, name: 'Verbatim', flags: 0, bot_public: true, description: '' },
      }),
    },
    {
      method: 'POST',
      pattern: /^\/interactions\/(\d+)\/([^/]+)\/callback$/,
      auth: false,
      handle: (m, body, query) => {
        const [, id, itoken] = m;
        const state = interactions.get(itoken ?? '');
        if (!state || state.fake.id !== id) throw apiError(404, 10062, 'Unknown interaction');
        if (Date.now() - state.sentAt > ackDeadlineMs && state.fake.callbacks.length === 0) {
          throw apiError(404, 10062, 'Unknown interaction');
        }
        if (state.fake.callbacks.length > 0)
          throw apiError(400, 40060, 'Interaction has already been acknowledged.');
        const { type, data } = (body ?? {}) as { type?: number; data?: Record<string, unknown> };
        const allowed = state.type === 4 ? [8] : state.type === 3 ? [4, 5, 6, 7, 9] : [4, 5, 9];
        if (typeof type !== 'number' || !allowed.includes(type)) {
          throw apiError(400, 50035, 'Invalid Form Body', [
            {
              path: ['type'],
              code: 'INTERACTION_RESPONSE_TYPE_INVALID',
              message: `Interaction response type ${String(type)} is not valid here`,
            },
          ]);
        }
        let message: APIMessage | undefined;
        if (type === 8) {
          const errors = checkChoices(data);
          if (errors.length > 0) throw apiError(400, 50035, 'Invalid Form Body', errors);
        } else if (type === 4) {
          rejectMessage(data, ['data']);
          requireNonEmpty(data);
          const ephemeral = ((data?.['flags'] as number | undefined) ?? 0) & 64;
          state.ephemeral = ephemeral !== 0;
          message = createInteractionMessage(state, data ?? {}, state.ephemeral);
          state.originalId = message.id;
        } else if (type === 5) {
          state.ephemeral = (((data?.['flags'] as number | undefined) ?? 0) & 64) !== 0;
          message = createInteractionMessage(state, { content: '' }, state.ephemeral);
          state.originalId = message.id;
        } else if (type === 6 || type === 7) {
          const source = state.sourceMessageId ? messages.get(state.sourceMessageId) : undefined;
          if (!source) throw apiError(404, 10008, 'Unknown Message');
          state.originalId = source.id;
          state.ephemeral = ((source.flags ?? 0) & 64) !== 0;
          if (type === 7) {
            rejectMessage(data, ['data']);
            message = editMessage(source, data ?? {});
          }
        }
        state.fake.callbacks.push(data === undefined ? { type } : { type, data });
        if (query['with_response'] === 'true') {
          return {
            status: 200,
            body: {
              interaction: {
                id,
                type: state.type,
                activity_instance_id: null,
                response_message_id: message?.id ?? null,
                response_message_loading: type === 5,
                response_message_ephemeral: state.ephemeral,
              },
              resource: { type, ...(message ? { message } : {}) },
            },
          };
        }
        return { status: 204 };
      },
    },
    {
      method: 'GET',
      pattern: /^\/webhooks\/(\d+)\/([^/]+)\/messages\/@original$/,
      auth: false,
      handle: (m) => {
        const state = interactionByToken(m[2] ?? '');
        const message = state.originalId ? messages.get(state.originalId) : undefined;
        if (!message) throw apiError(404, 10008, 'Unknown Message');
        return { status: 200, body: message };
      },
    },
    {
      method: 'PATCH',
      pattern: /^\/webhooks\/(\d+)\/([^/]+)\/messages\/(@original|\d+)$/,
      auth: false,
      handle: (m, body) => {
        const itoken = m[2] ?? '';
        const state = interactionByToken(itoken);
        if (state.fake.callbacks.length === 0) throw apiError(404, 10015, 'Unknown Webhook');
        const targetId = m[3] === '@original' ? state.originalId : m[3];
        const message = targetId ? messages.get(targetId) : undefined;
        if (!message) throw apiError(404, 10008, 'Unknown Message');
        rejectMessage(body);
        const edited = editMessage(message, (body ?? {}) as Record<string, unknown>);
        if (m[3] === '@original' && !replyAfterDefer.has(itoken))
          replyAfterDefer.set(itoken, edited);
        return { status: 200, body: edited };
      },
    },
    {
      method: 'DELETE',
      pattern: /^\/webhooks\/(\d+)\/([^/]+)\/messages\/(@original|\d+)$/,
      auth: false,
      handle: (m) => {
        const state = interactionByToken(m[2] ?? '');
        if (state.fake.callbacks.length === 0) throw apiError(404, 10015, 'Unknown Webhook');
        const targetId = m[3] === '@original' ? state.originalId : m[3];
        if (!targetId || !messages.delete(targetId)) throw apiError(404, 10008, 'Unknown Message');
        return { status: 204 };
      },
    },
    {
      method: 'POST',
      pattern: /^\/webhooks\/(\d+)\/([^/]+)$/,
      auth: false,
      handle: (m, body) => {
        const state = interactionByToken(m[2] ?? '');
        if (state.fake.callbacks.length === 0) throw apiError(404, 10015, 'Unknown Webhook');
        rejectMessage(body);
        requireNonEmpty(body);
        const flags =
          ((body as Record<string, unknown> | undefined)?.['flags'] as number | undefined) ?? 0;
        const message = createInteractionMessage(
          state,
          (body ?? {}) as Record<string, unknown>,
          (flags & 64) !== 0,
        );
        state.fake.followUps.push(message);
        return { status: 200, body: message };
      },
    },
    {
      method: 'GET',
      pattern: /^\/channels\/(\d+)$/,
      auth: true,
      handle: (m) => ({ status: 200, body: channelFor(m[1] ?? '') }),
    },
    {
      method: 'GET',
      pattern: /^\/channels\/(\d+)\/messages$/,
      auth: true,
      handle: (m, _body, query) => {
        channelFor(m[1] ?? '');
        const limit = Math.min(100, Math.max(1, Number(query['limit'] ?? 50) || 50));
        // Newest first, as Discord lists them; a fetched message carries no nonce.
        const listed = [...messages.values()]
          .filter((message) => message.channel_id === m[1])
          .reverse()
          .slice(0, limit)
          .map((message) => {
            const { nonce: _nonce, ...rest } = message as APIMessage & { nonce?: unknown };
            return rest;
          });
        return { status: 200, body: listed };
      },
    },
    {
      method: 'GET',
      pattern: /^\/channels\/(\d+)\/messages\/(\d+)$/,
      auth: true,
      handle: (m) => {
        channelFor(m[1] ?? '');
        const message = messages.get(m[2] ?? '');
        if (!message || message.channel_id !== m[1]) throw apiError(404, 10008, 'Unknown Message');
        return { status: 200, body: message };
      },
    },
    {
      method: 'POST',
      pattern: /^\/channels\/(\d+)\/messages$/,
      auth: true,
      handle: (m, body) => {
        const channel = channelFor(m[1] ?? '');
        rejectMessage(body);
        requireNonEmpty(body);
        const b = (body ?? {}) as Record<string, unknown>;
        const nonce = b['nonce'];
        const nonceKey =
          typeof nonce === 'string' || typeof nonce === 'number' ? `${channel.id}:${nonce}` : null;
        if (nonceKey !== null && b['enforce_nonce'] === true) {
          const existing = messages.get(messageByNonce.get(nonceKey) ?? '');
          if (existing) return { status: 200, body: existing };
        }
        const ref = b['message_reference'] as { message_id?: string } | undefined;
        if (ref?.message_id !== undefined && !messages.has(ref.message_id)) {
          throw apiError(400, 50035, 'Invalid Form Body', [
            {
              path: ['message_reference'],
              code: 'MESSAGE_REFERENCE_UNKNOWN_MESSAGE',
              message: 'Unknown message',
            },
          ]);
        }
        const message = makeMessage({
          id: nextSnowflake(),
          channelId: channel.id,
          guildId,
          author: botUser,
          body: b,
          ...(ref?.message_id
            ? {
                reference: {
                  message_id: ref.message_id,
                  channel_id: channel.id,
                  guild_id: guildId,
                },
              }
            : {}),
        });
        messages.set(message.id, message);
        if (nonceKey !== null) {
          messageByNonce.set(nonceKey, message.id);
          (message as { nonce?: string | number }).nonce = nonce as string | number;
        }
        return { status: 200, body: message };
      },
    },
    {
      method: 'POST',
      pattern: /^\/channels\/(\d+)\/messages\/(\d+)\/threads$/,
      auth: true,
      handle: (m, body) => {
        const parent = channelFor(m[1] ?? '');
        if (parent.type !== 0)
          throw apiError(400, 50024, 'Cannot execute action on this channel type');
        if (!messages.has(m[2] ?? '')) throw apiError(404, 10008, 'Unknown Message');
        if (channels.get(parent.id)?.access === 'no-threads') {
          throw apiError(403, 50001, 'Missing Access');
        }
        const name = (body as Record<string, unknown> | undefined)?.['name'];
        if (typeof name !== 'string' || name.length < 1 || name.length > 100) {
          throw apiError(400, 50035, 'Invalid Form Body', [
            {
              path: ['name'],
              code: 'BASE_TYPE_BAD_LENGTH',
              message: 'Must be between 1 and 100 in length.',
            },
          ]);
        }
        const thread = makeThread(nextSnowflake(), guildId, parent.id, name, botUserId);
        channels.set(thread.id, { channel: thread, access: 'ok' });
        return { status: 201, body: thread };
      },
    },
    {
      method: 'PUT',
      pattern: /^\/applications\/(\d+)\/commands$/,
      auth: true,
      handle: (m, body) => putCommands(m[1] ?? '', 'global', body),
    },
    {
      method: 'PUT',
      pattern: /^\/applications\/(\d+)\/guilds\/(\d+)\/commands$/,
      auth: true,
      handle: (m, body) => putCommands(m[1] ?? '', m[2] ?? '', body),
    },
    {
      method: 'GET',
      pattern: /^\/applications\/(\d+)\/commands$/,
      auth: true,
      handle: () => ({ status: 200, body: commands.get('global') ?? [] }),
    },
    {
      method: 'GET',
      pattern: /^\/applications\/(\d+)\/guilds\/(\d+)\/commands$/,
      auth: true,
      handle: (m) => ({ status: 200, body: commands.get(m[2] ?? '') ?? [] }),
    },
  ];

  function putCommands(
    appId: string,
    scope: string,
    body: unknown,
  ): { status: number; body: unknown } {
    if (appId !== applicationId) throw apiError(403, 50001, 'Missing Access');
    if (scope !== 'global' && scope !== guildId) throw apiError(403, 50001, 'Missing Access');
    const errors = checkCommands(body);
    if (errors.length > 0) throw apiError(400, 50035, 'Invalid Form Body', errors);
    const stored = (body as Record<string, unknown>[]).map((command) => ({
      id: nextSnowflake(),
      application_id: applicationId,
      version: nextSnowflake(),
      type: 1,
      default_member_permissions: null,
      nsfw: false,
      ...(scope === 'global' ? {} : { guild_id: scope }),
      ...command,
    }));
    commands.set(scope, stored);
    return { status: 200, body: stored };
  }

  const readBody = (req: http.IncomingMessage): Promise<Buffer> =>
    new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => resolve(Buffer.concat(chunks)));
      req.on('error', reject);
    });

  const server = http.createServer((req, res) => {
    void (async () => {
      const raw = await readBody(req);
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const method = (req.method ?? 'GET').toUpperCase();
      const path = decodeURIComponent(url.pathname).replace(/^\/api\/v10/, '');
      let body: unknown;
      let status = 200;
      let response: unknown;
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      const record: RecordedRequest = {
        method,
        path,
        query: Object.fromEntries(url.searchParams),
        body: undefined,
        files: [],
        authorized: req.headers.authorization === `Bot ${token}`,
        status: 0,
        response: undefined,
      };
      try {
        const type = req.headers['content-type'] ?? '';
        if (raw.length > 0 && type.startsWith('multipart/form-data')) {
          let parsed;
          try {
            parsed = await parseMultipart(raw, type);
          } catch {
            throw apiError(400, 50109, 'The request body contains invalid JSON.');
          }
          // The message keeps the uploaded files as its attachments, as Discord stores them.
          body = {
            ...(parsed.body as Record<string, unknown> | undefined),
            attachments: parsed.files.map((f) => {
              const id = nextSnowflake();
              return {
                id,
                filename: f.name,
                size: f.data.byteLength,
                content_type: f.contentType,
                url: `http://127.0.0.1:${port}/attachments/${id}/${f.name}`,
              };
            }),
          };
          (record as { files: readonly UploadedFile[] }).files = parsed.files;
          if (parsed.files.reduce((n, f) => n + f.data.byteLength, 0) > MAX_UPLOAD_BYTES)
            throw apiError(413, 40005, 'Request entity too large');
        } else if (raw.length > 0) {
          if (!type.includes('application/json'))
            throw apiError(400, 50109, 'The request body contains invalid JSON.');
          try {
            body = JSON.parse(raw.toString('utf8'));
          } catch {
            throw apiError(400, 50109, 'The request body contains invalid JSON.');
          }
        }
        (record as { body: unknown }).body = body;
        if (!url.pathname.startsWith('/api/v10/')) throw apiError(404, 0, '404: Not Found');
        const limit = rateLimits.find(
          (rule) =>
            rule.remaining > 0 &&
            (rule.method === undefined || rule.method.toUpperCase() === method) &&
            (typeof rule.path === 'string' ? rule.path === path : rule.path.test(path)),
        );
        if (limit) {
          limit.remaining -= 1;
          const retryAfter = limit.retryAfter ?? 0.05;
          headers['retry-after'] = String(retryAfter);
          headers['x-ratelimit-scope'] = limit.global ? 'global' : 'user';
          if (limit.global) headers['x-ratelimit-global'] = 'true';
          throw new HttpError(429, {
            message: 'You are being rate limited.',
            retry_after: retryAfter,
            global: limit.global ?? false,
          });
        }
        const failure = serverErrors.find(
          (rule) =>
            rule.remaining > 0 &&
            (rule.method === undefined || rule.method.toUpperCase() === method) &&
            (typeof rule.path === 'string' ? rule.path === path : rule.path.test(path)),
        );
        if (failure) {
          failure.remaining -= 1;
          throw new HttpError(failure.status, { message: 'Internal Server Error', code: 0 });
        }
        const route = routes.find((r) => r.method === method && r.pattern.test(path));
        if (!route) throw apiError(404, 0, '404: Not Found');
        if (route.auth && !record.authorized) throw apiError(401, 0, '401: Unauthorized');
        const result = route.handle(
          path.match(route.pattern) as RegExpMatchArray,
          body,
          record.query,
        );
        status = result.status;
        response = result.body;
      } catch (error) {
        if (error instanceof HttpError) {
          status = error.status;
          response = error.body;
        } else {
          status = 500;
          response = { code: 0, message: `fake Discord: ${(error as Error).message}` };
        }
      }
      record.status = status;
      record.response = response;
      requests.push(record);
      if (status === 204 || response === undefined) {
        delete headers['content-type'];
        res.writeHead(status, headers).end();
      } else {
        res.writeHead(status, headers).end(JSON.stringify(response));
      }
      settle();
    })();
  });

  // ---------------------------------------------------------------- gateway
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    if (!(req.url ?? '').startsWith('/gateway')) {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });
  wss.on('connection', (ws) => {
    sockets.add(ws);
    ws.on('close', () => {
      sockets.delete(ws);
      identified.delete(ws);
    });
    send(ws, { op: 10, d: { heartbeat_interval: heartbeatIntervalMs }, s: null, t: null });
    ws.on('message', (raw) => {
      let packet: { op?: number; d?: unknown };
      try {
        packet = JSON.parse(String(raw)) as { op?: number; d?: unknown };
      } catch {
        ws.close(4002, 'Decode error');
        return;
      }
      switch (packet.op) {
        case 1:
          send(ws, { op: 11, d: null, s: null, t: null });
          return;
        case 2: {
          const d = (packet.d ?? {}) as Record<string, unknown>;
          identifies.push(d);
          if (d['token'] !== token && d['token'] !== `Bot ${token}`) {
            ws.close(4004, 'Authentication failed.');
            return;
          }
          const asked = Array.isArray(d['shard']) ? (d['shard'] as unknown[]) : [0, 1];
          const shard = [Number(asked[0]), Number(asked[1])] as const;
          const [shardId, shardCount] = shard;
          if (
            asked.length !== 2 ||
            !Number.isInteger(shardId) ||
            !Number.isInteger(shardCount) ||
            shardId < 0 ||
            shardId >= shardCount
          ) {
            ws.close(4010, 'Invalid shard.');
            return;
          }
          const mine = serves(shard, guildId);
          const sessionId = nextSnowflake();
          send(ws, {
            op: 0,
            t: 'READY',
            s: ++seq,
            d: {
              v: 10,
              user: { ...botUser, verified: true, mfa_enabled: false, email: null },
              guilds: mine ? [{ id: guildId, unavailable: true }] : [],
              session_id: sessionId,
              resume_gateway_url: `ws://127.0.0.1:${port}/gateway`,
              shard,
              application: { id: applicationId, flags: 0 },
              private_channels: [],
              relationships: [],
              user_settings: {},
              presences: [],
              guild_join_requests: [],
              geo_ordered_rtc_regions: [],
            },
          });
          if (mine) send(ws, { op: 0, t: 'GUILD_CREATE', s: ++seq, d: guildPayload() });
          identified.set(ws, shard);
          settle();
          return;
        }
        case 6:
          ws.close(4009, 'Session timed out');
          return;
        default:
          return;
      }
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;

  const fake: FakeDiscord = {
    url,
    apiBase: `${url}/api`,
    port,
    token,
    applicationId,
    botUserId,
    guildId,
    channelId,
    user,
    requests,
    identifies,
    commands,
    waitForClient: (count = 1) =>
      waitUntil(() => (identified.size >= count ? true : undefined)).then(() => undefined),
    sendInteraction,
    sendCommand: (name, options = [], extra = {}) =>
      sendInteraction(
        interactionBase(
          2,
          { id: nextSnowflake(), name, type: 1, options, guild_id: guildId },
          extra,
        ),
      ),
    sendAutocomplete: (name, options) =>
      sendInteraction(
        interactionBase(4, { id: nextSnowflake(), name, type: 1, options, guild_id: guildId }),
      ),
    sendButton: (message, customId) => {
      const carried = (message.components ?? []).some((row) =>
        ((row as { components?: { custom_id?: string }[] }).components ?? []).some(
          (c) => c.custom_id === customId,
        ),
      );
      if (!carried) throw new Error(`fake Discord: the message has no button "${customId}"`);
      return sendInteraction(
        interactionBase(3, { custom_id: customId, component_type: 2 }, { message }),
      );
    },
    sendMessageCreate,
    addChannel: (id, name = 'channel', access = 'ok') => {
      const channel = makeTextChannel(id, guildId, name);
      channels.set(id, { channel, access });
      return channel;
    },
    channel: (id) => channels.get(id)?.channel,
    channelMessages: (id) => [...messages.values()].filter((m) => m.channel_id === id),
    message: (id) => messages.get(id),
    setServerError: (rule) => {
      serverErrors.push({ ...rule, remaining: rule.times ?? 1, status: rule.status ?? 500 });
    },
    clearServerErrors: () => {
      serverErrors.length = 0;
    },
    setRateLimit: (rule) => {
      rateLimits.push({ ...rule, remaining: rule.times ?? 1 });
    },
    waitForRequest: (predicate) => waitUntil(() => requests.find(predicate)),
    rejections: () => requests.filter((r) => r.status >= 400 && r.status !== 429),
    dispatch,
    close: async () => {
      for (const socket of sockets) socket.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return fake;
}
