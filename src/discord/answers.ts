/**
 * The answer flow shared by /ask, /search and chat questions: reading the options, running the
 * core, rendering a page with its buttons, and the More/Previous (page) and Context buttons.
 * Button state lives in the custom id when it fits and in the button state store otherwise, so
 * buttons keep working after a restart; when the state is gone the user is told so plainly.
 */
import { createHash } from 'node:crypto';
import {
  MessageFlags,
  type ChatInputCommandInteraction,
  type InteractionEditReplyOptions,
} from 'discord.js';
import { readQuestion } from '../text/question.js';
import { UsageError, UserFacingError } from '../core/errors.js';
import { answerQuestion, clampLimit, RANKING } from '../answer/answer.js';
import type { SimilarityReranker } from '../answer/similarity.js';
import { readDateBound, type DateBound } from '../answer/date-bounds.js';
import { searchKeywords } from '../answer/keywords.js';
import type { Library } from '../library/library.js';
import type { Answer, AnswerOptions, IsoDate, QuoteResult, Span } from '../core/types.js';
import { runOnAnswerQueue, type ButtonHandler, type CommandContext } from './command.js';
import { CONTEXT_BUTTON, PAGE_BUTTON, isContextTarget, type ContextTarget } from './custom-id.js';
import {
  renderAnswerButtons,
  renderAnswerEmbed,
  renderContextEmbed,
  renderAnswerNotices,
  renderEmptyAnswer,
} from '../present/discord.js';

/** No mention in anything the bot sends may ping (article text can hold `@everyone`). */
export const NO_MENTIONS = { parse: [] } as const;

/** What was asked: enough to compute any page of the answer again. */
export interface AnswerRequest {
  readonly kind: 'ask' | 'search';
  readonly question: string;
  readonly limit?: number;
  readonly since?: IsoDate;
  readonly until?: IsoDate;
  readonly source?: string;
}

/** The message of one page: embeds and buttons, or one line when nothing matched. */
export interface AnswerPage {
  readonly content: string;
  readonly embeds: ReturnType<typeof renderAnswerEmbed>[];
  readonly components: ReturnType<typeof renderAnswerButtons>;
  readonly allowedMentions: typeof NO_MENTIONS;
  /** Whether there were results. */
  readonly found: boolean;
}

/**
 * Reads a date option (see readDateBound: `2022`, `2022-03` or `2022-03-05`). Throws a
 * UsageError that says how to write it.
 */
export function parseDateOption(name: DateBound, value: string): IsoDate {
  const date = readDateBound(name, value);
  if (date === null)
    throw new UsageError(`“${name}” must be a date like 2022-03-05 (or just 2022-03, or 2022).`);
  return date;
}

/** Reads /ask or /search options into a request; throws UsageError on bad input. */
export function readAnswerRequest(
  interaction: ChatInputCommandInteraction,
  kind: AnswerRequest['kind'],
  textOption: string,
): AnswerRequest {
  const raw = interaction.options.getString(textOption, true);
  if (raw.trim() === '') throw new UsageError(`Please give the ${textOption} some words.`);
  const question = readQuestion(raw);
  const limit = interaction.options.getInteger('limit') ?? undefined;
  const sinceRaw = interaction.options.getString('since');
  const untilRaw = interaction.options.getString('until');
  const source = interaction.options.getString('source')?.trim() || undefined;
  const since = sinceRaw === null ? undefined : parseDateOption('since', sinceRaw);
  const until = untilRaw === null ? undefined : parseDateOption('until', untilRaw);
  if (since !== undefined && until !== undefined && since > until) {
    throw new UsageError('“since” is after “until”; swap them to get a date range.');
  }
  return {
    kind,
    question,
    ...(limit !== undefined ? { limit } : {}),
    ...(since !== undefined ? { since } : {}),
    ...(until !== undefined ? { until } : {}),
    ...(source !== undefined ? { source } : {}),
  };
}

