/**
 * /digest — scheduled digests of new quotes on a topic, posted to a channel. One module per
 * subcommand (listed below in /help order); this one defines the command, runs the checks every
 * subcommand needs (a server, Manage Server — the command's default permission, checked again on
 * every run — and the database) and completes `id` and `timezone`.
 */
import {
  InteractionContextType,
  PermissionFlagsBits,
  SlashCommandBuilder,
  type AutocompleteInteraction,
} from 'discord.js';
import { UsageError } from '../../src/core/errors.js';
import { listTimeZones } from '../../src/digest/schedule.js';
import type { Command, CommandContext } from '../../src/discord/command.js';
import { DISCORD_LIMITS } from '../../src/present/limits.js';
import { toChoice } from '../options.js';
import { add } from './add.js';
import { edit } from './edit.js';
import { list } from './list.js';
import { pause } from './pause.js';
import { preview } from './preview.js';
import { remove } from './remove.js';
import { resume } from './resume.js';
import { run } from './run.js';
import { settings } from './settings.js';
import { openCall, type DigestSubcommand } from './shared.js';

const SUBCOMMANDS: readonly DigestSubcommand[] = [
  add,
  edit,
  list,
  remove,
  pause,
  resume,
  preview,
  run,
  settings,
];
const BY_NAME = new Map(SUBCOMMANDS.map((s) => [s.name, s]));

const data = new SlashCommandBuilder()
  .setName('digest')
  .setDescription('Post the best new quotes on a topic to a channel on a schedule')
  .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
  .setContexts(InteractionContextType.Guild);
for (const sub of SUBCOMMANDS) data.addSubcommand((s) => sub.define(s.setName(sub.name)));

/** Time zones containing what was typed, those starting with it (or a part of it) first. */
function completeTimeZone(typed: string): { name: string; value: string }[] {
  const needle = typed.trim().toLowerCase().replace(/\s+/g, '_');
  const zones = listTimeZones();
  const starts = zones.filter((z) =>
    [z, ...z.split('/')].some((part) => part.toLowerCase().startsWith(needle)),
  );
  const contains = zones.filter((z) => !starts.includes(z) && z.toLowerCase().includes(needle));
  return [...starts, ...contains].slice(0, DISCORD_LIMITS.choices).map((z) => toChoice(z));
}

/** This server's digests whose id or topic matches what was typed (for Manage Server only). */
async function completeId(
  interaction: AutocompleteInteraction,
  context: CommandContext,
  typed: string,
): Promise<void> {
  const scheduler = context.digests?.() ?? null;
  if (
    scheduler === null ||
    interaction.guildId === null ||
    interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild) !== true
  ) {
    await interaction.respond([]);
    return;
  }
  const needle = typed.trim().toLowerCase().replace(/^#/, '');
  const choices = (await scheduler.store.subscriptionsOf(interaction.guildId))
    .filter(
      (s) =>
        needle === '' || String(s.id).startsWith(needle) || s.topic.toLowerCase().includes(needle),
    )
    .slice(0, DISCORD_LIMITS.choices)
    .map((s) => ({
      ...toChoice(
        `#${s.id} · ${s.topic} · ${s.schedule}${s.status === 'paused' ? ' (paused)' : ''}`,
      ),
      value: s.id,
    }));
  await interaction.respond(choices);
}

export const digest: Command = {
  data,
  usage: `scheduled digests of new quotes on a topic: ${SUBCOMMANDS.map((s) => s.name).join(', ')} (Manage Server)`,
  async execute(interaction, context) {
    const call = openCall(interaction, context);
    const sub = BY_NAME.get(interaction.options.getSubcommand(true));
    if (sub === undefined)
      throw new UsageError('I do not know that /digest subcommand; /help lists them.');
    await sub.run(call);
  },
  async autocomplete(interaction, context) {
    const focused = interaction.options.getFocused(true);
    if (focused.name === 'timezone')
      await interaction.respond(completeTimeZone(String(focused.value)));
    else if (focused.name === 'id') await completeId(interaction, context, String(focused.value));
    else await interaction.respond([]);
  },
};
