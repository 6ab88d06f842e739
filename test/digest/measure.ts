/**
 * Not a test: rough timings of the digest path on a synthetic corpus of N articles × 5 passages
 * (default 20,000 → 100,000 passages). Run: `npx tsx test/digest/measure.ts [N]`.
 */
import { answerQuestion } from '../../src/quote/answer.js';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { passageKeysOf, buildDigest } from '../../src/digest/build.js';
import { nextRunAfter, parseSchedule, decideRun } from '../../src/digest/schedule.js';
import { Library } from '../../src/search/library.js';
import { openDatabase } from '../../src/store/db.js';
import { DigestStore } from '../../src/store/digests.js';
const words = [
  'talks',
  'Gomel',
  'Kremlin',
  'Bennett',
  'Putin',
  'Ukraine',
  'delegation',
  'ceasefire',
  'Minsk',
  'Warsaw',
  'peace',
  'said',
  'statement',
  'president',
  'minister',
  'weather',
  'market',
  'energy',
  'gas',
  'sanctions',
];
let seed = 1;
const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
const para = () =>
  Array.from({ length: 40 }, () => words[Math.floor(rnd() * words.length)]).join(' ') + '.';
const N = Number(process.argv[2] ?? 10000);
const articles = Array.from({ length: N }, (_, i) => ({
  id: `d${i}`,
  title: `T${i}`,
  source: 'S',
  url: null,
  date: '2022-03-01',
  lang: 'en',
  text: [para(), para(), para(), para(), para()].join('\n\n'),
  origin: { file: `d${i}.txt`, line: 1 },
}));
const lib = Library.build(articles);
let t = performance.now();
const keys = passageKeysOf(lib);
console.log(`passageKeysOf: ${keys.size} passages in ${(performance.now() - t).toFixed(0)} ms`);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'm-'));
const store = new DigestStore(openDatabase(path.join(dir, 'v.db')));
t = performance.now();
store.recordPassagesSeen(keys.values(), 1);
console.log(`recordPassagesSeen (first start): ${(performance.now() - t).toFixed(0)} ms`);
t = performance.now();
store.recordPassagesSeen(keys.values(), 2);
console.log(`recordPassagesSeen (restart, all known): ${(performance.now() - t).toFixed(0)} ms`);
t = performance.now();
const d = buildDigest(lib, 'Gomel talks ceasefire', {
  limit: 10,
  isDelivered: () => false,
  since: null,
  firstSeen: (k) => store.firstSeen(k),
});
console.log(`buildDigest: ${d.quoteCount} quotes in ${(performance.now() - t).toFixed(0)} ms`);
const s = parseSchedule('daily 03:30');
t = performance.now();
let x = new Date('2026-01-01T00:00:00Z');
for (let i = 0; i < 365; i++) x = nextRunAfter(s, 'Europe/Sofia', x);
console.log(
  `nextRunAfter daily Europe/Sofia: ${(((performance.now() - t) * 1000) / 365).toFixed(0)} µs/call`,
);
const m = parseSchedule('* * * * *');
t = performance.now();
const dec = decideRun(
  m,
  'Europe/Sofia',
  new Date('2026-03-22T00:00:00Z'),
  new Date('2026-03-29T12:00:00Z'),
);
console.log(
  `decideRun * * * * * after a week down (incl. DST day): skipped=${dec.skipped} in ${(performance.now() - t).toFixed(0)} ms`,
);
fs.rmSync(dir, { recursive: true, force: true });
t = performance.now();
answerQuestion(lib, 'Gomel talks ceasefire', { limit: 10 });
console.log(
  `answerQuestion (same query, for comparison): ${(performance.now() - t).toFixed(0)} ms`,
);
t = performance.now();
buildDigest(lib, 'Gomel talks ceasefire', {
  limit: 10,
  isDelivered: () => false,
  since: null,
  firstSeen: () => null,
});
console.log(`buildDigest again: ${(performance.now() - t).toFixed(0)} ms`);
