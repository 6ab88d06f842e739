import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { APIMessage } from 'discord-api-types/v10';
import { COMMANDS } from '../../commands/index.js';
import type { BotHandle } from '../../src/discord/bot.js';
import { EXPIRED_BUTTON_MESSAGE } from '../../src/discord/answers.js';
import { GENERIC_ERROR_MESSAGE } from '../../src/core/errors.js';
import type { Library } from '../../src/library/library.js';
import { startFakeDiscord, type FakeDiscord } from '../fake-discord/index.js';
import {
  article,
  captureLog,
  libraryOf,
  removeDir,
  seedArticles,
  startTestBot,
  tempDataDir,
  type CapturedLog,
} from './harness.js';

const MARKDOWN_ARTICLE = article({
  id: 'prank',
  title: 'A **bold** claim',
  source: 'Prank Gazette',
  url: 'https://example.org/prank',
  date: '2024-01-15',
  text: 'Readers were told: @everyone should see **markdown** and <@123456789012345678> in the zeppelin report.',
});

/** Every custom id on a message's buttons. */
function customIds(message: APIMessage): string[] {
  return (message.components ?? []).flatMap((row) =>
    ((row as { components?: { custom_id?: string }[] }).components ?? []).map(
      (c) => c.custom_id ?? '',
    ),
  );
}

function description(message: APIMessage): string {
  return message.embeds[0]?.description ?? '';
}

/** One 7,000-character sentence: longer than an embed description on its own. */
const LONG_ARTICLE = article({
  id: 'long',
  title: 'T'.repeat(300),
  source: 'Long Outlet',
  url: 'https://example.org/long',
  date: '2024-02-01',
  text:
    Array.from({ length: 600 }, (_, i) => `filler${i % 50}`).join(' ') +
    ' the okapi sanctuary expanded ' +
    Array.from({ length: 600 }, (_, i) => `padding${i % 50}`).join(' ') +
    '.',
});

/** `library` as served, except that its next read after `failNextLibraryRead` throws. */
function failingOnRequest(library: Library): Library {
  return new Proxy(library, {
    get(target, key) {
      if (failNextLibraryRead) {
        failNextLibraryRead = false;
        throw new Error('index unavailable');
      }
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
    },
  });
}
let failNextLibraryRead = false;

