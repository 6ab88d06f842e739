/**
 * A real HTTP server on 127.0.0.1 serving the feed and article fixtures of test/fixtures/feeds
 * (with `{{BASE}}` replaced by its own address) and misbehaving on purpose on some paths: 304
 * with ETags, 429 with Retry-After, 500, a response slower than any time-out, a 50 MB body sent
 * lazily, a redirect to the cloud metadata address and a redirect loop; a route may redirect, with the
 * status it names.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/feeds');

/** A fixture's bytes with `{{BASE}}` replaced (byte-safe for any ASCII-compatible charset). */
export function fixture(name: string, base: string): Buffer {
  const raw = readFileSync(path.join(FIXTURES, name)).toString('latin1');
  return Buffer.from(raw.split('{{BASE}}').join(base), 'latin1');
}

/** One served resource. */
interface Route {
  readonly type: string;
  /** Bytes or a fixture name; a function giving the bytes is called per request (to change the feed mid-test). */
  readonly body: Buffer | string | (() => Buffer);
  readonly etag?: string;
  /** Answer with this status and an empty body instead (e.g. 502 for a page that is down). */
  readonly status?: number;
  /** With `status` 3xx: where it redirects to (a path on this server or a URL). */
  readonly location?: string;
}

/** The running server. */
export interface FeedServer {
  readonly base: string;
  /** Paths served, added to or replaced during a test. */
  readonly routes: Map<string, Route>;
  /** Requests received, in order: method, path and conditional headers. */
  readonly requests: { path: string; ifNoneMatch?: string; ifModifiedSince?: string }[];
  /** Bytes written for /huge.xml before the client went away. */
  hugeBytesSent(): number;
  close(): Promise<void>;
}

/** The standard routes: every fixture at a path shaped like a real outlet's. */
function standardRoutes(): [string, Route][] {
  return [
    ['/wire/rss.xml', { type: 'application/rss+xml; charset=utf-8', body: 'wire-rss.xml' }],
    [
      '/world/europe/zhlobin-talks-2026-12-01/',
      { type: 'text/html; charset=utf-8', body: 'wire-zhlobin.html' },
    ],
    [
      '/markets/commodities/oil-opec-2026-12-01/',
      { type: 'text/html; charset=utf-8', body: 'wire-oil.html' },
    ],
    // No charset in the header: the XML declaration and the meta tag say windows-1251.
    ['/bta/rss.xml', { type: 'application/rss+xml', body: 'bta-1251.xml' }],
    ['/bta/bg/news/bulgaria/1001', { type: 'text/html', body: 'bta-1001.html' }],
    ['/blog/atom.xml', { type: 'application/atom+xml', body: 'atom-blog.xml' }],
    ['/harbour/feed.json', { type: 'application/feed+json', body: 'json-feed.json' }],
    ['/science/rdf', { type: 'application/rdf+xml', body: 'rdf-feed.xml' }],
    ['/broken/rss.xml', { type: 'application/rss+xml', body: 'malformed.xml' }],
    ['/wire/page.html', { type: 'text/html', body: 'wire-oil.html' }],
    ['/logo.png', { type: 'image/png', body: Buffer.from([0x89, 0x50, 0x4e, 0x47]) }],
  ];
}

const HUGE_BYTES = 50 * 1024 * 1024;

/** Starts the server on 127.0.0.1 on a free port. */
export async function startFeedServer(): Promise<FeedServer> {
  const routes = new Map<string, Route>();
  const requests: FeedServer['requests'] = [];
  let hugeSent = 0;
  let base = '';
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', base);
    requests.push({
      path: url.pathname,
      ...(req.headers['if-none-match'] ? { ifNoneMatch: req.headers['if-none-match'] } : {}),
      ...(req.headers['if-modified-since']
        ? { ifModifiedSince: req.headers['if-modified-since'] }
        : {}),
    });
    switch (url.pathname) {
      case '/rate-limited.xml':
        res.writeHead(429, { 'retry-after': '120', 'content-type': 'text/plain' }).end('slow down');
        return;
      case '/error.xml':
        res.writeHead(500, { 'content-type': 'text/html' }).end('<h1>Internal Server Error</h1>');
        return;
      case '/slow.xml':
        // Headers never come; the client's time-out must end it.
        setTimeout(() => res.destroy(), 10_000).unref();
        return;
      case '/huge.xml': {
        res.writeHead(200, { 'content-type': 'application/rss+xml' });
        const chunk = Buffer.alloc(64 * 1024, 0x20);
        const pump = (): void => {
          while (hugeSent < HUGE_BYTES) {
            hugeSent += chunk.length;
            if (!res.write(chunk)) {
              res.once('drain', pump);
              return;
            }
          }
          res.end();
        };
        res.on('close', () => res.removeAllListeners('drain'));
        pump();
        return;
      }
      case '/to-metadata.xml':
        res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
        return;
      case '/loop-a.xml':
        res.writeHead(301, { location: '/loop-b.xml' }).end();
        return;
      case '/loop-b.xml':
        res.writeHead(301, { location: `${base}/loop-a.xml` }).end();
        return;
      case '/moved.xml':
        res.writeHead(301, { location: '/wire/rss.xml' }).end();
        return;
    }
    const route = routes.get(url.pathname);
    if (route === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    if (route.status !== undefined) {
      res
        .writeHead(route.status, {
          'content-type': 'text/plain',
          ...(route.location !== undefined ? { location: route.location } : {}),
        })
        .end();
      return;
    }
    if (route.etag !== undefined && req.headers['if-none-match'] === route.etag) {
      res.writeHead(304, { etag: route.etag }).end();
      return;
    }
    const source = typeof route.body === 'function' ? route.body() : route.body;
    const body = typeof source === 'string' ? fixture(source, base) : source;
    res
      .writeHead(200, {
        'content-type': route.type,
        'content-length': body.length,
        ...(route.etag !== undefined ? { etag: route.etag } : {}),
      })
      .end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  for (const [p, r] of standardRoutes()) routes.set(p, r);
  return {
    base,
    routes,
    requests,
    hugeBytesSent: () => hugeSent,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
