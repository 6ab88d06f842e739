import { it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FeedService } from '../../src/feeds/runtime.js';
import { createLogger } from '../../src/log.js';
import { openDatabase } from '../../src/store/db.js';
import { startFeedServer } from './server.js';
it('x', async () => {
  const server = await startFeedServer();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vf-'));
  const db = openDatabase(path.join(tmp, 'v.db'));
  const s = new FeedService({
    db,
    corpusDir: tmp,
    logger: createLogger('debug'),
    defaultIntervalMinutes: 15,
    fetch: { allowPrivate: true },
  });
  for (const p of [
    '/wire/rss.xml',
    '/bta/rss.xml',
    '/blog/atom.xml',
    '/harbour/feed.json',
    '/science/rdf',
  ])
    await s.add({ url: server.base + p });
  console.log(await s.tick());
  for (const f of s.store.all()) console.log(f.name, f.lastStatus, f.lastError);
  console.log(db.prepare('select feed_id,item_key,file,text_hash from feed_items').all());
  console.log(server.requests.map((r) => r.path));
  await s.stop();
  await server.close();
});
