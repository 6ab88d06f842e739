/**
 * Typed custom ids of the answer buttons: one codec per button kind turns a value into the
 * custom id Discord stores (`prefix:fields`, at most 100 characters) and back. Decoding checks
 * every field, so a forged or outdated id reads as null rather than as a half-parsed value.
 * The wire formats are those the bot has always posted, so buttons on old messages keep working.
 */
import { DISCORD_LIMITS } from '../present/limits.js';

/** Encodes values of `T` as custom ids under one prefix, and reads them back. */
export interface CustomIdCodec<T> {
  /** The text before the first ':' that routes a click to this kind of button. */
  readonly prefix: string;
  /** The custom id carrying `value`; null when it would exceed Discord's 100 characters. */
  encode(value: T): string | null;
  /** The value behind the text after `prefix:`, or null when it is not one this codec wrote. */
  decode(args: string): T | null;
}

/** A custom id split at its first ':' into the routing prefix and the codec's fields. */
export function splitCustomId(customId: string): { prefix: string; args: string } {
  const separator = customId.indexOf(':');
  return separator < 0
    ? { prefix: customId, args: '' }
    : { prefix: customId.slice(0, separator), args: customId.slice(separator + 1) };
}

function withPrefix(prefix: string, fields: string): string | null {
  const id = `${prefix}:${fields}`;
  return id.length <= DISCORD_LIMITS.customId ? id : null;
}

/** A key of the button state store (12 base64url characters). */
const STATE_KEY = /^[\w-]{12}$/;
/** A non-negative integer written in base 10 or 36, without sign or leading junk. */
const DECIMAL = /^(0|[1-9]\d{0,15})$/;
const BASE36 = /^(0|[1-9a-z][0-9a-z]{0,10})$/;

/** More ▶ / ◀ Previous: the stored request (by state key) and the offset of the page to show. */
export interface PageButton {
  readonly stateKey: string;
  readonly offset: number;
}

/** `page:<state key>:<offset>`. */
export const PAGE_BUTTON: CustomIdCodec<PageButton> = {
  prefix: 'page',
  encode: ({ stateKey, offset }) => withPrefix('page', `${stateKey}:${offset}`),
  decode(args) {
    const [stateKey = '', offset = '', ...rest] = args.split(':');
    if (rest.length > 0 || !STATE_KEY.test(stateKey) || !DECIMAL.test(offset)) return null;
    return { stateKey, offset: Number(offset) };
  },
};

/** Where a Context button points: a quote's span in an article, and a check of its text. */
export interface ContextTarget {
  readonly docId: string;
  readonly start: number;
  readonly end: number;
  /** Article offset of the quote's first matched word, so a long paragraph is cut around it. */
  readonly focus: number;
  /** 6 base64url characters of the quote's hash: the article changed if they differ. */
  readonly check: string;
}

/** A Context button: its target written in the id, or stored under a key when it is too long. */
export type ContextButton = { readonly target: ContextTarget } | { readonly stateKey: string };

const CHECK = /^[\w-]{6}$/;

/** `ctx:<start>:<end>:<focus>:<check>:<docId>` (numbers in base 36) or `ctx:~<state key>`. */
export const CONTEXT_BUTTON: CustomIdCodec<ContextButton> = {
  prefix: 'ctx',
  encode(button) {
    if ('stateKey' in button) return withPrefix('ctx', `~${button.stateKey}`);
    const { start, end, focus, check, docId } = button.target;
    const numbers = [start, end, focus].map((n) => n.toString(36)).join(':');
    return withPrefix('ctx', `${numbers}:${check}:${docId}`);
  },
  decode(args) {
    if (args.startsWith('~')) {
      const stateKey = args.slice(1);
      return STATE_KEY.test(stateKey) ? { stateKey } : null;
    }
    const [start = '', end = '', focus = '', check = '', ...docId] = args.split(':');
    const target = {
      start: BASE36.test(start) ? Number.parseInt(start, 36) : NaN,
      end: BASE36.test(end) ? Number.parseInt(end, 36) : NaN,
      focus: BASE36.test(focus) ? Number.parseInt(focus, 36) : NaN,
      check,
      docId: docId.join(':'),
    };
    return isContextTarget(target) ? { target } : null;
  },
};

/** Whether `value` (e.g. read back from the button state store) is a well-formed target. */
export function isContextTarget(value: unknown): value is ContextTarget {
  if (value === null || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  const offset = (n: unknown): boolean => Number.isSafeInteger(n) && (n as number) >= 0;
  return (
    typeof v['docId'] === 'string' &&
    v['docId'] !== '' &&
    offset(v['start']) &&
    offset(v['end']) &&
    offset(v['focus']) &&
    typeof v['check'] === 'string' &&
    CHECK.test(v['check'])
  );
}