describe('the bot against a fake Discord', () => {
  let fake: FakeDiscord;
  let bot: BotHandle;
  let dataDir: string;
  let log: CapturedLog;
  let library: Library;

  beforeAll(async () => {
    fake = await startFakeDiscord();
    dataDir = tempDataDir();
    log = captureLog(fake.token);
    library = libraryOf([...(await seedArticles()), MARKDOWN_ARTICLE, LONG_ARTICLE]);
    bot = await startTestBot({
      fake,
      dataDir,
      logger: log.logger,
      library: () => failingOnRequest(library),
    });
  });

  afterAll(async () => {
    await bot.stop();
    await fake.close();
    removeDir(dataDir);
  });

  it('logs in with only the Guilds intent and puts the one command list globally', () => {
    expect(fake.identifies[0]?.['intents']).toBe(1);
    const put = fake.requests.filter((r) => r.method === 'PUT');
    expect(put.map((r) => r.path)).toEqual([`/applications/${fake.applicationId}/commands`]);
    const names = (put[0]?.body as { name: string }[]).map((c) => c.name);
    expect(names).toEqual(COMMANDS.map((c) => c.data.name));
    expect(names).toEqual(expect.arrayContaining(['ask', 'search', 'sources', 'about', 'help']));
  });

  it('/ask replies with an embed holding the Gomel quote, "Sputnik" and the date', async () => {
    const ask = fake.sendCommand('ask', [
      { name: 'question', type: 3, value: 'Where is the Russian delegation, in Gomel?' },
    ]);
    const reply = await ask.reply();
    expect((await ask.acknowledged()).type).toBe(5);
    const text = description(reply);
    expect(text).toContain('Belarusian city of **Gomel**');
    expect(text).toContain('— *[Sputnik](https://sputnikglobe.com/20220227/');
    expect(text).toContain('*, 27 Feb 2022');
    expect(reply.embeds[0]?.title).toBe('Where is the Russian delegation, in Gomel?');
    expect(reply.flags).toBe(0);
    const edit = fake.requests.find((r) => r.method === 'PATCH' && r.path.includes(ask.token));
    expect((edit?.body as { allowed_mentions?: unknown }).allowed_mentions).toEqual({ parse: [] });
  });

  it('/ask with nothing matching says that nothing matched', async () => {
    const ask = fake.sendCommand('ask', [
      { name: 'question', type: 3, value: 'quantum chromodynamics lattice' },
    ]);
    const reply = await ask.reply();
    expect(reply.content).toBe('Nothing in the corpus matches that question well enough to quote.');
    expect(reply.embeds).toEqual([]);
  });

  it('/ask private:true answers with the ephemeral flag 64', async () => {
    const ask = fake.sendCommand('ask', [
      { name: 'question', type: 3, value: 'Gomel delegation' },
      { name: 'private', type: 5, value: true },
    ]);
    expect(await ask.acknowledged()).toEqual({ type: 5, data: { flags: 64 } });
    const reply = await ask.reply();
    expect(reply.flags).toBe(64);
    expect(description(reply)).toContain('Gomel');
  });

  it('shows article markdown and mentions literally, with allowed_mentions.parse empty', async () => {
    const ask = fake.sendCommand('ask', [
      { name: 'question', type: 3, value: 'zeppelin report readers' },
    ]);
    const reply = await ask.reply();
    const text = description(reply);
    expect(text).toContain(
      '\\@everyone should see \\*\\*markdown\\*\\* and \\<@123456789012345678> in the **zeppelin report**',
    );
    expect(text).toContain('— *[Prank Gazette](https://example.org/prank)*, 15 Jan 2024');
    const edit = fake.requests.find((r) => r.method === 'PATCH' && r.path.includes(ask.token));
    expect((edit?.body as { allowed_mentions?: unknown }).allowed_mentions).toEqual({ parse: [] });
  });

  it('More ▶ shows the next page, ◀ Previous goes back, and both keep the question', async () => {
    const ask = fake.sendCommand('ask', [
      { name: 'question', type: 3, value: 'Putin Bennett' },
      { name: 'limit', type: 4, value: 2 },
    ]);
    const first = await ask.reply();
    const more = customIds(first).find((id) => id.startsWith('page:'));
    expect(more).toMatch(/^page:[\w-]{12}:2$/);
    expect(first.embeds[0]?.footer?.text).toBe(
      'Results 1–2 · ranked verbatim quotes · More for the next page',
    );

    const click = fake.sendButton(first, more ?? '');
    const second = await click.reply();
    expect((await click.acknowledged()).type).toBe(6);
    expect(second.id).toBe(first.id);
    expect(second.embeds[0]?.title).toBe('Putin Bennett');
    expect(description(second)).toMatch(/^\*\*3\.\*\* “/);
    expect(description(second)).toContain('**4.** “');
    const back = customIds(second).find((id) => id.startsWith('page:') && id.endsWith(':0'));
    expect(back).toBeDefined();

    const previous = fake.sendButton(second, back ?? '');
    expect(description(await previous.reply())).toBe(description(first));
  });

  it('Context shows the quote’s whole paragraph privately', async () => {
    const ask = fake.sendCommand('ask', [
      { name: 'question', type: 3, value: 'Where is the Russian delegation, in Gomel?' },
    ]);
    const reply = await ask.reply();
    const contextId = customIds(reply).find((id) => id.startsWith('ctx:'));
    expect(contextId).toBeDefined();
    const click = fake.sendButton(reply, contextId ?? '');
    expect((await click.acknowledged()).type).toBe(4);
    const shown = await click.reply();
    expect(shown.flags).toBe(64);
    const [, start36 = '', end36 = '', , , docId = ''] = (contextId ?? '').split(':');
    const start = Number.parseInt(start36, 36);
    const end = Number.parseInt(end36, 36);
    const paragraph = library.passagesOf(docId).find((p) => p.start <= start && end <= p.end);
    expect(paragraph).toBeDefined();
    expect(description(reply)).toContain('**1.** “A **Russian delegation** arrived in **Gomel**');
    // The paragraph, unescaped and without the bold around the quote, is the article's text.
    const body = (shown.embeds[0]?.description ?? '').split('\n\n')[0] ?? '';
    expect(body.replace(/\*\*/g, '').replace(/\\([^\w\s])/g, '$1')).toBe(
      library.passageText(paragraph ?? { id: '', docId, ordinal: 0, start: 0, end: 0 }),
    );
    expect(body).toContain(`**${library.article(docId)?.text.slice(start, end)}**`);
    expect(shown.embeds[0]?.url).toMatch(/^https:\/\/sputnikglobe\.com\//);
  });

  it('says plainly when a button’s stored question is gone', async () => {
    const ask = fake.sendCommand('ask', [{ name: 'question', type: 3, value: 'Putin Bennett' }]);
    const reply = await ask.reply();
    const forged = {
      ...reply,
      components: [
        {
          type: 1,
          components: [{ type: 2, style: 1, custom_id: 'page:AAAAAAAAAAAA:5', label: 'More' }],
        },
      ],
    };
    const click = fake.sendButton(forged as APIMessage, 'page:AAAAAAAAAAAA:5');
    expect(await click.acknowledged()).toMatchObject({
      type: 4,
      data: { content: EXPIRED_BUTTON_MESSAGE, flags: 64, allowed_mentions: { parse: [] } },
    });
  });

  it('/search autocomplete returns at most 25 valid choices completing the last word', async () => {
    const auto = fake.sendAutocomplete('search', [
      { name: 'query', type: 3, value: 'Russian p', focused: true },
    ]);
    const choices = await auto.choices();
    expect(choices.length).toBeGreaterThan(0);
    expect(choices.length).toBeLessThanOrEqual(25);
    for (const choice of choices) {
      expect(String(choice.value)).toMatch(/^Russian p/i);
      expect(choice.name.length).toBeGreaterThanOrEqual(1);
      expect(choice.name.length).toBeLessThanOrEqual(100);
    }
  });

  it('/ask source autocomplete lists matching outlets', async () => {
    const auto = fake.sendAutocomplete('ask', [
      { name: 'question', type: 3, value: 'talks' },
      { name: 'source', type: 3, value: 'sput', focused: true },
    ]);
    expect(await auto.choices()).toEqual([{ name: 'Sputnik (1 article)', value: 'Sputnik' }]);
  });

  it('/search finds a quoted phrase and honours the source filter', async () => {
    const search = fake.sendCommand('search', [
      { name: 'query', type: 3, value: '"Belarusian city"' },
      { name: 'source', type: 3, value: 'Sputnik' },
    ]);
    const reply = await search.reply();
    expect(description(reply)).toContain('**Belarusian city**');
    expect(reply.embeds[0]?.footer?.text).toBe('Result 1 · keyword matches');
  });

  it('cuts a 7,000-character quote and its paragraph to fit, keeping the matched words', async () => {
    const reply = await fake
      .sendCommand('ask', [{ name: 'question', type: 3, value: 'okapi sanctuary' }])
      .reply();
    expect(description(reply)).toMatch(
      /^\*\*1\.\*\* “….* the \*\*okapi sanctuary\*\* expanded .*…”\n/,
    );
    const contextId = customIds(reply).find((id) => id.startsWith('ctx:'));
    const shown = await fake.sendButton(reply, contextId ?? '').reply();
    // The quote alone is longer than a description: it is shown in bold around its matched words.
    expect(shown.embeds[0]?.description).toMatch(
      /^…\*\*[^*]* the okapi sanctuary expanded [^*]*\*\*…\n\n— \*\[Long Outlet\]\(https:\/\/example\.org\/long\)\*, 1 Feb 2024$/,
    );
    expect(shown.embeds[0]?.description?.length).toBeLessThanOrEqual(4_096);
    expect(shown.embeds[0]?.title).toMatch(/^T{250,255}…$/);
  });

  it('keeps every reply within Discord’s limits for questions made of corpus words', async () => {
    const words = [...library.articles()]
      .flatMap((a) => a.text.split(/\s+/))
      .filter((w) => w.length > 3);
    let seed = 7;
    const pick = (): string => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return words[seed % words.length] ?? 'Putin';
    };
    for (let i = 0; i < 30; i++) {
      const question = Array.from({ length: 1 + (i % 4) }, pick).join(' ');
      const reply = await fake
        .sendCommand('ask', [
          { name: 'question', type: 3, value: question },
          { name: 'limit', type: 4, value: 1 + (i % 10) },
        ])
        .reply();
      expect(reply.content !== '' || reply.embeds.length === 1).toBe(true);
    }
    expect(fake.rejections()).toEqual([]);
  });

  it('a bad date option gets a private sentence that says how to write it', async () => {
    const ask = fake.sendCommand('ask', [
      { name: 'question', type: 3, value: 'Gomel' },
      { name: 'since', type: 3, value: 'last week' },
    ]);
    expect(await ask.acknowledged()).toMatchObject({
      type: 4,
      data: {
        content: '“since” must be a date like 2022-03-05 (or just 2022-03, or 2022).',
        flags: 64,
        allowed_mentions: { parse: [] },
      },
    });
  });

  it('/sources lists outlets with article counts and date ranges', async () => {
    const reply = await fake.sendCommand('sources').reply();
    expect(reply.embeds[0]?.description).toContain('**Sputnik** — 1 article, 27 Feb 2022');
    expect(reply.embeds[0]?.footer?.text).toBe('7 outlets, 7 articles');
  });

  it('/about shows the corpus figures, load time and version', async () => {
    const reply = await fake.sendCommand('about').reply();
    const fields = Object.fromEntries(
      (reply.embeds[0]?.fields ?? []).map((f) => [f.name, f.value]),
    );
    expect(fields).toEqual({
      Documents: '7',
      Passages: String(library.stats().passages),
      Languages: 'en 6, bg 1',
      Dates: '27 Feb 2022 – 1 Feb 2024',
      Loaded: `<t:${Date.UTC(2026, 0, 2, 3, 4, 5) / 1000}:f>`,
      Version: '9.9.9-test',
    });
  });

  it('/help lists every command privately', async () => {
    const reply = await fake.sendCommand('help').reply();
    expect(reply.flags).toBe(64);
    for (const name of ['ask', 'search', 'sources', 'about', 'help']) {
      expect(reply.embeds[0]?.description).toContain(`**/${name}** — `);
    }
  });

  it('retries a deferral and a reply that Discord answers with 429', async () => {
    fake.setRateLimit({
      path: /^\/interactions\/\d+\/[^/]+\/callback$/,
      times: 1,
      retryAfter: 0.05,
    });
    fake.setRateLimit({
      method: 'PATCH',
      path: /\/messages\/@original$/,
      times: 1,
      retryAfter: 0.05,
    });
    const ask = fake.sendCommand('ask', [{ name: 'question', type: 3, value: 'Gomel delegation' }]);
    const reply = await ask.reply();
    expect(description(reply)).toContain('Gomel');
    const calls = fake.requests.filter((r) => r.path.includes(ask.token));
    expect(calls.map((r) => `${r.method} ${r.status}`)).toEqual([
      'POST 429',
      'POST 204',
      'PATCH 429',
      'PATCH 200',
    ]);
    const warnings = log.lines.filter((l) => l.includes('Discord answered 429'));
    expect(warnings).toHaveLength(2);
    expect(warnings[1]).toContain('"method":"PATCH"');
  });

  it('a handler that throws gets a private error reply, is logged, and the bot keeps serving', async () => {
    failNextLibraryRead = true;
    const broken = fake.sendCommand('ask', [{ name: 'question', type: 3, value: 'Gomel' }]);
    const error = await broken.followUp();
    expect(error.content).toBe(GENERIC_ERROR_MESSAGE);
    expect(error.flags).toBe(64);
    // The public "thinking…" placeholder was removed rather than left hanging.
    expect(
      fake.requests.some(
        (r) => r.method === 'DELETE' && r.path.includes(broken.token) && r.status === 204,
      ),
    ).toBe(true);
    const logged = log.lines.find((l) => l.includes('handler failed'));
    expect(logged).toContain('"command":"ask"');
    expect(logged).toContain('index unavailable');
    expect(log.lines.join('\n')).not.toContain(fake.token);
    expect(
      log.lines.some((l) => l.includes('interaction handled') && l.includes('"command":"sources"')),
    ).toBe(true);

    const next = fake.sendCommand('ask', [
      { name: 'question', type: 3, value: 'Gomel delegation' },
    ]);
    expect(description(await next.reply())).toContain('Gomel');
  });

  it('was never rejected by the fake Discord', () => {
    expect(
      fake
        .rejections()
        .map((r) => `${r.method} ${r.path} ${r.status} ${JSON.stringify(r.response)}`),
    ).toEqual([]);
  });
});