/** Runs the core for one page of a request. */
function runAnswer(
  library: Library,
  request: AnswerRequest,
  offset: number,
  reranker: SimilarityReranker | null,
): Promise<Answer> {
  const options: AnswerOptions = {
    offset,
    ...(request.limit !== undefined ? { limit: request.limit } : {}),
    ...(request.since !== undefined ? { since: request.since } : {}),
    ...(request.until !== undefined ? { until: request.until } : {}),
    ...(request.source !== undefined ? { source: request.source } : {}),
  };
  return request.kind === 'ask'
    ? answerQuestion(library, request.question, options, RANKING, reranker)
    : searchKeywords(library, request.question, options);
}

/** A short fingerprint of a quote, so a Context button can tell the article changed since. */
function quoteCheck(text: string): string {
  return createHash('sha256').update(text).digest('base64url').slice(0, 6);
}

/**
 * The custom id of a Context button: the article, the quote's span, where its first matched
 * word is (so a long paragraph is shown around it) and a check of the quote's text; stored in
 * the button state when it does not fit in 100 characters.
 */
function contextCustomId(result: QuoteResult, context: CommandContext): string {
  const starts = result.highlights.map((h) => h.start);
  const target: ContextTarget = {
    docId: result.docId,
    start: result.span.start,
    end: result.span.end,
    focus: starts.length > 0 ? Math.min(...starts) : 0,
    check: quoteCheck(result.quote),
  };
  return (
    CONTEXT_BUTTON.encode({ target }) ??
    encoded(CONTEXT_BUTTON.encode({ stateKey: context.buttons.put(target) }))
  );
}

function pageCustomId(request: AnswerRequest, offset: number, context: CommandContext): string {
  return encoded(PAGE_BUTTON.encode({ stateKey: context.buttons.put(request), offset }));
}

/** A custom id made of a state key and short numbers, which always fits. */
function encoded(id: string | null): string {
  if (id === null) throw new Error('a custom id of a state key exceeded 100 characters');
  return id;
}

/** Renders one page of an answer with its Context, Previous and More buttons. */
export function renderAnswerPage(
  answer: Answer,
  request: AnswerRequest,
  offset: number,
  context: CommandContext,
  title: string = request.question,
): AnswerPage {
  if (answer.results.length === 0) {
    const line =
      offset > 0 ? 'There are no more results for that question.' : renderEmptyAnswer(answer);
    return {
      content: line,
      embeds: [],
      components: [],
      allowedMentions: NO_MENTIONS,
      found: false,
    };
  }
  // Pages are `limit` long (the core's default when none was asked for); the last may be shorter.
  const limit = clampLimit(request.limit);
  return {
    content: renderAnswerNotices(answer),
    embeds: [renderAnswerEmbed(answer, request.kind, title)],
    components: renderAnswerButtons(answer.results, {
      context: answer.results.map((r) => contextCustomId(r, context)),
      previous: offset > 0 ? pageCustomId(request, Math.max(0, offset - limit), context) : null,
      more: answer.hasMore ? pageCustomId(request, offset + answer.results.length, context) : null,
    }),
    allowedMentions: NO_MENTIONS,
    found: true,
  };
}

/** The page as the options of an edit (empty content is sent as a cleared field). */
function asEdit(page: AnswerPage): InteractionEditReplyOptions {
  return {
    content: page.content === '' ? null : page.content,
    embeds: page.embeds,
    components: page.components,
    allowedMentions: page.allowedMentions,
  } as InteractionEditReplyOptions;
}

/** runAnswer on the context's answer queue (see TurnQueue), or at once without one. */
export function answerInTurn(
  context: CommandContext,
  request: AnswerRequest,
  offset: number,
): Promise<Answer> {
  return runOnAnswerQueue(context, () =>
    runAnswer(context.library, request, offset, context.reranker ?? null),
  );
}

