/**
 * Options shared by /ask and /search (date range and outlet), and the outlet autocomplete.
 */
import type { AutocompleteInteraction, SlashCommandStringOption } from 'discord.js';
import type { CommandContext } from '../src/discord/command.js';
import { DISCORD_LIMITS } from '../src/present/limits.js';
import { truncateText } from '../src/present/markdown.js';

/** The `since` option. */
export function sinceOption(option: SlashCommandStringOption): SlashCommandStringOption {
  return option
    .setName('since')
    .setDescription('Only articles from this day on: 2022-03-05, 2022-03 or 2022')
    .setMaxLength(10);
}

/** The `until` option. */
export function untilOption(option: SlashCommandStringOption): SlashCommandStringOption {
  return option
    .setName('until')
    .setDescription('Only articles up to this day: 2022-03-05, 2022-03 or 2022')
    .setMaxLength(10);
}

/** The `source` option, with autocomplete from the corpus's outlets. */
export function sourceOption(option: SlashCommandStringOption): SlashCommandStringOption {
  return option
    .setName('source')
    .setDescription('Only this outlet, e.g. Sputnik')
    .setMaxLength(DISCORD_LIMITS.choiceLength)
    .setAutocomplete(true);
}

/**
 * A choice within Discord's 100 characters (never empty): the name is cut at a word, the value
 * (sent back as typed) only at the limit.
 */
export function toChoice(name: string, value: string = name): { name: string; value: string } {
  return {
    name: truncateText(name, DISCORD_LIMITS.choiceLength) || '…',
    value: value.slice(0, DISCORD_LIMITS.choiceLength) || '…',
  };
}

/** Outlets whose name contains what was typed, most articles first. */
export async function completeSource(
  interaction: AutocompleteInteraction,
  context: CommandContext,
): Promise<void> {
  const typed = String(interaction.options.getFocused()).trim().toLowerCase();
  const choices = context.library
    .sources()
    .filter((s) => s.source.toLowerCase().includes(typed))
    .slice(0, DISCORD_LIMITS.choices)
    .map((s) =>
      toChoice(`${s.source} (${s.articles} article${s.articles === 1 ? '' : 's'})`, s.source),
    );
  await interaction.respond(choices);
}
