/**
 * The interaction dispatcher: routes slash commands, autocomplete and buttons to their handlers
 * and is the one error boundary. Whatever a handler throws is logged with its context and the
 * user gets one private, friendly sentence (a usage problem says how to fix it); the bot keeps
 * serving. No interaction is left unanswered.
 */
import {
  DiscordAPIError,
  MessageFlags,
  type AutocompleteInteraction,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type Interaction,
} from 'discord.js';
import { performance } from 'node:perf_hooks';
import { UserFacingError, userMessageFor } from '../core/errors.js';
import type { LogContext } from '../core/log.js';
import { ANSWER_BUTTONS, NO_MENTIONS } from './answers.js';
import type { ButtonHandler, Command, CommandContext } from './command.js';
import { splitCustomId } from './custom-id.js';

/** Discord's "Unknown interaction": the 3 s acknowledgement window had passed. */
const UNKNOWN_INTERACTION = 10_062;

/** Said when a button's prefix is unknown (e.g. a button of a removed feature). */
const UNKNOWN_BUTTON_MESSAGE =
  'That button is from an older version of me and no longer does anything. Please ask again.';

/** Said for a slash command the bot does not know (definitions not yet synced). */
const UNKNOWN_COMMAND_MESSAGE =
  'I do not know that command any more; Discord may still be showing an old list. Try /help.';

function describeInteraction(interaction: Interaction): LogContext {
  const base: LogContext = {
    interaction: interaction.id,
    user: interaction.user.id,
    guild: interaction.guildId,
    channel: interaction.channelId,
  };
  if (interaction.isChatInputCommand() || interaction.isAutocomplete())
    base['command'] = interaction.commandName;
  if (interaction.isButton()) base['button'] = interaction.customId;
  return base;
}

/** Tells the user privately, whatever state the interaction is in. */
async function replyPrivately(
  interaction: ChatInputCommandInteraction | ButtonInteraction,
  text: string,
): Promise<void> {
  const message = { content: text, allowedMentions: NO_MENTIONS };
  if (!interaction.deferred && !interaction.replied) {
    await interaction.reply({ ...message, flags: MessageFlags.Ephemeral });
    return;
  }
  if (
    interaction.isChatInputCommand() &&
    interaction.deferred &&
    !interaction.replied &&
    interaction.ephemeral
  ) {
    // A private "thinking…" placeholder can simply become the message.
    await interaction.editReply({ ...message, embeds: [], components: [] });
    return;
  }
  if (interaction.isChatInputCommand() && interaction.deferred && !interaction.replied) {
    // A public placeholder would show the error to everyone: remove it, then answer privately.
    await interaction.deleteReply().catch(() => undefined);
  }
  await interaction.followUp({ ...message, flags: MessageFlags.Ephemeral });
}

/** Builds the handler for `interactionCreate`. */
export function createDispatcher(
  commands: readonly Command[],
  context: CommandContext,
): (interaction: Interaction) => Promise<void> {
  const byName = new Map(commands.map((c) => [c.data.name, c]));
  const buttons = new Map<string, ButtonHandler>(Object.entries(ANSWER_BUTTONS));
  for (const command of commands) {
    for (const [prefix, handler] of Object.entries(command.buttons ?? {}))
      buttons.set(prefix, handler);
  }
  const { logger } = context;

  const runCommand = async (interaction: ChatInputCommandInteraction): Promise<void> => {
    const command = byName.get(interaction.commandName);
    if (command === undefined) throw new UserFacingError(UNKNOWN_COMMAND_MESSAGE);
    await command.execute(interaction, context);
  };
  const runAutocomplete = async (interaction: AutocompleteInteraction): Promise<void> => {
    const command = byName.get(interaction.commandName);
    if (command?.autocomplete === undefined) {
      await interaction.respond([]);
      return;
    }
    await command.autocomplete(interaction, context);
  };
  const runButton = async (interaction: ButtonInteraction): Promise<void> => {
    const { prefix, args } = splitCustomId(interaction.customId);
    const handler = buttons.get(prefix);
    if (handler === undefined) throw new UserFacingError(UNKNOWN_BUTTON_MESSAGE);
    await handler(interaction, args, context);
  };

  return async (interaction) => {
    const details = describeInteraction(interaction);
    const started = performance.now();
    try {
      if (interaction.isChatInputCommand()) await runCommand(interaction);
      else if (interaction.isAutocomplete()) await runAutocomplete(interaction);
      else if (interaction.isButton()) await runButton(interaction);
      else
        logger.debug('ignoring an interaction of an unhandled type', {
          ...details,
          type: interaction.type,
        });
      // Time since Discord created the interaction shows how close it came to the 3 s window.
      logger.debug('interaction handled', {
        ...details,
        handlerMs: Math.round(performance.now() - started),
        sinceCreatedMs: Date.now() - interaction.createdTimestamp,
      });
    } catch (error) {
      if (error instanceof DiscordAPIError && error.code === UNKNOWN_INTERACTION) {
        logger.error('answered too late: Discord had already dropped the interaction', {
          ...details,
          error,
        });
        return;
      }
      if (error instanceof UserFacingError)
        logger.info('usage problem', { ...details, message: error.message });
      else logger.error('handler failed', { ...details, error });
      try {
        if (interaction.isAutocomplete()) {
          if (!interaction.responded) await interaction.respond([]);
        } else if (interaction.isChatInputCommand() || interaction.isButton()) {
          await replyPrivately(interaction, userMessageFor(error));
        }
      } catch (replyError) {
        logger.error('could not tell the user about an error', { ...details, error: replyError });
      }
    }
  };
}
