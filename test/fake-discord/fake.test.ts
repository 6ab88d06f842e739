import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Client,
  DiscordAPIError,
  Events,
  GatewayIntentBits,
  MessageFlags,
  type Interaction,
} from 'discord.js';
import { WebSocket } from 'ws';
import { startFakeDiscord, type FakeDiscord } from './index.js';

/** Runs `handler` for the next interaction the client receives and resolves with its outcome. */
function nextInteraction(
  client: Client,
  handler: (i: Interaction) => Promise<unknown>,
): Promise<unknown> {
  return new Promise((resolve) => {
    client.once(Events.InteractionCreate, (interaction) => {
      handler(interaction).then(resolve, resolve);
    });
  });
}

describe('the fake Discord', () => {
  let fake: FakeDiscord;
  let client: Client;

  beforeAll(async () => {
    // A short deadline keeps the late-acknowledgement case quick; Discord's own is 3 s.
    fake = await startFakeDiscord({ ackDeadlineMs: 300 });
    fake.addChannel('111111111111111111', 'secret', 'forbidden');
    client = new Client({
      intents: [GatewayIntentBits.Guilds],
      rest: { api: fake.apiBase },
      allowedMentions: { parse: [] },
    });
    const ready = new Promise((resolve) => client.once(Events.ClientReady, resolve));
    await client.login(fake.token);
    await ready;
  });

  afterAll(async () => {
    await client.destroy();
    await fake.close();
  });

  it('lets the real client log in and see its guild and channel', () => {
    expect(client.user?.id).toBe(fake.botUserId);
    expect(client.guilds.cache.get(fake.guildId)?.channels.cache.has(fake.channelId)).toBe(true);
    expect(fake.identifies[0]?.['intents']).toBe(GatewayIntentBits.Guilds);
  });

  it('records a slash-command reply with its flags', async () => {
    const outcome = nextInteraction(client, async (i) => {
      if (!i.isChatInputCommand()) throw new Error('expected a slash command');
      expect(i.options.getString('question')).toBe('hello');
      await i.reply({ content: 'hi', flags: MessageFlags.Ephemeral });
    });
    const sent = fake.sendCommand('ask', [{ name: 'question', type: 3, value: 'hello' }]);
    await outcome;
    const reply = await sent.reply();
    expect(reply.content).toBe('hi');
    expect(reply.flags).toBe(64);
  });

  it('returns the edited @original after a deferral', async () => {
    const outcome = nextInteraction(client, async (i) => {
      if (!i.isChatInputCommand()) throw new Error('expected a slash command');
      await i.deferReply();
      await i.editReply({ content: 'later' });
    });
    const sent = fake.sendCommand('ask');
    await outcome;
    expect((await sent.acknowledged()).type).toBe(5);
    expect((await sent.reply()).content).toBe('later');
  });

  it('rejects a second acknowledgement with 40060', async () => {
    const outcome = nextInteraction(client, async (i) => {
      if (!i.isChatInputCommand()) throw new Error('expected a slash command');
      await i.reply({ content: 'once' });
      // Bypass discord.js's own guard to hit the API as a buggy bot would.
      await client.rest.post(`/interactions/${i.id}/${i.token}/callback`, {
        body: { type: 4, data: { content: 'twice' } },
      });
    });
    fake.sendCommand('ask');
    const error = await outcome;
    expect(error).toBeInstanceOf(DiscordAPIError);
    expect((error as DiscordAPIError).code).toBe(40060);
  });

  it('rejects an acknowledgement after the deadline with 10062', async () => {
    const outcome = nextInteraction(client, async (i) => {
      if (!i.isChatInputCommand()) throw new Error('expected a slash command');
      await new Promise((r) => setTimeout(r, 400));
      await i.reply({ content: 'too late' });
    });
    fake.sendCommand('ask');
    const error = await outcome;
    expect((error as DiscordAPIError).code).toBe(10062);
    expect((error as DiscordAPIError).message).toBe('Unknown interaction');
  });

  it('rejects an embed description over 4,096 characters with 50035', async () => {
    const outcome = nextInteraction(client, async (i) => {
      if (!i.isChatInputCommand()) throw new Error('expected a slash command');
      await i.reply({ embeds: [{ description: 'x'.repeat(4_097) }] });
    });
    const sent = fake.sendCommand('ask');
    const error = (await outcome) as DiscordAPIError;
    expect(error.code).toBe(50035);
    expect(error.rawError).toEqual({
      code: 50035,
      message: 'Invalid Form Body',
      errors: {
        data: {
          embeds: {
            '0': {
              description: {
                _errors: [
                  { code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 4096 or fewer in length.' },
                ],
              },
            },
          },
        },
      },
    });
    expect(sent.callbacks).toEqual([]);
  });

  it('rejects allowed_mentions that parse users and also list user ids', async () => {
    const outcome = nextInteraction(client, async (i) => {
      if (!i.isChatInputCommand()) throw new Error('expected a slash command');
      await i.reply({
        content: 'hi',
        allowedMentions: { parse: ['users'], users: ['123456789012345678'] },
      });
    });
    fake.sendCommand('ask');
    expect(((await outcome) as DiscordAPIError).code).toBe(50035);
  });

  it('rejects embeds over 6,000 characters in all, though each field fits', async () => {
    const fields = Array.from({ length: 7 }, (_, n) => ({
      name: `f${n}`,
      value: 'y'.repeat(1_000),
    }));
    const outcome = nextInteraction(client, async (i) => {
      if (!i.isChatInputCommand()) throw new Error('expected a slash command');
      await i.reply({ embeds: [{ fields }] });
    });
    fake.sendCommand('ask');
    expect(((await outcome) as DiscordAPIError).code).toBe(50035);
  });

  it('rejects 26 autocomplete choices and a 101-character choice name', async () => {
    const tooMany = Array.from({ length: 26 }, (_, n) => ({ name: `c${n}`, value: `c${n}` }));
    const first = nextInteraction(client, async (i) => {
      if (!i.isAutocomplete()) throw new Error('expected autocomplete');
      await client.rest.post(`/interactions/${i.id}/${i.token}/callback`, {
        body: { type: 8, data: { choices: tooMany } },
      });
    });
    fake.sendAutocomplete('search', [{ name: 'query', type: 3, value: 'c', focused: true }]);
    expect(((await first) as DiscordAPIError).code).toBe(50035);

    const second = nextInteraction(client, async (i) => {
      if (!i.isAutocomplete()) throw new Error('expected autocomplete');
      await i.respond([{ name: 'n'.repeat(101), value: 'v' }]);
    });
    fake.sendAutocomplete('search', [{ name: 'query', type: 3, value: 'c', focused: true }]);
    expect(((await second) as DiscordAPIError).code).toBe(50035);
  });

  it('accepts 25 valid choices and hands them to the test', async () => {
    const choices = Array.from({ length: 25 }, (_, n) => ({ name: `c${n}`, value: `v${n}` }));
    const outcome = nextInteraction(client, async (i) => {
      if (!i.isAutocomplete()) throw new Error('expected autocomplete');
      await i.respond(choices);
    });
    const sent = fake.sendAutocomplete('search', [
      { name: 'query', type: 3, value: 'c', focused: true },
    ]);
    await outcome;
    expect(await sent.choices()).toEqual(choices);
  });

  it('answers 429 with retry-after once and the client waits and retries', async () => {
    fake.setRateLimit({ path: /\/callback$/, times: 1, retryAfter: 0.05 });
    const outcome = nextInteraction(client, async (i) => {
      if (!i.isChatInputCommand()) throw new Error('expected a slash command');
      await i.reply({ content: 'after a wait' });
    });
    const sent = fake.sendCommand('ask');
    await outcome;
    expect((await sent.reply()).content).toBe('after a wait');
    const calls = fake.requests.filter(
      (r) => r.path === `/interactions/${sent.id}/${sent.token}/callback`,
    );
    expect(calls.map((r) => r.status)).toEqual([429, 204]);
  });

  it('updates the message a button is on (type 7)', async () => {
    const first = nextInteraction(client, async (i) => {
      if (!i.isChatInputCommand()) throw new Error('expected a slash command');
      await i.reply({
        content: 'page 1',
        components: [
          { type: 1, components: [{ type: 2, style: 1, custom_id: 'next', label: 'More' }] },
        ],
      });
    });
    const sent = fake.sendCommand('ask');
    await first;
    const message = await sent.reply();
    const second = nextInteraction(client, async (i) => {
      if (!i.isButton()) throw new Error('expected a button');
      await i.update({ content: 'page 2', components: [] });
    });
    const click = fake.sendButton(message, 'next');
    await second;
    expect((await click.reply()).content).toBe('page 2');
    expect(fake.message(message.id)?.content).toBe('page 2');
  });

  it('answers unknown channels with 10003 and forbidden ones with 50001', async () => {
    await expect(client.rest.get('/channels/222222222222222222')).rejects.toMatchObject({
      code: 10003,
      status: 404,
    });
    await expect(
      client.rest.post('/channels/111111111111111111/messages', { body: { content: 'x' } }),
    ).rejects.toMatchObject({
      code: 50001,
      status: 403,
    });
  });

  it('stores a channel message and rejects an empty one with 50006', async () => {
    const channel = await client.channels.fetch(fake.channelId);
    if (!channel?.isSendable()) throw new Error('expected a text channel');
    const sent = await channel.send({ content: 'posted' });
    expect(fake.message(sent.id)?.content).toBe('posted');
    await expect(
      client.rest.post(`/channels/${fake.channelId}/messages`, { body: { content: '' } }),
    ).rejects.toMatchObject({
      code: 50006,
    });
  });

  it('stores commands from a bulk overwrite and rejects bad definitions', async () => {
    await client.application?.commands.set(
      [{ name: 'ask', description: 'Ask a question' }],
      fake.guildId,
    );
    expect((fake.commands.get(fake.guildId) as { name: string }[]).map((c) => c.name)).toEqual([
      'ask',
    ]);
    await expect(
      client.application?.commands.set([{ name: 'Bad Name', description: 'x' }]),
    ).rejects.toMatchObject({
      code: 50035,
    });
  });
});

describe('the fake Discord gateway', () => {
  it('closes with 4004 when IDENTIFY carries another token', async () => {
    const fake = await startFakeDiscord();
    const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: fake.apiBase } });
    client.rest.setToken(fake.token);
    // The REST token is right (gateway/bot works); the gateway one is not.
    await expect(client.login('wrong-token.0123456789.abcdefghij')).rejects.toThrow();
    await client.destroy();
    await fake.close();
  });

  it('gives each shard only its guilds and their interactions, and refuses a shard out of range', async () => {
    const fake = await startFakeDiscord();
    const clients = [0, 1].map(
      (shard) =>
        new Client({
          intents: [GatewayIntentBits.Guilds],
          rest: { api: fake.apiBase },
          shards: [shard],
          shardCount: 2,
        }),
    );
    try {
      for (const client of clients) {
        const ready = new Promise((resolve) => client.once(Events.ClientReady, resolve));
        await client.login(fake.token);
        await ready;
      }
      const home = Number((BigInt(fake.guildId) >> 22n) % 2n);
      expect(fake.identifies.map((d) => d['shard'])).toEqual([
        [0, 2],
        [1, 2],
      ]);
      expect(clients.map((c) => c.guilds.cache.has(fake.guildId))).toEqual([
        home === 0,
        home === 1,
      ]);
      const seen: number[] = [];
      clients.forEach((client, shard) =>
        client.on(Events.InteractionCreate, (interaction) => {
          seen.push(shard);
          if (interaction.isChatInputCommand()) void interaction.reply('pong');
        }),
      );
      await fake.sendCommand('ping').reply();
      expect(seen).toEqual([home]);
      const socket = new WebSocket(`ws://127.0.0.1:${fake.port}/gateway`);
      const closed = new Promise<number>((resolve) => socket.once('close', resolve));
      socket.once('message', () =>
        socket.send(JSON.stringify({ op: 2, d: { token: fake.token, shard: [2, 2] } })),
      );
      expect(await closed).toBe(4010);
    } finally {
      for (const client of clients) await client.destroy();
      await fake.close();
    }
  });
});
