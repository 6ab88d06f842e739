/**
 * Rendering time of the /trend chart: two years of weekly bars for 20 outlets (104 × 20 stacked
 * segments), counted from synthetic articles and drawn to PNG. Reports the first chart (which
 * loads Vega, resvg's WebAssembly and the fonts) and the median of the following runs, in wall
 * time and in this process's CPU time (apart from other processes' load); the target is under a
 * second. Usage: `npm run bench:trend [-- --runs 7]` (stops by itself).
 */
import os from 'node:os';
import { renderTrendChart } from '../src/present/chart.js';
import { buildSeries } from '../src/trend/series.js';
import type { Article } from '../src/core/types.js';

const args = process.argv.slice(2);
const at = args.indexOf('--runs');
const runs = Math.min(50, Math.max(1, Number(at >= 0 ? args[at + 1] : 7) || 7));

const OUTLETS = 20;
const WEEKS = 104;
const FIRST_MONDAY = Date.UTC(2022, 0, 3);

/** A small deterministic generator (mulberry32), so every run draws the same chart. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const next = random(15);
const articles: Article[] = [];
for (let week = 0; week < WEEKS; week++) {
  for (let outlet = 0; outlet < OUTLETS; outlet++) {
    const count = Math.floor(next() * 4);
    for (let k = 0; k < count; k++) {
      const date = new Date(FIRST_MONDAY + (week * 7 + Math.floor(next() * 7)) * 86_400_000);
      const id = `w${week}-o${outlet}-${k}`;
      articles.push({
        id,
        title: null,
        source: outlet === 3 ? 'Актуално.ком' : `Outlet ${outlet + 1}`,
        url: null,
        date: date.toISOString().slice(0, 10),
        lang: 'en',
        text: id,
        origin: { file: `${id}.txt`, line: 1 },
      });
    }
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const countStarted = performance.now();
const series = buildSeries(articles, { interval: 'week', by: 'outlet' });
const countMs = performance.now() - countStarted;

const firstStarted = performance.now();
let chart = await renderTrendChart(series, 'Two years, 20 outlets — articles per week');
const firstMs = performance.now() - firstStarted;
const times: number[] = [];
const cpuTimes: number[] = [];
for (let i = 0; i < runs; i++) {
  const started = performance.now();
  const cpu = process.cpuUsage();
  chart = await renderTrendChart(series, 'Two years, 20 outlets — articles per week');
  const used = process.cpuUsage(cpu);
  times.push(performance.now() - started);
  cpuTimes.push((used.user + used.system) / 1000);
}
const result = {
  articles: articles.length,
  intervals: series.buckets.length,
  outlets: series.groups.length,
  countMs: Math.round(countMs * 10) / 10,
  firstRenderMs: Math.round(firstMs),
  medianRenderMs: Math.round(median(times)),
  // CPU time of this process per chart: what the wall time would be with a core to itself.
  medianRenderCpuMs: Math.round(median(cpuTimes)),
  runs,
  pngBytes: chart.png.byteLength,
  targetMs: 1_000,
  // Other processes on the machine slow every figure; the 1-minute load average says how busy.
  loadAverage: Math.round(os.loadavg()[0]! * 10) / 10,
  cores: os.cpus().length,
  metInWallTime: median(times) < 1_000,
  metInCpuTime: median(cpuTimes) < 1_000,
};
process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
