/**
 * Fetches a feed or an article page the careful way: http(s) only; every address checked when
 * the connection is made (undici's connector resolves through our lookup, so a name that
 * resolves, or re-resolves, to a refused range is caught too); redirects followed by hand, a
 * few at most, each re-checked, the new address reported when every hop so far was permanent
 * (301, 308); one time-out over headers and body; the body read as a stream
 * and abandoned past a size cap; the content type checked; the text decoded by its charset;
 * conditional GET with ETag / Last-Modified.
 */
import dns from 'node:dns';
import type { LookupAddress, LookupOptions } from 'node:dns';
import net from 'node:net';
import { Agent, fetch, type Dispatcher } from 'undici';
import { UserFacingError } from '../core/errors.js';
import { describeRefusal, refusalFor } from './address.js';

/** What went wrong with a fetch, for the feed's status and backoff. */
export type FetchFailure =
  | 'refused'
  | 'timeout'
  | 'too-large'
  | 'status'
  | 'rate-limited'
  | 'content-type'
  | 'redirects'
  | 'network';

/** A fetch that did not give a usable body; the message is one sentence for `list` and Discord. */
export class FetchError extends UserFacingError {
  override readonly name = 'FetchError';
  constructor(
    readonly failure: FetchFailure,
    message: string,
    /** For 429 / 503: how long the server asked us to wait, ms. */
    readonly retryAfterMs: number | null = null,
    /** The HTTP status of a 'status' failure. */
    readonly httpStatus: number | null = null,
  ) {
    super(message);
  }

  /** Whether trying again later cannot help (refused, gone, not a feed or page, too large). */
  get permanent(): boolean {
    if (this.failure === 'status') return this.httpStatus === 404 || this.httpStatus === 410;
    return ['refused', 'content-type', 'too-large', 'redirects'].includes(this.failure);
  }
}

/** What is being fetched decides the content types accepted. */
export type ResourceKind = 'feed' | 'page';

/** Limits and switches of a fetcher. */
export interface FetchOptions {
  readonly allowPrivate: boolean;
  /** Whole request, headers and body, ms; default 15 000. */
  readonly timeoutMs?: number;
  /** Largest body read, bytes (after decompression); default 5 MB. */
  readonly maxBytes?: number;
  /** Most redirects followed; default 5. */
  readonly maxRedirects?: number;
  readonly userAgent?: string;
}

/** A conditional request's validators from the last successful fetch. */
export interface Validators {
  readonly etag: string | null;
  readonly lastModified: string | null;
}

/** What the last response of a fetch gave: a body, or a 304. */
type FetchedBody =
  | {
      readonly status: 'ok';
      /** Where the body came from after redirects. */
      readonly url: string;
      readonly text: string;
      readonly contentType: string;
      readonly validators: Validators;
    }
  | { readonly status: 'not-modified'; readonly url: string };

/** A fetch that got a body, or a 304, and where the resource has moved to, if it has. */
export type FetchResult = FetchedBody & {
  /**
   * The address the resource has moved to for good: the target of the last of the permanent
   * redirects (301, 308) the chain began with; null when its first hop was temporary (302, 303,
   * 307) or there was none.
   */
  readonly movedTo: string | null;
};

/** Default cap on a body: 5 MB. */
const DEFAULT_MAX_BYTES = 5 * 1024 * 1024;
const DEFAULT_TIMEOUT_MS = 15_000;
/** Longest URL fetched (feed links come from outside). */
const MAX_URL_LENGTH = 2_000;
const DEFAULT_MAX_REDIRECTS = 5;
const DEFAULT_USER_AGENT = 'VerbatimBot/0.1 (+feeds; a Discord bot quoting news verbatim)';

const FEED_TYPES = /(^|[/+])(xml|json)$|^text\//;
const PAGE_TYPES = /^(text\/html|application\/xhtml\+xml)$/;

/** Parses Retry-After (seconds or an HTTP date) into ms from `now`; null when absent or bad. */
export function parseRetryAfter(value: string | null, now: number): number | null {
  if (value === null) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

function hostOf(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, '');
}

function refusedError(host: string, refusal: ReturnType<typeof refusalFor>): FetchError {
  return new FetchError('refused', describeRefusal(refusal ?? 'reserved', host));
}

/** A dns.lookup that refuses names resolving to a refused range (any of their addresses). */
function checkedLookup(allowPrivate: boolean) {
  return (
    hostname: string,
    options: LookupOptions,
    callback: (
      error: NodeJS.ErrnoException | null,
      address: string | LookupAddress[],
      family?: number,
    ) => void,
  ): void => {
    dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error !== null) return callback(error, []);
      for (const { address } of addresses) {
        const refusal = refusalFor(address, allowPrivate);
        if (refusal !== null) return callback(refusedError(hostname, refusal), []);
      }
      if (options.all === true) return callback(null, addresses);
      const first = addresses[0];
      if (first === undefined) return callback(new Error(`${hostname} has no address`), []);
      callback(null, first.address, first.family);
    });
  };
}

