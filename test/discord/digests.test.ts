/**
 * /digest end to end: the real bot (startBot, discord.js Client) against the fake Discord, with
 * DATA_DIR and a copy of the corpus in temporary folders, the scheduler's clock in the test's
 * hands and its heartbeat replaced by explicit ticks.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { APIMessage } from 'discord-api-types/v10';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NEEDS_MANAGE_SERVER } from '../../commands/digest/shared.js';
import { COMMANDS } from '../../commands/index.js';
import { readConfig } from '../../src/config.js';
import { startBot, type BotHandle } from '../../src/discord/bot.js';
import { SILENT_LOGGER } from '../../src/core/log.js';
import type { Clock, Heartbeat } from '../../src/scheduler/scheduler.js';
import { startFakeDiscord, type FakeDiscord } from '../fake-discord/index.js';
import { makeMember, makeTextChannel } from '../fake-discord/payloads.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const GONE_CHANNEL = '999999999999999999';
const T0 = Date.UTC(2026, 5, 1, 8, 0, 0);

class TestClock implements Clock {
  constructor(public t: number) {}
  now(): number {
    return this.t;
  }
  async sleep(): Promise<void> {}
}

const NO_HEARTBEAT: Heartbeat = () => ({ stop: () => undefined });

let fake: FakeDiscord;
let dataDir: string;
let corpusDir: string;
let clock: TestClock;
let bot: BotHandle;

async function start(): Promise<BotHandle> {
  const config = readConfig(
    {
      DISCORD_TOKEN: fake.token,
      DISCORD_API_BASE: fake.apiBase,
      DATA_DIR: dataDir,
      CORPUS_DIR: corpusDir,
      WATCH_CORPUS: 'true',
    },
    ROOT,
  );
  return startBot({
    config,
    logger: SILENT_LOGGER,
    commands: COMMANDS,
    digests: { clock, heartbeat: NO_HEARTBEAT },
  });
}

/** What the bot posted to a channel through `POST /channels/{id}/messages`, in order. */
function digestPosts(
  channelId = fake.channelId,
): { nonce: unknown; enforce_nonce: unknown; text: string }[] {
  return fake.requests
    .filter((r) => r.method === 'POST' && r.path === `/channels/${channelId}/messages`)
    .map((r) => {
      const body = r.body as {
        nonce: unknown;
        enforce_nonce: unknown;
        content: string;
        embeds: { title: string; description: string }[];
      };
      return {
        nonce: body.nonce,
        enforce_nonce: body.enforce_nonce,
        text: [body.content, ...body.embeds.map((e) => `${e.title}\n${e.description}`)].join('\n'),
      };
    });
}

function sub(
  name: string,
  options: Record<string, unknown>[] = [],
): Parameters<FakeDiscord['sendCommand']>[1] {
  return [{ name, type: 1, options } as never];
}

async function tick(): Promise<void> {
  const scheduler = bot.digests?.scheduler;
  if (scheduler === undefined) throw new Error('digests did not start');
  await scheduler.tick();
}

beforeAll(async () => {
  fake = await startFakeDiscord();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'verbatim-digest-data-'));
  corpusDir = fs.mkdtempSync(path.join(os.tmpdir(), 'verbatim-digest-corpus-'));
  fs.cpSync(path.join(ROOT, 'corpus', 'seed'), path.join(corpusDir, 'seed'), { recursive: true });
  clock = new TestClock(T0);
  bot = await start();
});

afterAll(async () => {
  await bot.stop();
  await fake.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.rmSync(corpusDir, { recursive: true, force: true });
});

