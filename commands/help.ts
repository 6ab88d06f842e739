/**
 * /help — what each command does (private).
 */
import { MessageFlags, SlashCommandBuilder } from 'discord.js';
import { NO_MENTIONS } from '../src/discord/answers.js';
import type { Command } from '../src/discord/command.js';
import { renderHelpEmbed } from '../src/present/discord.js';

export const help: Command = {
  data: new SlashCommandBuilder().setName('help').setDescription('How to use Verbatim'),
  usage: 'this help',
  async execute(interaction, context) {
    const lines = context.commands().map((c) => ({ label: `/${c.data.name}`, usage: c.usage }));
    const chat = context.config.chatEnabled
      ? [
          {
            label: '@Verbatim',
            usage: 'mention me with a question, or reply to one of my answers to follow up',
          },
        ]
      : [];
    await interaction.reply({
      embeds: [renderHelpEmbed([...lines, ...chat])],
      flags: MessageFlags.Ephemeral,
      allowedMentions: NO_MENTIONS,
    });
  },
};
