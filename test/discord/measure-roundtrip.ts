/**
 * Not a test: measures /ask and /search-autocomplete round trips of the real bot against the
 * fake Discord on 127.0.0.1 (time from INTERACTION_CREATE to the message the user sees), one at
 * a time, then `count` /ask sent at once (when the last acknowledgement and the last answer came).
 * Run: npx tsx test/discord/measure-roundtrip.ts [count]
 */
import { performance } from 'node:perf_hooks';
import { SILENT_LOGGER } from '../../src/log.js';
import { startFakeDiscord } from '../fake-discord/index.js';
import { libraryOf, removeDir, seedArticles, startTestBot, tempDataDir } from './harness.js';

const QUESTIONS = [
  'Where is the Russian delegation, in Gomel?',
  'What did Bennett offer Putin?',
  'Zelensky Bennett phone call',
  'Какво каза Путин на Нетаняху?',
  'Beersheba attack condolences',
];

function summary(label: string, samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number): number =>
    sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  return `${label}: n=${samples.length} median ${at(0.5).toFixed(1)} ms, p95 ${at(0.95).toFixed(1)} ms, max ${at(1).toFixed(1)} ms`;
}

const count = Number(process.argv[2] ?? 100);
const fake = await startFakeDiscord();
const dataDir = tempDataDir();
const library = libraryOf(await seedArticles());
const bot = await startTestBot({ fake, dataDir, logger: SILENT_LOGGER, library: () => library });
const ask: number[] = [];
const auto: number[] = [];
for (let i = 0; i < count; i++) {
  const question = QUESTIONS[i % QUESTIONS.length] ?? '';
  let t = performance.now();
  await fake.sendCommand('ask', [{ name: 'question', type: 3, value: question }]).reply();
  ask.push(performance.now() - t);
  t = performance.now();
  await fake
    .sendAutocomplete('search', [
      { name: 'query', type: 3, value: question.slice(0, 6), focused: true },
    ])
    .choices();
  auto.push(performance.now() - t);
}
console.log(summary('/ask (defer + edit)', ask));
console.log(summary('/search autocomplete', auto));
const start = performance.now();
const burst = Array.from({ length: count }, (_, i) =>
  fake.sendCommand('ask', [
    { name: 'question', type: 3, value: QUESTIONS[i % QUESTIONS.length] ?? '' },
  ]),
);
const acked = await Promise.all(
  burst.map((s) => s.acknowledged().then(() => performance.now() - start)),
);
const answered = await Promise.all(
  burst.map((s) => s.reply().then(() => performance.now() - start)),
);
console.log(
  `${count} /ask at once: last acknowledged after ${Math.max(...acked).toFixed(0)} ms, ` +
    `last answer after ${Math.max(...answered).toFixed(0)} ms`,
);
console.log(`rejections by the fake: ${fake.rejections().length}`);
await bot.stop();
await fake.close();
removeDir(dataDir);