describe('/digest against the fake Discord', () => {
  it('is defined for Manage Server members, in servers only', () => {
    const definition = [...fake.commands.values()]
      .flat()
      .find((c) => (c as { name: string }).name === 'digest') as Record<string, unknown>;
    expect(definition).toMatchObject({ default_member_permissions: '32', contexts: [0] });
  });

  it('adds a subscription, replying privately with the next run and a preview', async () => {
    const reply = await fake
      .sendCommand(
        'digest',
        sub('add', [
          { name: 'topic', type: 3, value: 'Gomel negotiations' },
          { name: 'schedule', type: 3, value: '* * * * *' },
          { name: 'limit', type: 4, value: 2 },
        ]),
      )
      .reply();
    expect(reply.flags).toBe(64);
    expect(reply.content).toBe(
      `Digest **#1** added: Gomel negotiations → <#${fake.channelId}>, \`* * * * *\` (UTC).\nNext run: Mon, 1 Jun 2026, 08:01 (UTC).\nPreview of the first digest (2 quotes):`,
    );
    expect(reply.embeds.map((e) => e.description ?? '').join('\n')).toContain(
      'Belarusian city of **Gomel**',
    );
  });

  it('posts the digest with a nonce when the minute comes, and nothing when nothing is new', async () => {
    clock.t = T0 + 60_000;
    await tick();
    const posts = digestPosts();
    expect(posts).toHaveLength(1);
    expect(posts[0]).toMatchObject({ nonce: expect.stringMatching(/^vd/), enforce_nonce: true });
    expect(posts[0]?.text).toContain('**Digest: Gomel negotiations** · 2 new quotes');
    expect(posts[0]?.text).toContain('Belarusian city of **Gomel**');
    expect(posts[0]?.text).toContain('— *[Sputnik](https://sputnikglobe.com/');
    clock.t = T0 + 120_000;
    await tick();
    expect(digestPosts()).toHaveLength(1);
  });

  it('puts a file dropped into the corpus folder into the next digest', async () => {
    fs.writeFileSync(
      path.join(corpusDir, 'dropped.txt'),
      '---\nid: dropped-1\ntitle: New round\nsource: Reuters\nurl: https://example.com/new-round\ndate: 2022-03-10\nlang: en\n---\nNegotiations in Gomel resumed on Thursday with new delegations.\n',
    );
    const scheduler = bot.digests!.scheduler;
    const target = (await scheduler.store.subscription(1))!;
    // The watcher picks the file up by itself (fs events, else its periodic scan).
    while ((await scheduler.preview(target)).quoteCount === 0)
      await new Promise((r) => setTimeout(r, 50));
    clock.t = T0 + 180_000;
    await tick();
    const posts = digestPosts();
    expect(posts).toHaveLength(2);
    expect(posts[1]?.text).toContain('**Digest: Gomel negotiations** · 1 new quote');
    expect(posts[1]?.text).toContain(
      '“**Negotiations** in **Gomel** resumed on Thursday with new delegations.”\n— *[Reuters](https://example.com/new-round)*, 10 Mar 2022',
    );
    expect(posts[1]?.text).not.toContain('Belarusian');
  });

  it('posts nothing twice across a restart, and catches up once after downtime', async () => {
    await bot.stop();
    clock.t = T0 + 600_000; // down for seven slots
    bot = await start();
    expect(digestPosts()).toHaveLength(2);
    const runs = await bot.digests!.scheduler.store.runsOf(1);
    expect(runs.map((r) => [r.trigger, r.outcome])).toEqual([
      ['catch-up', 'nothing-new'],
      ['scheduled', 'posted'],
      ['scheduled', 'nothing-new'],
      ['scheduled', 'posted'],
    ]);
    clock.t = T0 + 660_000;
    await tick();
    expect(digestPosts()).toHaveLength(2);
  });

  it('lists subscriptions with their status', async () => {
    const reply = await fake.sendCommand('digest', sub('list')).reply();
    expect(reply.flags).toBe(64);
    expect(reply.content).toBe(
      [
        `**#1** · Gomel negotiations → <#${fake.channelId}>`,
        '`* * * * *` · UTC · 2 quotes',
        'next: Mon, 1 Jun 2026, 08:12 (UTC) · last: Mon, 1 Jun 2026, 08:11 (UTC) (nothing-new)',
        'status: active',
      ].join('\n'),
    );
  });

  it('pauses a subscription whose channel is gone (404) and shows why in list', async () => {
    const added = await fake
      .sendCommand(
        'digest',
        sub('add', [
          { name: 'topic', type: 3, value: 'Bennett Zelensky' },
          { name: 'schedule', type: 3, value: 'hourly' },
        ]),
        {
          channel_id: GONE_CHANNEL,
          channel: makeTextChannel(GONE_CHANNEL, fake.guildId, 'gone'),
        },
      )
      .reply();
    expect(added.content).toMatch(
      /^Digest \*\*#2\*\* added: Bennett Zelensky → <#999999999999999999>, `hourly` \(UTC\)\./,
    );
    const run = await fake
      .sendCommand('digest', sub('run', [{ name: 'id', type: 4, value: 2 }]))
      .reply();
    expect(run.content).toBe(
      'I could not post digest #2, so it is paused: Unknown channel: <#999999999999999999> was deleted or I cannot see it (Discord 404).',
    );
    const list = await fake.sendCommand('digest', sub('list')).reply();
    expect(list.content).toContain(
      '**#2** · Bennett Zelensky → <#999999999999999999>\n`hourly` · UTC · 5 quotes\nnext: — · last: Mon, 1 Jun 2026, 08:11 (UTC) (paused)\nstatus: paused: Unknown channel: <#999999999999999999> was deleted or I cannot see it (Discord 404).',
    );
  });

  it('refuses a member without Manage Server, privately', async () => {
    const before = (await bot.digests!.scheduler.store.subscriptionsOf(fake.guildId)).length;
    const reply = await fake
      .sendCommand('digest', sub('add', [{ name: 'topic', type: 3, value: 'Gomel' }]), {
        member: makeMember(fake.user, '2048'),
      })
      .reply();
    expect(reply).toMatchObject({ content: NEEDS_MANAGE_SERVER, flags: 64 });
    expect(await bot.digests!.scheduler.store.subscriptionsOf(fake.guildId)).toHaveLength(before);
  });

  it('says what is wrong with a schedule or a time zone, with examples that work', async () => {
    const badSchedule = await fake
      .sendCommand(
        'digest',
        sub('add', [
          { name: 'topic', type: 3, value: 'Gomel' },
          { name: 'schedule', type: 3, value: 'daily 9am' },
        ]),
      )
      .reply();
    expect(badSchedule).toMatchObject({
      flags: 64,
      content:
        '"9am" is not a time of day; use 24-hour HH:MM such as 08:30. Try `hourly`, `daily 08:30`, `weekly mon 09:00` or a cron expression such as `0 8 * * 1-5`.',
    });
    const badZone = await fake
      .sendCommand('digest', sub('settings', [{ name: 'timezone', type: 3, value: 'Sofia' }]))
      .reply();
    expect(badZone.content).toBe(
      '"Sofia" is not a time zone I know. Use an IANA name such as `Europe/Sofia`, `America/New_York` or `UTC`.',
    );
  });

  it('uses the server default time zone and shows Sofia times', async () => {
    await fake
      .sendCommand(
        'digest',
        sub('settings', [{ name: 'timezone', type: 3, value: 'europe/sofia' }]),
      )
      .reply();
    const reply: APIMessage = await fake
      .sendCommand(
        'digest',
        sub('add', [
          { name: 'topic', type: 3, value: 'Putin Bennett' },
          { name: 'schedule', type: 3, value: 'daily 09:30' },
        ]),
      )
      .reply();
    expect(reply.content).toContain(
      '`daily 09:30` (Europe/Sofia).\nNext run: Tue, 2 Jun 2026, 09:30 (Europe/Sofia).',
    );
  });

  it('autocompletes time zones and this server’s digest ids', async () => {
    const zones = await fake
      .sendAutocomplete('digest', [
        {
          name: 'settings',
          type: 1,
          options: [{ name: 'timezone', type: 3, value: 'sofia', focused: true }],
        },
      ])
      .choices();
    expect(zones).toEqual([{ name: 'Europe/Sofia', value: 'Europe/Sofia' }]);
    const ids = await fake
      .sendAutocomplete('digest', [
        {
          name: 'pause',
          type: 1,
          options: [{ name: 'id', type: 4, value: 'gomel', focused: true }],
        },
      ])
      .choices();
    expect(ids).toEqual([{ name: '#1 · Gomel negotiations · * * * * *', value: 1 }]);
  });

  it('pauses and resumes at once, without a restart', async () => {
    await fake.sendCommand('digest', sub('pause', [{ name: 'id', type: 4, value: 1 }])).reply();
    fs.writeFileSync(
      path.join(corpusDir, 'dropped2.txt'),
      '---\nid: dropped-2\nsource: TASS\ndate: 2022-03-11\n---\nGomel negotiations were suspended.\n',
    );
    const scheduler = bot.digests!.scheduler;
    while ((await scheduler.preview((await scheduler.store.subscription(1))!)).quoteCount === 0)
      await new Promise((r) => setTimeout(r, 50));
    clock.t = T0 + 720_000;
    await tick();
    expect(digestPosts()).toHaveLength(2);
    const resumed = await fake
      .sendCommand('digest', sub('resume', [{ name: 'id', type: 4, value: 1 }]))
      .reply();
    expect(resumed.content).toBe(
      'Digest #1 is active again. Next run: Mon, 1 Jun 2026, 08:13 (UTC).',
    );
    clock.t = T0 + 780_000;
    await tick();
    expect(digestPosts()).toHaveLength(3);
    expect(digestPosts()[2]?.text).toContain(
      '“**Gomel negotiations** were suspended.”\n— *TASS*, 11 Mar 2022',
    );
    expect(
      fake.rejections().filter((r) => !r.path.startsWith(`/channels/${GONE_CHANNEL}`)),
    ).toEqual([]);
  });

  it('posts from an edited file only the paragraph whose text changed', async () => {
    fs.writeFileSync(
      path.join(corpusDir, 'dropped.txt'),
      '---\nid: dropped-1\ntitle: New round\nsource: Reuters\nurl: https://example.com/new-round\ndate: 2022-03-10\nlang: en\n---\nNegotiations in Gomel resumed on Thursday with new delegations.\n\nThe Gomel negotiations will continue next week.\n',
    );
    const scheduler = bot.digests!.scheduler;
    while ((await scheduler.preview((await scheduler.store.subscription(1))!)).quoteCount === 0) {
      await new Promise((r) => setTimeout(r, 50));
    }
    clock.t = T0 + 840_000;
    await tick();
    const posts = digestPosts();
    expect(posts).toHaveLength(4);
    expect(posts[3]?.text).toBe(
      '**Digest: Gomel negotiations** · 1 new quote\nNew round\n“The **Gomel negotiations** will continue next week.”\n— *[Reuters](https://example.com/new-round)*, 10 Mar 2022',
    );
  });

  it('edits a digest at once: a new schedule counts from now', async () => {
    const nothing = await fake
      .sendCommand('digest', sub('edit', [{ name: 'id', type: 4, value: 1 }]))
      .reply();
    expect(nothing.content).toBe(
      'Say what to change, e.g. `/digest edit id:1 schedule:daily 08:00`.',
    );
    const reply = await fake
      .sendCommand(
        'digest',
        sub('edit', [
          { name: 'id', type: 4, value: 1 },
          { name: 'schedule', type: 3, value: 'daily 09:00' },
        ]),
      )
      .reply();
    expect(reply.content.split('\n').slice(0, 4)).toEqual([
      'Digest #1 updated.',
      `**#1** · Gomel negotiations → <#${fake.channelId}>`,
      '`daily 09:00` · UTC · 2 quotes',
      'next: Mon, 1 Jun 2026, 09:00 (UTC) · last: Mon, 1 Jun 2026, 08:14 (UTC) (posted)',
    ]);
    clock.t = T0 + 900_000;
    await tick();
    expect(digestPosts()).toHaveLength(4);
  });
});
