/**
 * The safe fetcher against a real HTTP server on 127.0.0.1 that misbehaves on purpose; each
 * refusal or failure is checked with the sentence a user sees (in `feeds list` and /feed).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FetchError, SafeFetcher, decodeBody, parseRetryAfter } from '../../src/feeds/fetch.js';
import { refusalFor } from '../../src/feeds/address.js';
import { startFeedServer, type FeedServer } from './server.js';

let server: FeedServer;
let fetcher: SafeFetcher;
let strict: SafeFetcher;

beforeAll(async () => {
  server = await startFeedServer();
  fetcher = new SafeFetcher({ allowPrivate: true, timeoutMs: 500, maxBytes: 1024 * 1024 });
  strict = new SafeFetcher({ allowPrivate: false, timeoutMs: 500 });
});

afterAll(async () => {
  await fetcher.close();
  await strict.close();
  await server.close();
});

function host(): string {
  return new URL(server.base).host;
}

async function failure(promise: Promise<unknown>): Promise<FetchError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof FetchError) return error;
    throw error;
  }
  throw new Error('expected a FetchError');
}

describe('SafeFetcher', () => {
  it('fetches a feed and keeps its validators', async () => {
    server.routes.set('/etag.xml', {
      type: 'application/rss+xml',
      body: 'wire-rss.xml',
      etag: '"v1"',
    });
    const result = await fetcher.fetch(`${server.base}/etag.xml`, 'feed');
    expect(result.status).toBe('ok');
    if (result.status !== 'ok') return;
    expect(result.text).toContain('Wire Service: World News');
    expect(result.validators.etag).toBe('"v1"');
  });

  it('sends the ETag back and treats 304 as nothing new', async () => {
    const result = await fetcher.fetch(`${server.base}/etag.xml`, 'feed', {
      etag: '"v1"',
      lastModified: 'Tue, 01 Dec 2026 10:00:00 GMT',
    });
    expect(result.status).toBe('not-modified');
    expect(server.requests.at(-1)).toMatchObject({
      path: '/etag.xml',
      ifNoneMatch: '"v1"',
      ifModifiedSince: 'Tue, 01 Dec 2026 10:00:00 GMT',
    });
  });

  it('decodes windows-1251 declared only in the XML declaration', async () => {
    const result = await fetcher.fetch(`${server.base}/bta/rss.xml`, 'feed');
    expect(result.status === 'ok' && result.text).toContain(
      'Министерският съвет одобри проектобюджета за 2027 г.',
    );
  });

  it('decodes windows-1251 declared only in a meta tag of a page', async () => {
    const result = await fetcher.fetch(`${server.base}/bta/bg/news/bulgaria/1001`, 'page');
    expect(result.status === 'ok' && result.text).toContain('София, 2 декември (БТА)');
  });

  it('follows a redirect and reports where the body came from', async () => {
    const result = await fetcher.fetch(`${server.base}/moved.xml`, 'feed');
    expect(result.status === 'ok' && result.url).toBe(`${server.base}/wire/rss.xml`);
  });

  it('reports where a resource moved for good only when its redirects began permanent', async () => {
    const redirect = (from: string, status: number, to: string): void => {
      server.routes.set(from, { type: 'text/plain', body: Buffer.alloc(0), status, location: to });
    };
    redirect('/p1.xml', 301, '/p2.xml');
    redirect('/p2.xml', 308, '/wire/rss.xml');
    redirect('/t1.xml', 302, '/wire/rss.xml');
    redirect('/t2.xml', 307, '/wire/rss.xml');
    redirect('/mixed.xml', 301, '/t1.xml');
    redirect('/after-temporary.xml', 307, '/p2.xml');
    const movedTo = async (p: string): Promise<string | null> =>
      (await fetcher.fetch(`${server.base}${p}`, 'feed')).movedTo;
    expect(await movedTo('/wire/rss.xml')).toBeNull();
    expect(await movedTo('/moved.xml')).toBe(`${server.base}/wire/rss.xml`);
    expect(await movedTo('/p1.xml')).toBe(`${server.base}/wire/rss.xml`);
    expect(await movedTo('/t1.xml')).toBeNull();
    expect(await movedTo('/t2.xml')).toBeNull();
    // A permanent hop to an address that is itself only temporarily elsewhere.
    expect(await movedTo('/mixed.xml')).toBe(`${server.base}/t1.xml`);
    expect(await movedTo('/after-temporary.xml')).toBeNull();
  });

  it('refuses a redirect to the cloud metadata address, even with private addresses allowed', async () => {
    const error = await failure(fetcher.fetch(`${server.base}/to-metadata.xml`, 'feed'));
    expect(error.failure).toBe('refused');
    expect(error.message).toBe(
      '169.254.169.254 is on a cloud metadata service, which feeds may not fetch.',
    );
  });

  it('refuses a redirect loop', async () => {
    const error = await failure(fetcher.fetch(`${server.base}/loop-a.xml`, 'feed'));
    expect(error.message).toBe(
      `${server.base}/loop-a.xml redirects in a loop (back to ${server.base}/loop-a.xml).`,
    );
  });

  it('refuses loopback addresses when private addresses are not allowed', async () => {
    const literal = await failure(strict.fetch(`${server.base}/wire/rss.xml`, 'feed'));
    expect(literal.message).toBe(
      '127.0.0.1 is on this machine (loopback), which feeds may not fetch (FEEDS_ALLOW_PRIVATE=true allows it).',
    );
    // A name is checked after DNS, when the connection is made.
    const port = new URL(server.base).port;
    const named = await failure(strict.fetch(`http://localhost:${port}/wire/rss.xml`, 'feed'));
    expect(named.failure).toBe('refused');
    expect(named.message).toMatch(/^localhost is on this machine \(loopback\)/);
  });

  it('refuses schemes other than http and https, and credentials in the URL', async () => {
    expect((await failure(fetcher.fetch('file:///etc/passwd', 'feed'))).message).toBe(
      'Only http and https URLs can be fetched, not file:',
    );
    expect((await failure(fetcher.fetch(`http://u:p@127.0.0.1/`, 'feed'))).message).toBe(
      'A feed URL may not carry a user name or password.',
    );
  });

  it('honours 429 with Retry-After', async () => {
    const error = await failure(fetcher.fetch(`${server.base}/rate-limited.xml`, 'feed'));
    expect(error.failure).toBe('rate-limited');
    expect(error.retryAfterMs).toBe(120_000);
    expect(error.message).toBe(
      `${host()} answered too many requests (429); it asked to wait 120 s.`,
    );
  });

  it('reports a server error with its status', async () => {
    const error = await failure(fetcher.fetch(`${server.base}/error.xml`, 'feed'));
    expect(error.message).toBe(`${host()} answered HTTP 500 for ${server.base}/error.xml.`);
  });

  it('gives up on a response slower than the time-out', async () => {
    const started = Date.now();
    const error = await failure(fetcher.fetch(`${server.base}/slow.xml`, 'feed'));
    expect(error.failure).toBe('timeout');
    expect(error.message).toBe(`${host()} did not answer within 0.5 s.`);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('stops reading a 50 MB body at the size cap', async () => {
    const error = await failure(fetcher.fetch(`${server.base}/huge.xml`, 'feed'));
    expect(error.failure).toBe('too-large');
    expect(error.message).toBe(`${server.base}/huge.xml is larger than 1 MB; it was not read.`);
    // The connection was dropped long before the server could send it all.
    await new Promise((r) => setTimeout(r, 100));
    expect(server.hugeBytesSent()).toBeLessThan(20 * 1024 * 1024);
  });

  it('refuses a content type that is not a feed or not a page', async () => {
    const image = await failure(fetcher.fetch(`${server.base}/logo.png`, 'feed'));
    expect(image.message).toBe(`${server.base}/logo.png is image/png, not a feed (XML or JSON).`);
    const feedAsPage = await failure(fetcher.fetch(`${server.base}/wire/rss.xml`, 'page'));
    expect(feedAsPage.failure).toBe('content-type');
  });
});

describe('address policy and helpers', () => {
  it('classifies addresses', () => {
    expect(refusalFor('10.0.0.1', false)).toBe('private');
    expect(refusalFor('10.0.0.1', true)).toBeNull();
    expect(refusalFor('::ffff:127.0.0.1', false)).toBe('loopback');
    expect(refusalFor('fe80::1', true)).toBe('link-local');
    expect(refusalFor('fd00:ec2::254', true)).toBe('metadata');
    expect(refusalFor('0.0.0.0', true)).toBe('unspecified');
    expect(refusalFor('93.184.216.34', false)).toBeNull();
  });

  it('reads Retry-After as seconds or a date', () => {
    const now = Date.UTC(2026, 11, 1, 10, 0, 0);
    expect(parseRetryAfter('30', now)).toBe(30_000);
    expect(parseRetryAfter('Tue, 01 Dec 2026 10:01:00 GMT', now)).toBe(60_000);
    expect(parseRetryAfter('soon', now)).toBeNull();
  });

  it('decodes by the header charset first', () => {
    const bytes = Buffer.from([0xd1, 0xee, 0xf4, 0xe8, 0xff]);
    expect(decodeBody(bytes, 'text/html; charset=windows-1251', 'page')).toBe('София');
    expect(decodeBody(Buffer.from('plain'), 'text/html; charset=bogus', 'page')).toBe('plain');
  });
});