/**
 * Answers a slash command: defers (privately when asked), runs the core, and edits the reply
 * with the first page.
 */
export async function replyWithAnswer(
  interaction: ChatInputCommandInteraction,
  request: AnswerRequest,
  ephemeral: boolean,
  context: CommandContext,
): Promise<void> {
  await interaction.deferReply(ephemeral ? { flags: MessageFlags.Ephemeral } : {});
  const answer = await answerInTurn(context, request, 0);
  await interaction.editReply(asEdit(renderAnswerPage(answer, request, 0, context)));
}

/** The text shown when a button's state is gone. */
export const EXPIRED_BUTTON_MESSAGE =
  'This button no longer works: I no longer have the question behind it (it is too old or my storage was reset). Please ask again.';

/** Whether `value` (read back from the button state store) is a request this bot stored. */
function isAnswerRequest(value: unknown): value is AnswerRequest {
  if (value === null || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  const optional = (key: string, type: 'string' | 'number'): boolean =>
    v[key] === undefined || typeof v[key] === type;
  return (
    (v['kind'] === 'ask' || v['kind'] === 'search') &&
    typeof v['question'] === 'string' &&
    optional('limit', 'number') &&
    optional('since', 'string') &&
    optional('until', 'string') &&
    optional('source', 'string')
  );
}

/** More ▶ / ◀ Previous: replaces the message with the requested page. */
const handlePageButton: ButtonHandler = async (interaction, args, context) => {
  const button = PAGE_BUTTON.decode(args);
  const request = button === null ? undefined : await context.buttons.get(button.stateKey);
  if (button === null || !isAnswerRequest(request))
    throw new UserFacingError(EXPIRED_BUTTON_MESSAGE);
  await interaction.deferUpdate();
  const answer = await answerInTurn(context, request, button.offset);
  await interaction.editReply(asEdit(renderAnswerPage(answer, request, button.offset, context)));
};

/** The paragraph (blank-line separated) of `text` around `span`. */
function paragraphAround(text: string, span: Span): Span {
  const before = text.lastIndexOf('\n\n', Math.max(0, span.start - 1));
  const after = text.indexOf('\n\n', span.end);
  return { start: before < 0 ? 0 : before + 2, end: after < 0 ? text.length : after };
}

/** Context n: the quote's whole paragraph, privately. */
const handleContextButton: ButtonHandler = async (interaction, args, context) => {
  const button = CONTEXT_BUTTON.decode(args);
  const stored =
    button !== null && 'stateKey' in button
      ? await context.buttons.get(button.stateKey)
      : undefined;
  const target =
    button === null
      ? undefined
      : 'target' in button
        ? button.target
        : isContextTarget(stored)
          ? stored
          : undefined;
  if (target === undefined) throw new UserFacingError(EXPIRED_BUTTON_MESSAGE);
  const article = context.library.article(target.docId);
  if (article === undefined) {
    throw new UserFacingError(
      'That article is no longer in the corpus, so I cannot show its context.',
    );
  }
  const span = { start: target.start, end: target.end };
  if (
    span.end > article.text.length ||
    span.start >= span.end ||
    quoteCheck(article.text.slice(span.start, span.end)) !== target.check
  ) {
    throw new UserFacingError(
      'That article has changed since this answer was given; ask again for a fresh quote.',
    );
  }
  await interaction.reply({
    embeds: [
      renderContextEmbed(
        article,
        paragraphAround(article.text, span),
        span,
        span.start + Math.min(target.focus, span.end - span.start - 1),
      ),
    ],
    flags: MessageFlags.Ephemeral,
    allowedMentions: NO_MENTIONS,
  });
};

/** The buttons every answer carries, by custom-id prefix. */
export const ANSWER_BUTTONS: Readonly<Record<string, ButtonHandler>> = {
  [PAGE_BUTTON.prefix]: handlePageButton,
  [CONTEXT_BUTTON.prefix]: handleContextButton,
};
