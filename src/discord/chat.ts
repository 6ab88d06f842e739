/**
 * Chat-style questions (CHAT_ENABLED, needs the Message Content intent): a message that
 * mentions the bot is answered as a question, and a reply to one of the bot's answers is a
 * follow-up that carries the earlier question's subject over ("and what did Zelensky say?"
 * after "What did Bennett tell Putin?"). Follow-ups are answered in a thread when the channel
 * allows one, else as a reply. Each answer says which question it answered.
 */
import { ChannelType, type Message, type MessageCreateOptions } from 'discord.js';
import { userMessageFor } from '../core/errors.js';
import type { CommandContext } from './command.js';
import { answerInTurn, NO_MENTIONS, renderAnswerPage, type AnswerRequest } from './answers.js';
import { escapeMarkdown, truncateText, unescapeMarkdown } from '../present/markdown.js';
import { DISCORD_LIMITS } from '../present/limits.js';
import { readQuestion } from '../text/question.js';

/** Question words and auxiliaries that start a question without being its subject. */
const LEADING_WORDS = new Set(
  (
    'what who whom whose which when where why how did does do is are was were will would can could ' +
    'should has have had and but also so then tell show give any какво кой коя кое кои кога къде защо ' +
    'как колко дали ли и а но също'
  ).split(' '),
);

const WORD = /[\p{L}\p{N}][\p{L}\p{N}'’-]*/gu;

/**
 * The search text of a follow-up: the follow-up itself plus the earlier question's subject —
 * its capitalised words (names, places), or all its words when it has none — minus words the
 * follow-up already has. The core drops stop words, so only the content words weigh in.
 */
export function composeFollowUp(previous: string, followUp: string): string {
  const have = new Set((followUp.match(WORD) ?? []).map((w) => w.toLowerCase()));
  const words = previous.match(WORD) ?? [];
  let subject = words.filter(
    (w, i) => /^\p{Lu}/u.test(w) && !(i === 0 && LEADING_WORDS.has(w.toLowerCase())),
  );
  if (subject.length === 0) subject = words.filter((w) => !LEADING_WORDS.has(w.toLowerCase()));
  const carried: string[] = [];
  for (const word of subject) {
    const key = word.toLowerCase();
    if (!have.has(key)) {
      have.add(key);
      carried.push(word);
    }
  }
  return carried.length === 0 ? followUp.trim() : `${followUp.trim()} ${carried.join(' ')}`;
}

/** The question one of the bot's answers answered: its embed title, else its "Answering" line. */
function questionOf(message: Message): string | null {
  const title = message.embeds[0]?.title;
  if (title) return unescapeMarkdown(title);
  const line = /^Answering “(.+?)”/u.exec(message.content);
  return line?.[1] !== undefined ? unescapeMarkdown(line[1]) : null;
}

/** Removes the bot's mention from a message's text. */
function stripMention(content: string, botId: string): string {
  return content
    .replace(new RegExp(`<@!?${botId}>`, 'g'), ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Said when the bot is mentioned without a question. */
export const MENTION_HELP =
  'Ask me a question after the mention, e.g. “@Verbatim What did Putin tell Bennett?”, or use /ask.';

function quoted(text: string, max: number): string {
  return `“${escapeMarkdown(truncateText(text, max))}”`;
}

/** Builds the `messageCreate` handler; it never throws. */
export function createMessageHandler(context: CommandContext): (message: Message) => Promise<void> {
  const { logger } = context;
  return async (message) => {
    if (message.author.bot || message.system || !message.inGuild()) return;
    const botId = message.client.user.id;
    const details = {
      message: message.id,
      channel: message.channelId,
      guild: message.guildId,
      user: message.author.id,
    };
    try {
      let previous: string | null = null;
      if (message.reference?.messageId !== undefined) {
        const referenced = await message.fetchReference().catch(() => null);
        if (referenced?.author.id === botId) previous = questionOf(referenced);
      }
      if (previous === null && !message.mentions.users.has(botId)) return;
      const mentioned = stripMention(message.content, botId);
      if (mentioned === '') {
        await message.reply({ content: MENTION_HELP, allowedMentions: NO_MENTIONS });
        return;
      }
      const question = readQuestion(mentioned);
      const searched = previous === null ? question : composeFollowUp(previous, question);
      const request: AnswerRequest = { kind: 'ask', question: searched };
      const page = renderAnswerPage(
        await answerInTurn(context, request, 0),
        request,
        0,
        context,
        searched,
      );
      const header =
        previous === null
          ? `Answering ${quoted(question, 900)}`
          : `Answering ${quoted(question, 600)}, following up on ${quoted(previous, 600)}`;
      const content = page.found ? header : `${header}\n${page.content}`;
      const reply: MessageCreateOptions = {
        content: content.slice(0, DISCORD_LIMITS.content),
        embeds: page.embeds,
        components: page.components,
        allowedMentions: NO_MENTIONS,
      };
      if (previous !== null && message.channel.type === ChannelType.GuildText) {
        try {
          const thread = await message.startThread({ name: truncateText(question, 100) });
          await thread.send(reply);
          return;
        } catch (error) {
          logger.info('could not answer the follow-up in a thread; replying in the channel', {
            ...details,
            error,
          });
        }
      }
      await message.reply(reply);
    } catch (error) {
      logger.error('chat question failed', { ...details, error });
      await message
        .reply({ content: userMessageFor(error), allowedMentions: NO_MENTIONS })
        .catch((replyError: unknown) => {
          logger.error('could not tell the user about an error', { ...details, error: replyError });
        });
    }
  };
}
