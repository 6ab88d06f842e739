/**
 * An article's text out of HTML: for a page, the main text as Firefox's Reader View finds it
 * (@mozilla/readability over a linkedom DOM); for a feed's own full text, the same paragraph
 * walk without the main-text search. Paragraphs are kept as paragraphs (each a passage later);
 * navigation, asides, figures, scripts, share and ad blocks, and lines that are only a link
 * ("Read more", "Continue reading →") are dropped.
 */
import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import { UserFacingError } from '../core/errors.js';

/** The DOM type Readability's constructor names (the project has no DOM lib types). */
type ReadabilityDocument = ConstructorParameters<typeof Readability>[0];

/** A page had no article text to take. */
export class ExtractError extends UserFacingError {
  override readonly name = 'ExtractError';
}

/** What a page gives besides its text. */
export interface ExtractedArticle {
  readonly title: string | null;
  readonly paragraphs: readonly string[];
  /** `<link rel="canonical">` (or og:url), absolute, else null. */
  readonly canonicalUrl: string | null;
  /** article:published_time or similar, as written; null when absent. */
  readonly published: string | null;
  /** `<html lang>`, as written. */
  readonly lang: string | null;
}

/** Fewest characters of text for a page to count as an article. */
const MIN_ARTICLE_CHARS = 80;
/** Most paragraphs kept from one article (bounds a runaway page). */
const MAX_PARAGRAPHS = 400;

const DROPPED = [
  'script',
  'style',
  'noscript',
  'template',
  'nav',
  'aside',
  'footer',
  'form',
  'button',
  'iframe',
  'figure',
  'figcaption',
  'svg',
  '[class*="advert"]',
  '[class~="ad"]',
  '[class*="share"]',
  '[class*="newsletter"]',
  '[class*="related"]',
  '[class*="promo"]',
  '[aria-hidden="true"]',
].join(', ');

/** Elements whose text stands apart as its own paragraph. */
const BLOCK_TAGS = new Set([
  'P',
  'DIV',
  'LI',
  'UL',
  'OL',
  'H1',
  'H2',
  'H3',
  'H4',
  'H5',
  'H6',
  'BLOCKQUOTE',
  'PRE',
  'DD',
  'DT',
  'DL',
  'TD',
  'TR',
  'TABLE',
  'SECTION',
  'ARTICLE',
  'HEADER',
  'MAIN',
  'HR',
  'ADDRESS',
]);

/** A line that is only an invitation to go elsewhere. */
const LINK_LINE =
  /^(read (more|also|next)|continue reading|see also|related( articles| stories)?|още|прочетете (още|също)|виж(те)? (още|също)|читайте (также|еще))(?=[\s:.,!?…→»-]|$)/iu;

interface DomNode {
  readonly nodeType: number;
  readonly nodeName: string;
  readonly textContent: string | null;
  readonly childNodes: ArrayLike<DomNode>;
}
interface DomElement extends DomNode {
  querySelectorAll(selector: string): Iterable<DomElement>;
  querySelector(selector: string): DomElement | null;
  getAttribute(name: string): string | null;
  remove(): void;
}

function squash(value: string): string {
  return value.replace(/\s+/g, ' ').trim();
}

function isOnlyLinks(block: DomElement, text: string): boolean {
  let linked = '';
  for (const a of block.querySelectorAll('a')) linked += a.textContent ?? '';
  return linked !== '' && squash(linked).length >= text.length - 3;
}

/**
 * Text with paragraph breaks: a block element is a paragraph of its own, `<br>` a line break
 * (two in a row a paragraph break), text between blocks a paragraph too. A block whose text is
 * only links, or reads "Read more …", is left out.
 */
function textWithBreaks(node: DomNode, out: string[]): void {
  for (const child of Array.from(node.childNodes)) {
    if (child.nodeType === 3) out.push((child.textContent ?? '').replace(/\s+/g, ' '));
    else if (child.nodeType !== 1) continue;
    else if (child.nodeName === 'BR') out.push('\n');
    else if (BLOCK_TAGS.has(child.nodeName)) {
      const inner: string[] = [];
      textWithBreaks(child, inner);
      const joined = inner.join('');
      const text = squash(joined);
      if (text === '' || LINK_LINE.test(text) || isOnlyLinks(child as DomElement, text)) continue;
      out.push('\n\n', joined, '\n\n');
    } else textWithBreaks(child, out);
  }
}

function paragraphsOf(root: DomElement): string[] {
  for (const unwanted of [...root.querySelectorAll(DROPPED)]) unwanted.remove();
  // A teaser's trailing "Read more" / "Continue reading →" link.
  for (const link of [...root.querySelectorAll('a')])
    if (LINK_LINE.test(squash(link.textContent ?? ''))) link.remove();
  const parts: string[] = [];
  textWithBreaks(root, parts);
  const paragraphs: string[] = [];
  for (const part of parts.join('').split(/\n[ \t]*\n/)) {
    const text = squash(part);
    if (text === '' || LINK_LINE.test(text)) continue;
    paragraphs.push(text);
    if (paragraphs.length >= MAX_PARAGRAPHS) break;
  }
  return paragraphs;
}

function fragment(html: string): DomElement {
  const { document } = parseHTML(`<!doctype html><html><body>${html}</body></html>`);
  return document.body as unknown as DomElement;
}

/** The paragraphs of a feed's own HTML content (content:encoded, Atom content). */
export function htmlToParagraphs(html: string): string[] {
  return paragraphsOf(fragment(html));
}

/** Plain text of a short HTML string (a title): tags dropped, entities decoded. */
export function plainText(html: string): string {
  return squash(fragment(html).textContent ?? '');
}

function absolute(href: string | null | undefined, base: string): string | null {
  if (href === null || href === undefined || href.trim() === '') return null;
  try {
    const url = new URL(href.trim(), base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

/** Takes the main text of an article page fetched from `url`; ExtractError when there is none. */
export function extractArticle(html: string, url: string): ExtractedArticle {
  const { document } = parseHTML(html);
  const head = document as unknown as DomElement;
  const meta = (selector: string): string | null =>
    head.querySelector(selector)?.getAttribute('content')?.trim() || null;
  const canonicalUrl =
    absolute(head.querySelector('link[rel="canonical"]')?.getAttribute('href'), url) ??
    absolute(meta('meta[property="og:url"]'), url);
  const published =
    meta('meta[property="article:published_time"]') ??
    meta('meta[name="pubdate"]') ??
    meta('meta[itemprop="datePublished"]') ??
    head.querySelector('time[datetime]')?.getAttribute('datetime') ??
    null;
  const lang = head.querySelector('html')?.getAttribute('lang') ?? null;
  const title = meta('meta[property="og:title"]') ?? head.querySelector('h1')?.textContent ?? null;
  // Ads and share bars go before Readability scores the page, so they cannot become its text.
  for (const unwanted of [...head.querySelectorAll(DROPPED)]) unwanted.remove();
  const readable = new Readability(document as unknown as ReadabilityDocument, {
    charThreshold: 200,
  }).parse();
  const heading = title === null ? null : squash(title);
  const paragraphs = (readable?.content ? htmlToParagraphs(readable.content) : []).filter(
    (p) => p !== heading,
  );
  if (paragraphs.join(' ').length < MIN_ARTICLE_CHARS)
    throw new ExtractError(`${url} has no article text that could be taken.`);
  return {
    title: heading ?? (readable?.title ? squash(readable.title) : null),
    paragraphs,
    canonicalUrl,
    published: published ?? readable?.publishedTime ?? null,
    lang: lang ?? readable?.lang ?? null,
  };
}
