/**
 * A question as it enters Verbatim from anywhere (command line, standard input, console, chat,
 * /ask, /search): bounded in length and cleaned of characters that would be echoed into titles
 * and terminals as something else.
 */
import { UsageError } from '../core/errors.js';

/** The longest question accepted (Discord's /ask option allows the same; longer only dilutes). */
export const MAX_QUESTION_LENGTH = 500;

/**
 * Control characters (NUL, BEL, ESC…, but not tab and newlines, which become spaces anyway),
 * bidirectional overrides and isolates, and UTF-16 surrogates without their pair.
 */
const UNSHOWABLE =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * The question in `raw`, cleaned (unshowable characters removed, whitespace runs made one
 * space, trimmed). Throws a UsageError saying why when it is empty or longer than
 * MAX_QUESTION_LENGTH; the length is checked first, so a huge input costs nothing more.
 */
export function readQuestion(raw: string): string {
  // Generous before cleaning (a few removed characters must not refuse a question that fits).
  if (raw.length > 2 * MAX_QUESTION_LENGTH) throw tooLong(raw.length);
  const question = showable(raw).replace(/\s+/g, ' ').trim();
  if (question.length > MAX_QUESTION_LENGTH) throw tooLong(question.length);
  if (question === '') throw new UsageError('Please ask a question: I got no words.');
  return question;
}

/** `text` without the characters readQuestion removes (for echoing any input line). */
export function showable(text: string): string {
  return text.replace(UNSHOWABLE, '');
}

function tooLong(length: number): UsageError {
  return new UsageError(
    `That question is ${length.toLocaleString('en-US')} characters long; please ask in ${MAX_QUESTION_LENGTH} characters or fewer.`,
  );
}
