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
import { UsageError, UserFacingError } from '../core/errors.js';
import { answerQuestion, clampLimit } from '../answer/answer.js';
import { searchKeywords } from '../answer/keywords.js';
import type { Library } from '../library/library.js';
import type { Answer, AnswerOptions, IsoDate, QuoteResult, Span } from '../core/types.js';
import type { ButtonHandler, CommandContext } from './command.js';
import {
  DISCORD_LIMITS,
  renderAnswerButtons,
  renderAnswerEmbed,
  renderContextEmbed,
  renderEmptyAnswer,
} from '../present/discord.js';

/** Custom-id prefix of the page buttons (More ▶ and ◀ Previous). */
export const PAGE_PREFIX = 'page';
/** Custom-id prefix of the Context buttons. */
export const CONTEXT_PREFIX = 'ctx';

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

const DATE_INPUT = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/;

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * Reads a date option: `2022`, `2022-03` or `2022-03-05`. A year or month means its first day
 * for `since` and its last day for `until`. Throws a UsageError that says how to write it.
 */
export function parseDateOption(name: 'since' | 'until', value: string): IsoDate {
  const match = DATE_INPUT.exec(value.trim());
  const fail = (): never => {
    throw new UsageError(`“${name}” must be a date like 2022-03-05 (or just 2022-03, or 2022).`);
  };
  if (match === null) return fail();
  const year = Number(match[1]);
  const month = match[2] === undefined ? (name === 'since' ? 1 : 12) : Number(match[2]);
  if (month < 1 || month > 12) return fail();
  const last = daysIn(year, month);
  const day = match[3] === undefined ? (name === 'since' ? 1 : last) : Number(match[3]);
  if (day < 1 || day > last) return fail();
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Reads /ask or /search options into a request; throws UsageError on bad input. */
export function readAnswerRequest(
  interaction: ChatInputCommandInteraction,
  kind: AnswerRequest['kind'],
  textOption: string,
): AnswerRequest {
  const question = interaction.options.getString(textOption, true).trim();
  if (question === '') throw new UsageError(`Please give the ${textOption} some words.`);
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
export function runAnswer(
  library: Library,
  request: AnswerRequest,
  offset: number,
): Promise<Answer> {
  const options: AnswerOptions = {
    offset,
    ...(request.limit !== undefined ? { limit: request.limit } : {}),
    ...(request.since !== undefined ? { since: request.since } : {}),
    ...(request.until !== undefined ? { until: request.until } : {}),
    ...(request.source !== undefined ? { source: request.source } : {}),
  };
  return request.kind === 'ask'
    ? answerQuestion(library, request.question, options)
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
export function contextCustomId(result: QuoteResult, context: CommandContext): string {
  const { docId, span } = result;
  const starts = result.highlights.map((h) => h.start);
  const focus = starts.length > 0 ? Math.min(...starts) : 0;
  const check = quoteCheck(result.quote);
  const direct = `${CONTEXT_PREFIX}:${span.start.toString(36)}:${span.end.toString(36)}:${focus.toString(36)}:${check}:${docId}`;
  if (direct.length <= DISCORD_LIMITS.customId) return direct;
  return `${CONTEXT_PREFIX}:~${context.buttons.put({ docId, start: span.start, end: span.end, focus, check })}`;
}

function pageCustomId(request: AnswerRequest, offset: number, context: CommandContext): string {
  return `${PAGE_PREFIX}:${context.buttons.put(request)}:${offset}`;
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
    content: '',
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
export function asEdit(page: AnswerPage): InteractionEditReplyOptions {
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
  const run = (): Promise<Answer> => runAnswer(context.library(), request, offset);
  return context.answerQueue === undefined ? run() : context.answerQueue.run(run);
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

function isRequest(value: unknown): value is AnswerRequest {
  if (value === null || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  return (v['kind'] === 'ask' || v['kind'] === 'search') && typeof v['question'] === 'string';
}

/** More ▶ / ◀ Previous: replaces the message with the requested page. */
export const handlePageButton: ButtonHandler = async (interaction, args, context) => {
  const [key = '', offsetText = '0'] = args.split(':');
  const request = context.buttons.get(key);
  const offset = Number.parseInt(offsetText, 10);
  if (!isRequest(request) || !Number.isFinite(offset) || offset < 0) {
    throw new UserFacingError(EXPIRED_BUTTON_MESSAGE);
  }
  await interaction.deferUpdate();
  const answer = await answerInTurn(context, request, offset);
  await interaction.editReply(asEdit(renderAnswerPage(answer, request, offset, context)));
};

/** The paragraph (blank-line separated) of `text` around `span`. */
export function paragraphAround(text: string, span: Span): Span {
  const before = text.lastIndexOf('\n\n', Math.max(0, span.start - 1));
  const after = text.indexOf('\n\n', span.end);
  return { start: before < 0 ? 0 : before + 2, end: after < 0 ? text.length : after };
}

/** Context n: the quote's whole paragraph, privately. */
export const handleContextButton: ButtonHandler = async (interaction, args, context) => {
  let target:
    { docId: string; start: number; end: number; focus: number; check: string } | undefined;
  if (args.startsWith('~')) {
    const stored = context.buttons.get(args.slice(1)) as typeof target;
    if (stored && typeof stored.docId === 'string') target = stored;
  } else {
    const match = /^([0-9a-z]+):([0-9a-z]+):([0-9a-z]+):([\w-]{6}):(.+)$/.exec(args);
    if (match) {
      target = {
        start: Number.parseInt(match[1] ?? '', 36),
        end: Number.parseInt(match[2] ?? '', 36),
        focus: Number.parseInt(match[3] ?? '', 36),
        check: match[4] ?? '',
        docId: match[5] ?? '',
      };
    }
  }
  if (target === undefined) throw new UserFacingError(EXPIRED_BUTTON_MESSAGE);
  const article = context.library().article(target.docId);
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
  [PAGE_PREFIX]: handlePageButton,
  [CONTEXT_PREFIX]: handleContextButton,
};
