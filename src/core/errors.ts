/**
 * Error hierarchy with a user-facing/internal split: a UserFacingError's message is safe and
 * useful to show a user as is; anything else is logged in full and the user sees a generic line.
 */

/** Base class of Verbatim's own errors. */
export class VerbatimError extends Error {
  override readonly name: string = 'VerbatimError';
}

/** A problem the user can fix; `message` is one friendly sentence that says how. */
export class UserFacingError extends VerbatimError {
  override readonly name: string = 'UserFacingError';
}

/** The user's input is unusable (empty question, bad date, unknown option). */
export class UsageError extends UserFacingError {
  override readonly name: string = 'UsageError';
}

/** The message a user sees for an error that is not theirs to fix. */
export const GENERIC_ERROR_MESSAGE =
  'Something went wrong on my side while answering that. Please try again in a moment.';

/** The one sentence to show a user for any thrown value: never a stack trace. */
export function userMessageFor(error: unknown): string {
  return error instanceof UserFacingError ? error.message : GENERIC_ERROR_MESSAGE;
}
