/**
 * A question as a person reads it: what is typed around the words (links, Discord mentions,
 * markdown, emoji, quotation marks) is not something to search for.
 */

/** `[text](https://…)`: a pasted link, its text ("link", "source", a headline) included. */
const MARKDOWN_LINK = /\[([^\]]*)\]\(\s*<?[^)\s]*>?(?:\s+"[^"]*")?\s*\)/gu;
/** A bare or angle-bracketed web address. */
const URL = /<?\b(?:https?:\/\/|www\.)[^\s<>]+>?/giu;
/** Discord user, role and channel mentions, custom emoji and timestamps: `<@123>`, `<:name:123>`. */
const DISCORD_TOKEN = /<(?:@[!&]?\d+|#\d+|a?:\w+:\d+|t:\d+(?::\w)?)>/gu;
/** `@name` at a word start: a handle addressed, not a subject ("@Verbatim what did …"). */
const HANDLE = /(?<![\p{L}\p{N}.])@[\p{L}\p{N}_.-]+/gu;
/** Markdown emphasis, code, quote and heading markers. */
const MARKDOWN = /(?:\*{1,3}|_{1,3}|~~|`{1,3}|\|\||^\s*(?:>{1,3}|#{1,6})\s)/gmu;
/** Emoji, pictographs and their joiners and variation selectors. */
const EMOJI = /\p{Extended_Pictographic}|\p{Emoji_Modifier}|\u200d|\ufe0f|\u20e3/gu;

/**
 * The words of a question without its links, mentions, markdown markers and emoji (each
 * replaced by a space, so nothing around it is joined): a link is what the question points
 * at, not what it asks — its text is usually "link" or a pasted headline. Quotation marks are
 * left to tokenisation, which never makes them words.
 */
export function cleanQuestion(question: string): string {
  return question
    .replace(MARKDOWN_LINK, ' ')
    .replace(DISCORD_TOKEN, ' ')
    .replace(URL, ' ')
    .replace(HANDLE, ' ')
    .replace(MARKDOWN, ' ')
    .replace(EMOJI, ' ')
    .replace(/\s+/gu, ' ')
    .trim();
}
