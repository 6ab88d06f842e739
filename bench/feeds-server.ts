/**
 * The benchmark's outlets: a child process serving generated RSS feeds and article pages on
 * several 127.0.0.1 ports (several origins, as real outlets are), so that serving does not share
 * the event loop being measured. Feed i has `items` entries; every `pageEvery`-th feed carries
 * only teasers (its articles are fetched and extracted from their pages), the others carry the
 * full text in content:encoded. Each feed has an ETag and answers 304 when it is sent back.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the worker is started with. */
export interface OutletOptions {
  readonly ports: number;
  readonly feeds: number;
  readonly items: number;
  readonly pageEvery: number;
}

const WORDS =
  'government minister talks delegation corridor budget parliament energy grid market prices crude river harbour ferry strike glacier survey election coalition agreement security border'.split(
    ' ',
  );

function sentence(seed: number, length: number): string {
  const words: string[] = [];
  for (let k = 0; k < length; k++) words.push(WORDS[(seed * 31 + k * 17) % WORDS.length]!);
  const text = words.join(' ');
  return `${text[0]!.toUpperCase()}${text.slice(1)} (${seed}).`;
}

function paragraphs(feed: number, item: number): string[] {
  return Array.from({ length: 6 }, (_, p) => {
    const seed = feed * 10_000 + item * 10 + p;
    return `${sentence(seed, 14)} ${sentence(seed + 1, 11)} ${sentence(seed + 2, 16)}`;
  });
}

function feedXml(base: string, feed: number, options: OutletOptions): string {
  const teasers = feed % options.pageEvery === 0;
  const items = Array.from({ length: options.items }, (_, item) => {
    const body = paragraphs(feed, item);
    const content = teasers
      ? ''
      : `<content:encoded><![CDATA[${body.map((p) => `<p>${p}</p>`).join('')}]]></content:encoded>`;
    return `<item><title>Outlet ${feed} story ${item}</title><link>${base}/a/${feed}/${item}</link><guid isPermaLink="false">o${feed}-i${item}</guid><pubDate>Tue, 01 Dec 2026 09:${String(item % 60).padStart(2, '0')}:00 GMT</pubDate><description>${body[0]!.slice(0, 120)}</description>${content}</item>`;
  }).join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Outlet ${feed}</title><link>${base}/</link><language>en</language>${items}</channel></rss>`;
}

function pageHtml(base: string, feed: number, item: number): string {
  const body = paragraphs(feed, item);
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Outlet ${feed} story ${item}</title><link rel="canonical" href="${base}/a/${feed}/${item}"><script>var x=1;</script></head><body><header><nav><a href="/">Home</a><a href="/world">World</a><a href="/business">Business</a></nav></header><main><article><h1>Outlet ${feed} story ${item}</h1><div class="share-bar"><a href="#">Share</a></div>${body
    .map((p, i) => (i === 3 ? `<div class="advert">Advertisement</div><p>${p}</p>` : `<p>${p}</p>`))
    .join(
      '',
    )}<p><a href="/more">Read more: another story</a></p></article><aside class="related"><ul><li><a href="/1">Most read one</a></li><li><a href="/2">Most read two</a></li></ul></aside></main><footer>© Outlet ${feed}</footer></body></html>`;
}

if (process.send !== undefined) {
  const options = JSON.parse(process.argv[2] ?? '{}') as OutletOptions;
  const servers: http.Server[] = [];
  const bases: string[] = [];
  for (let s = 0; s < options.ports; s++) {
    const server = http.createServer((req, res) => {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const feedMatch = /^\/f\/(\d+)\.xml$/.exec(req.url ?? '');
      if (feedMatch !== null) {
        const feed = Number(feedMatch[1]);
        const etag = `"f${feed}-v1"`;
        if (req.headers['if-none-match'] === etag) {
          res.writeHead(304, { etag }).end();
          return;
        }
        res
          .writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8', etag })
          .end(feedXml(base, feed, options));
        return;
      }
      const pageMatch = /^\/a\/(\d+)\/(\d+)$/.exec(req.url ?? '');
      if (pageMatch !== null) {
        res
          .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
          .end(pageHtml(base, Number(pageMatch[1]), Number(pageMatch[2])));
        return;
      }
      res.writeHead(404).end();
    });
    servers.push(server);
  }
  await Promise.all(
    servers.map(
      (server) =>
        new Promise<void>((resolve) =>
          server.listen(0, '127.0.0.1', () => {
            bases.push(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
            resolve();
          }),
        ),
    ),
  );
  process.send({ bases });
  process.on('message', () => {
    for (const server of servers) server.closeAllConnections();
    Promise.all(servers.map((s) => new Promise((r) => s.close(r)))).then(() => process.exit(0));
  });
}
