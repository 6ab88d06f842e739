/**
 * The scheduler's Discord edge: posting a digest through discord.js's REST client
 * (`POST /channels/{id}/messages`, with the body's nonce and `enforce_nonce`), which works from
 * any shard's process, and finding a post already made.
 */
import { DiscordAPIError, HTTPError, RateLimitError, Routes, type REST } from 'discord.js';
import { SendError, type MessageSender, type SentMessageFinder } from '../scheduler/scheduler.js';

/**
 * A sender that posts through discord.js's REST client (`client.rest`). @discordjs/rest already waits out 429s; what still
 * fails is turned into a SendError carrying the HTTP status and Discord's code.
 */
export function createDiscordSender(rest: REST): MessageSender {
  return async (channelId, body) => {
    try {
      const message = (await rest.post(Routes.channelMessages(channelId), { body })) as {
        id: string;
      };
      return { id: message.id };
    } catch (error) {
      if (error instanceof DiscordAPIError) {
        throw new SendError(
          error.message,
          error.status,
          typeof error.code === 'number' ? error.code : null,
        );
      }
      if (error instanceof HTTPError) throw new SendError(error.message, error.status);
      if (error instanceof RateLimitError) throw new SendError(error.message, 429);
      throw new SendError((error as Error).message ?? String(error), null);
    }
  };
}

interface ListedMessage {
  readonly id: string;
  readonly author: { readonly id: string };
  readonly content: string;
  readonly embeds: readonly { readonly title?: string; readonly description?: string }[];
}

function sameMessage(message: ListedMessage, body: Record<string, unknown>): boolean {
  const embeds = (body['embeds'] ?? []) as readonly { title?: string; description?: string }[];
  return (
    message.content === (body['content'] ?? '') &&
    message.embeds.length === embeds.length &&
    message.embeds.every(
      (e, i) => e.title === embeds[i]?.title && e.description === embeds[i]?.description,
    )
  );
}

/**
 * A finder that lists the channel's last 50 messages (`GET /channels/{id}/messages`) and returns
 * the one this bot posted with the same content and embeds.
 */
export function createSentMessageFinder(rest: REST): SentMessageFinder {
  let botId: string | null = null;
  return async (channelId, body) => {
    botId ??= ((await rest.get(Routes.user())) as { id: string }).id;
    const recent = (await rest.get(Routes.channelMessages(channelId), {
      query: new URLSearchParams({ limit: '50' }),
    })) as ListedMessage[];
    return recent.find((m) => m.author.id === botId && sameMessage(m, body))?.id ?? null;
  };
}
