import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { APIMessage } from 'discord-api-types/v10';
import type { BotHandle } from '../../src/discord/bot.js';
import { MENTION_HELP, composeFollowUp } from '../../src/discord/chat.js';
import { SILENT_LOGGER } from '../../src/core/log.js';
import { startFakeDiscord, type FakeDiscord, type RecordedRequest } from '../fake-discord/index.js';
import { libraryOf, removeDir, seedArticles, startTestBot, tempDataDir } from './harness.js';

describe('composeFollowUp', () => {
  it('carries the earlier question’s names over', () => {
    expect(composeFollowUp('What did Bennett tell Putin?', 'and what did Zelensky say?')).toBe(
      'and what did Zelensky say? Bennett Putin',
    );
  });

  it('does not repeat a name the follow-up already has', () => {
    expect(composeFollowUp('What did Bennett tell Putin?', 'and what did Putin answer?')).toBe(
      'and what did Putin answer? Bennett',
    );
  });

  it('carries the content words when the earlier question has no names', () => {
    expect(composeFollowUp('what about the gas deal?', 'and the talks?')).toBe(
      'and the talks? about gas deal',
    );
  });
});

/** A channel where the bot may post but not start threads. */
const NO_THREADS_CHANNEL = '333333333333333333';

describe('chat-style questions against a fake Discord', () => {
  let fake: FakeDiscord;
  let bot: BotHandle;
  let dataDir: string;
  const posted = (channelId: string) => (r: RecordedRequest) =>
    r.method === 'POST' && r.path === `/channels/${channelId}/messages` && r.status === 200;

  beforeAll(async () => {
    fake = await startFakeDiscord();
    fake.addChannel(NO_THREADS_CHANNEL, 'no-threads', 'no-threads');
    dataDir = tempDataDir();
    const library = libraryOf(await seedArticles());
    bot = await startTestBot({
      fake,
      dataDir,
      logger: SILENT_LOGGER,
      library: () => library,
      chat: true,
    });
  });

  afterAll(async () => {
    await bot.stop();
    await fake.close();
    removeDir(dataDir);
  });

  it('asks for the Message Content intent only when chat is enabled', () => {
    // Guilds (1) | GuildMessages (512) | MessageContent (32768)
    expect(fake.identifies[0]?.['intents']).toBe(1 | 512 | 32_768);
  });

  let answer: APIMessage;

  it('answers a message that mentions it, as a reply saying which question it answered', async () => {
    const question = fake.sendMessageCreate({
      content: `<@${fake.botUserId}> What did Bennett offer Putin?`,
      mentionsBot: true,
    });
    const request = await fake.waitForRequest(posted(fake.channelId));
    const body = request.body as Record<string, unknown>;
    expect(body['content']).toBe('Answering “What did Bennett offer Putin?”');
    expect(body['message_reference']).toMatchObject({ message_id: question.id });
    expect(body['allowed_mentions']).toEqual({ parse: [] });
    answer = request.response as APIMessage;
    expect(answer.embeds[0]?.title).toBe('What did Bennett offer Putin?');
    expect(answer.embeds[0]?.description).toContain('**Bennett**');
  });

  it('answers a reply to its answer as a follow-up, in a thread, with the subject carried over', async () => {
    const followUp = fake.sendMessageCreate({
      content: 'and what did Zelensky say?',
      replyTo: answer,
    });
    const thread = await fake.waitForRequest(
      (r) =>
        r.method === 'POST' &&
        r.path === `/channels/${fake.channelId}/messages/${followUp.id}/threads`,
    );
    expect(thread.status).toBe(201);
    const threadId = (thread.response as { id: string }).id;
    const request = await fake.waitForRequest(posted(threadId));
    const body = request.body as {
      content: string;
      embeds: { title: string; description: string }[];
    };
    expect(body.content).toBe(
      'Answering “and what did Zelensky say?”, following up on “What did Bennett offer Putin?”',
    );
    expect(body.embeds[0]?.title).toBe('and what did Zelensky say? Bennett Putin');
    expect(body.embeds[0]?.description).toContain('**Zelensky**');
  });

  it('answers a follow-up as a reply when the channel does not allow a thread', async () => {
    fake.sendMessageCreate({
      channelId: NO_THREADS_CHANNEL,
      content: `<@${fake.botUserId}> Gomel delegation`,
      mentionsBot: true,
    });
    const first = await fake.waitForRequest(posted(NO_THREADS_CHANNEL));
    const followUp = fake.sendMessageCreate({
      channelId: NO_THREADS_CHANNEL,
      content: 'and Kiev?',
      replyTo: first.response as APIMessage,
    });
    const thread = await fake.waitForRequest((r) =>
      r.path.endsWith(`/messages/${followUp.id}/threads`),
    );
    expect(thread.status).toBe(403);
    const reply = await fake.waitForRequest((r) => posted(NO_THREADS_CHANNEL)(r) && r !== first);
    const body = reply.body as { content: string; message_reference: { message_id: string } };
    expect(body.content).toBe('Answering “and Kiev?”, following up on “Gomel delegation”');
    expect(body.message_reference.message_id).toBe(followUp.id);
  });

  it('explains how to ask when mentioned without a question', async () => {
    const before = fake.requests.length;
    fake.sendMessageCreate({ content: `<@${fake.botUserId}>`, mentionsBot: true });
    const request = await fake.waitForRequest(
      (r) => fake.requests.indexOf(r) >= before && posted(fake.channelId)(r),
    );
    expect((request.body as { content: string }).content).toBe(MENTION_HELP);
  });

  it('ignores messages that neither mention it nor reply to it', async () => {
    const before = fake.requests.length;
    fake.sendMessageCreate({ content: 'What did Bennett offer Putin?' });
    // A mention sent afterwards is answered; the plain message before it was not.
    fake.sendMessageCreate({ content: `<@${fake.botUserId}> Gomel`, mentionsBot: true });
    await fake.waitForRequest(
      (r) => fake.requests.indexOf(r) >= before && posted(fake.channelId)(r),
    );
    const answers = fake.requests.slice(before).filter(posted(fake.channelId));
    expect(answers.map((r) => (r.body as { content: string }).content)).toEqual([
      'Answering “Gomel”',
    ]);
  });

  it('was never rejected by the fake Discord, except for the thread it was not allowed', () => {
    expect(fake.rejections().map((r) => `${r.method} ${r.status} ${r.path.split('/')[1]}`)).toEqual(
      ['POST 403 channels'],
    );
  });
});