function decoderLabel(contentType: string, head: Uint8Array, kind: ResourceKind): string {
  const fromHeader = /charset\s*=\s*"?([\w.:-]+)/i.exec(contentType)?.[1];
  if (fromHeader !== undefined) return fromHeader;
  const ascii = new TextDecoder('latin1').decode(head.subarray(0, 2048));
  const declared =
    /^\s*<\?xml[^>]*encoding\s*=\s*["']([\w.:-]+)["']/i.exec(ascii)?.[1] ??
    (kind === 'page'
      ? (/<meta[^>]+charset\s*=\s*["']?([\w.:-]+)/i.exec(ascii)?.[1] ?? undefined)
      : undefined);
  return declared ?? 'utf-8';
}

/** Decodes a body by its declared charset (any WHATWG label: utf-8, windows-1251, koi8-r …). */
export function decodeBody(bytes: Uint8Array, contentType: string, kind: ResourceKind): string {
  const label = decoderLabel(contentType, bytes, kind);
  try {
    return new TextDecoder(label).decode(bytes);
  } catch {
    // An unknown label: UTF-8 is what most of the web is.
    return new TextDecoder('utf-8').decode(bytes);
  }
}

function causeChain(error: unknown): unknown[] {
  const chain: unknown[] = [];
  let current = error;
  while (current !== undefined && current !== null && chain.length < 5) {
    chain.push(current);
    current = (current as { cause?: unknown }).cause;
  }
  return chain;
}

/** Fetches http(s) resources with the checks above; one instance per process shares connections. */
export class SafeFetcher {
  private readonly agent: Dispatcher;
  private readonly timeoutMs: number;
  private readonly maxBytes: number;
  private readonly maxRedirects: number;
  private readonly userAgent: string;

  constructor(private readonly options: FetchOptions) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
    this.maxRedirects = options.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
    this.userAgent = options.userAgent ?? DEFAULT_USER_AGENT;
    this.agent = new Agent({
      connect: { lookup: checkedLookup(options.allowPrivate), timeout: this.timeoutMs },
      connections: 4,
    });
  }

  /** Closes pooled connections. */
  async close(): Promise<void> {
    await this.agent.close();
  }

  /** Checks a URL's scheme and, for an IP literal, its address (names are checked on connect). */
  checkUrl(raw: string): URL {
    if (raw.length > MAX_URL_LENGTH)
      throw new FetchError(
        'refused',
        `A URL of more than ${MAX_URL_LENGTH} characters is not fetched.`,
      );
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new FetchError('refused', `"${raw.slice(0, 200)}" is not a URL.`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new FetchError(
        'refused',
        `Only http and https URLs can be fetched, not ${url.protocol}`,
      );
    if (url.username !== '' || url.password !== '')
      throw new FetchError('refused', 'A feed URL may not carry a user name or password.');
    const host = hostOf(url);
    if (net.isIP(host) !== 0) {
      const refusal = refusalFor(host, this.options.allowPrivate);
      if (refusal !== null) throw refusedError(host, refusal);
    }
    return url;
  }

  /** Fetches `raw`, conditionally when `validators` are given. */
  async fetch(
    raw: string,
    kind: ResourceKind,
    validators: Validators | null = null,
    now: () => number = Date.now,
  ): Promise<FetchResult> {
    const signal = AbortSignal.timeout(this.timeoutMs);
    const seen = new Set<string>();
    let url = this.checkUrl(raw);
    let movedTo: string | null = null;
    let permanent = true;
    for (let hop = 0; ; hop++) {
      seen.add(url.href);
      const headers: Record<string, string> = {
        'user-agent': this.userAgent,
        accept:
          kind === 'feed'
            ? 'application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5'
            : 'text/html, application/xhtml+xml;q=0.9',
      };
      if (validators?.etag) headers['if-none-match'] = validators.etag;
      if (validators?.lastModified) headers['if-modified-since'] = validators.lastModified;
      let response: Awaited<ReturnType<typeof fetch>>;
      try {
        response = await fetch(url, {
          headers,
          redirect: 'manual',
          signal,
          dispatcher: this.agent,
        });
      } catch (error) {
        throw this.translate(error, url);
      }
      if (response.status >= 300 && response.status < 400 && response.status !== 304) {
        await response.body?.cancel();
        const location = response.headers.get('location');
        if (location === null)
          throw new FetchError(
            'status',
            `${url.host} answered ${response.status} without a Location.`,
          );
        if (hop >= this.maxRedirects)
          throw new FetchError(
            'redirects',
            `${raw} redirects more than ${this.maxRedirects} times.`,
          );
        const next = this.checkUrl(new URL(location, url).href);
        if (seen.has(next.href))
          throw new FetchError('redirects', `${raw} redirects in a loop (back to ${next.href}).`);
        permanent &&= response.status === 301 || response.status === 308;
        if (permanent) movedTo = next.href;
        url = next;
        continue;
      }
      return { ...(await this.finish(response, url, kind, signal, now)), movedTo };
    }
  }

  private async finish(
    response: Awaited<ReturnType<typeof fetch>>,
    url: URL,
    kind: ResourceKind,
    signal: AbortSignal,
    now: () => number,
  ): Promise<FetchedBody> {
    if (response.status === 304) {
      await response.body?.cancel();
      return { status: 'not-modified', url: url.href };
    }
    if (response.status === 429 || response.status === 503) {
      await response.body?.cancel();
      const wait = parseRetryAfter(response.headers.get('retry-after'), now());
      const after = wait === null ? '' : `; it asked to wait ${Math.ceil(wait / 1000)} s`;
      const what = response.status === 429 ? 'too many requests (429)' : 'unavailable (503)';
      throw new FetchError('rate-limited', `${url.host} answered ${what}${after}.`, wait);
    }
    if (response.status < 200 || response.status >= 300) {
      await response.body?.cancel();
      throw new FetchError(
        'status',
        `${url.host} answered HTTP ${response.status} for ${url.href}.`,
        null,
        response.status,
      );
    }
    const contentType = (response.headers.get('content-type') ?? '').toLowerCase();
    const mediaType = contentType.split(';')[0]?.trim() ?? '';
    const accepted = kind === 'feed' ? FEED_TYPES : PAGE_TYPES;
    if (mediaType !== '' && !accepted.test(mediaType)) {
      await response.body?.cancel();
      const expected = kind === 'feed' ? 'a feed (XML or JSON)' : 'a web page (HTML)';
      throw new FetchError(
        'content-type',
        `${url.href} is ${mediaType.slice(0, 80)}, not ${expected}.`,
      );
    }
    const declared = Number(response.headers.get('content-length') ?? NaN);
    if (declared > this.maxBytes) {
      await response.body?.cancel();
      throw this.tooLarge(url);
    }
    const bytes = await this.readCapped(response, url, signal);
    return {
      status: 'ok',
      url: url.href,
      text: decodeBody(bytes, contentType, kind),
      contentType: mediaType,
      validators: {
        etag: response.headers.get('etag'),
        lastModified: response.headers.get('last-modified'),
      },
    };
  }

  private tooLarge(url: URL): FetchError {
    const mb = Math.round((this.maxBytes / 1024 / 1024) * 10) / 10;
    return new FetchError('too-large', `${url.href} is larger than ${mb} MB; it was not read.`);
  }

  /** Reads the body chunk by chunk, cancelling the stream as soon as it passes the cap. */
  private async readCapped(
    response: Awaited<ReturnType<typeof fetch>>,
    url: URL,
    signal: AbortSignal,
  ): Promise<Uint8Array> {
    if (response.body === null) return new Uint8Array(0);
    const chunks: Uint8Array[] = [];
    let total = 0;
    const reader = response.body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        total += value.byteLength;
        if (total > this.maxBytes) {
          await reader.cancel();
          throw this.tooLarge(url);
        }
        chunks.push(value);
      }
    } catch (error) {
      if (error instanceof FetchError) throw error;
      throw this.translate(signal.aborted ? signal.reason : error, url);
    }
    return Buffer.concat(chunks);
  }

  private translate(error: unknown, url: URL): FetchError {
    for (const link of causeChain(error)) {
      if (link instanceof FetchError) return link;
      const name = (link as { name?: string }).name;
      const code = (link as { code?: string }).code;
      if (name === 'TimeoutError' || code === 'UND_ERR_CONNECT_TIMEOUT')
        return new FetchError(
          'timeout',
          `${url.host} did not answer within ${this.timeoutMs / 1000} s.`,
        );
      if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
        return new FetchError('network', `${url.host} does not resolve (no such host).`);
      if (code === 'ECONNREFUSED')
        return new FetchError('network', `${url.host} refused the connection.`);
    }
    const last = causeChain(error).at(-1);
    const detail = last instanceof Error ? `: ${last.message.slice(0, 120)}` : '';
    return new FetchError('network', `Could not reach ${url.host}${detail}.`);
  }
}
