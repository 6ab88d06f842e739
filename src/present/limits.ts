/**
 * Discord's limits on what the bot sends, in one table for every message (answers, context,
 * digests, autocomplete, button ids), and the embed length Discord counts against them.
 */
import type { APIEmbed } from 'discord.js';

/** Discord's limits (characters unless stated). */
export const DISCORD_LIMITS = {
  content: 2_000,
  embedTitle: 256,
  embedDescription: 4_096,
  embedFields: 25,
  fieldName: 256,
  fieldValue: 1_024,
  footerText: 2_048,
  /** All embeds of one message together. */
  embedsTotal: 6_000,
  embedsPerMessage: 10,
  buttonsPerRow: 5,
  actionRows: 5,
  customId: 100,
  buttonLabel: 80,
  /** Autocomplete: at most 25 choices, names and values of 1–100 characters. */
  choices: 25,
  choiceLength: 100,
} as const;

/** Characters an embed counts towards Discord's 6,000 per message. */
export function embedLength(embed: APIEmbed): number {
  return (
    (embed.title?.length ?? 0) +
    (embed.description?.length ?? 0) +
    (embed.footer?.text.length ?? 0) +
    (embed.author?.name.length ?? 0) +
    (embed.fields ?? []).reduce((n, f) => n + f.name.length + f.value.length, 0)
  );
}
