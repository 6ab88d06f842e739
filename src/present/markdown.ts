/**
 * The one set of Discord markdown helpers, used by every message (answers, context, digests,
 * chat): article text is shown literally (escaped), matched words in bold, links only to
 * http(s) targets that cannot break out of their parentheses, and anything too long is cut at a
 * word boundary with an ellipsis.
 */
import type { Span } from '../core/types.js';

/** The ellipsis added where text was cut. */
export const ELLIPSIS = '…';

/**
 * Escapes `text` so Discord renders it exactly as written: formatting characters, masked links,
 * mentions, channel/emoji/timestamp tags, and line-start headings, quotes and lists get a
 * backslash. `@everyone`/`@here` get one too, so they never read as a mention even where
 * allowed_mentions would let them. Every escape is a backslash before punctuation, which
 * Discord removes when rendering, so the reader sees the article's exact characters.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\\*_~`|[\]<]/g, '\\$&')
    .replace(/@(everyone|here)/g, '\\@$1')
    .replace(
      /^([^\S\n]*)(#{1,3}|>{1,3}|-#|[-+]|\d+\.)(?=\s)/gm,
      (_m, space: string, mark: string) =>
        mark.endsWith('.') ? `${space}${mark.slice(0, -1)}\\.` : `${space}\\${mark}`,
    );
}

/**
 * Undoes `escapeMarkdown` (every escape is a backslash before punctuation): the text a reader
 * saw, e.g. the question in the title of an answer being replied to.
 */
export function unescapeMarkdown(text: string): string {
  return text.replace(/\\([^\p{L}\p{N}\s])/gu, '$1');
}

/** Text escaped for Discord and cut to `max` characters (after escaping) at a word boundary. */
export function fitEscaped(text: string, max: number): string {
  let raw = truncateText(text, max);
  let escaped = escapeMarkdown(raw);
  while (escaped.length > max && raw.length > 1) {
    raw = truncateText(text, Math.max(1, raw.length - (escaped.length - max)) - 1);
    escaped = escapeMarkdown(raw);
  }
  return escaped.length <= max ? escaped : ELLIPSIS;
}

/**
 * A URL safe as a markdown link target, or null when it is not one http(s) URL: blanks would end
 * the target early and parentheses are percent-encoded, so `…)[click](…)` cannot add a link.
 */
export function linkTarget(url: string | null): string | null {
  if (url === null || !/^https?:\/\/\S+$/i.test(url)) return null;
  return url.replace(/\)/g, '%29').replace(/\(/g, '%28');
}

/** Sorted, clipped to `length`, with spans that touch or are separated by blanks merged. */
function mergeSpans(text: string, spans: readonly Span[]): Span[] {
  const sorted = spans
    .map((s) => ({ start: Math.max(0, s.start), end: Math.min(text.length, s.end) }))
    .filter((s) => s.end > s.start)
    .sort((a, b) => a.start - b.start);
  const merged: Span[] = [];
  for (const span of sorted) {
    const last = merged[merged.length - 1];
    if (last !== undefined && /^[^\S\n]*$/.test(text.slice(last.end, span.start))) {
      merged[merged.length - 1] = { start: last.start, end: Math.max(last.end, span.end) };
    } else if (last !== undefined && span.start < last.end) {
      merged[merged.length - 1] = { start: last.start, end: Math.max(last.end, span.end) };
    } else {
      merged.push(span);
    }
  }
  return merged;
}

/** `text` escaped, with each span (relative to `text`) in bold; adjacent spans share one bold. */
export function emphasise(text: string, spans: readonly Span[]): string {
  let out = '';
  let at = 0;
  for (const span of mergeSpans(text, spans)) {
    out += escapeMarkdown(text.slice(at, span.start));
    out += `**${escapeMarkdown(text.slice(span.start, span.end))}**`;
    at = span.end;
  }
  return out + escapeMarkdown(text.slice(at));
}

/** Positions where `text` may be cut: after each run of non-blank characters. */
function wordEnds(text: string, from: number): number[] {
  const ends: number[] = [];
  const pattern = /\S+/g;
  pattern.lastIndex = from;
  for (let m = pattern.exec(text); m !== null; m = pattern.exec(text))
    ends.push(m.index + m[0].length);
  return ends;
}

/**
 * Plain text cut to at most `max` characters at a word boundary, with an ellipsis when cut.
 * A single word longer than `max` is cut inside it (still with the ellipsis).
 */
export function truncateText(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= ELLIPSIS.length) return ELLIPSIS.slice(0, max);
  const room = max - ELLIPSIS.length;
  const ends = wordEnds(text, 0).filter((end) => end <= room);
  const cut = ends.length > 0 ? (ends[ends.length - 1] ?? room) : room;
  return text.slice(0, cut).trimEnd() + ELLIPSIS;
}

/**
 * A quote rendered for Discord (escaped, matched words bold) in at most `max` characters. When
 * it does not fit, a window of whole words is kept — starting shortly before `anchor` (default:
 * the first matched word) if that would otherwise be cut off — with an ellipsis wherever text
 * was left out.
 */
export function fitQuote(
  quote: string,
  highlights: readonly Span[],
  max: number,
  anchor: Span | undefined = [...highlights].sort((a, b) => a.start - b.start)[0],
): string {
  const full = emphasise(quote, highlights);
  if (full.length <= max) return full;
  const render = (start: number, end: number): string => {
    const shifted = highlights.map((h) => ({
      start: h.start - start,
      end: Math.min(h.end, end) - start,
    }));
    const body = emphasise(quote.slice(start, end), shifted);
    return (start > 0 ? ELLIPSIS : '') + body + (end < quote.length ? ELLIPSIS : '');
  };
  // Start at the beginning unless that leaves the anchor out of reach.
  let start = 0;
  const first = anchor;
  if (first !== undefined && render(0, first.end).length > max * 0.6) {
    const before = quote.slice(0, first.start);
    const back = Math.floor(max * 0.15);
    const blank = before.lastIndexOf(' ', Math.max(0, first.start - back));
    start = blank > 0 ? blank + 1 : first.start;
  }
  const ends = wordEnds(quote, start);
  // Rendered length grows with the end position: binary search for the last end that fits.
  let lo = 0;
  let hi = ends.length - 1;
  let best = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (render(start, ends[mid] ?? start).length <= max) {
      best = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  if (best >= 0) return render(start, ends[best] ?? start);
  // Not even one word fits: plain, escaped text cut inside the word.
  return truncateText(escapeMarkdown(quote.slice(start)), max).replace(/\\…$/, ELLIPSIS);
}
