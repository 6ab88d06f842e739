/**
 * The shape of a slash command module (`commands/*.ts`) and of what every handler receives.
 * One typed array (`commands/index.ts`) lists the modules; the runtime dispatches through it and
 * the command sync puts exactly its definitions.
 */
import type { SimilarityReranker } from '../answer/similarity.js';
import type {
  AutocompleteInteraction,
  ButtonInteraction,
  ChatInputCommandInteraction,
  RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import type { Config } from '../config.js';
import type { Logger } from '../core/log.js';
import type { FeedService } from '../feeds/runtime.js';
import type { DigestScheduler } from '../scheduler/scheduler.js';
import type { Library } from '../library/library.js';
import type { ButtonStateStore } from './state.js';
import type { TurnQueue } from '../core/event-loop.js';

/** Everything a handler may use; passed down, never global. */
export interface CommandContext {
  /**
   * The corpus served. One Library for the life of the bot: the corpus watcher updates it in
   * place, so handlers hold it directly rather than through a getter.
   */
  readonly library: Library;
  readonly config: Config;
  readonly logger: Logger;
  /** The clock (tests pass a fixed one). */
  readonly now: () => Date;
  /** State behind buttons, kept in DATA_DIR. */
  readonly buttons: ButtonStateStore;
  /** When the corpus was loaded, ms since epoch. */
  readonly loadedAt: () => number;
  readonly version: string;
  /** The commands being served (for /help). */
  readonly commands: () => readonly Command[];
  /** Scheduled digests (/digest); null when the database could not be opened. */
  readonly digests?: () => DigestScheduler | null;
  /** What to tell users about digests (database kept aside, digests off), or null. */
  readonly digestsNotice?: () => string | null;
  /** Feeds followed into the corpus (/feed); null or absent when the database could not be opened. */
  readonly feeds?: () => FeedService | null;
  /** Reorders English answers by meaning (SEMANTIC_RERANK); absent or null: word order only. */
  readonly reranker?: SimilarityReranker | null;
  /** Where answers are computed, one per event-loop turn; absent, they run at once. */
  readonly answerQueue?: TurnQueue;
}

/**
 * Runs CPU-bound work for a handler (an answer, a chart) on the context's answer queue, so a
 * backlog of it never holds up acknowledging new interactions; at once when there is no queue.
 */
export function runOnAnswerQueue<T>(
  context: Pick<CommandContext, 'answerQueue'>,
  job: () => T | Promise<T>,
): Promise<T> {
  return context.answerQueue === undefined
    ? Promise.resolve().then(job)
    : context.answerQueue.run(job);
}

/** A button handler, chosen by the custom id's prefix (the text before the first ':'). */
export type ButtonHandler = (
  interaction: ButtonInteraction,
  args: string,
  context: CommandContext,
) => Promise<void>;

/** A slash command module. */
export interface Command {
  /** The definition put to Discord (a SlashCommandBuilder or anything with `toJSON`). */
  readonly data: {
    readonly name: string;
    toJSON(): RESTPostAPIChatInputApplicationCommandsJSONBody;
  };
  /** One line for /help. */
  readonly usage: string;
  execute(interaction: ChatInputCommandInteraction, context: CommandContext): Promise<void>;
  autocomplete?(interaction: AutocompleteInteraction, context: CommandContext): Promise<void>;
  /** Buttons this command's messages carry, by custom-id prefix. */
  readonly buttons?: Readonly<Record<string, ButtonHandler>>;
}
