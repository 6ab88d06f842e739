/**
 * Options shared by /ask and /search (date range and outlet), and the outlet autocomplete.
 */
import type { AutocompleteInteraction, SlashCommandStringOption } from 'discord.js';
import type { CommandContext } from '../src/discord/command.js';

/** Discord's limits on autocomplete: 25 choices, names and values of 1–100 characters. */
export const MAX_CHOICES = 25;
export const MAX_CHOICE_LENGTH = 100;

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
    .setMaxLength(MAX_CHOICE_LENGTH)
    .setAutocomplete(true);
}

/** A choice cut to Discord's 100 characters (never empty). */
export function toChoice(name: string, value: string = name): { name: string; value: string } {
  const cut = (s: string): string =>
    s.length <= MAX_CHOICE_LENGTH ? s : s.slice(0, MAX_CHOICE_LENGTH - 1) + '…';
  return { name: cut(name) || '…', value: value.slice(0, MAX_CHOICE_LENGTH) || '…' };
}

/** Outlets whose name contains what was typed, most articles first. */
export async function completeSource(
  interaction: AutocompleteInteraction,
  context: CommandContext,
): Promise<void> {
  const typed = String(interaction.options.getFocused()).trim().toLowerCase();
  const choices = context
    .library()
    .sources()
    .filter((s) => s.source.toLowerCase().includes(typed))
    .slice(0, MAX_CHOICES)
    .map((s) =>
      toChoice(`${s.source} (${s.articles} article${s.articles === 1 ? '' : 's'})`, s.source),
    );
  await interaction.respond(choices);
}
