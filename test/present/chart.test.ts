import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import {
  CHART_HEIGHT,
  CHART_WIDTH,
  groupColours,
  PALETTE,
  renderTrendChart,
  type TrendChart,
} from '../../src/present/chart.js';
import { buildSeries } from '../../src/trend/series.js';
import type { Article } from '../../src/core/types.js';
import { makeArticle } from '../fixtures.js';

function dated(id: string, date: string, source: string): Article {
  return makeArticle(id, `Text of ${id}.`, { date, source });
}

type Rgb = [number, number, number];

function hexToRgb(hex: string): Rgb {
  return [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16)) as Rgb;
}

/** Pixels in the box whose colour is within 8 per channel of one of `colours`. */
function pixelsOf(
  image: PNG,
  box: { left: number; right: number; top: number; bottom: number },
  colours: readonly string[],
): number {
  const wanted = colours.map(hexToRgb);
  let n = 0;
  for (let y = Math.ceil(box.top); y < Math.floor(box.bottom); y++) {
    for (let x = Math.ceil(box.left); x < Math.floor(box.right); x++) {
      const i = (y * image.width + x) * 4;
      const [r, g, b] = [image.data[i]!, image.data[i + 1]!, image.data[i + 2]!];
      if (
        wanted.some(
          ([wr, wg, wb]) => Math.abs(r - wr) <= 8 && Math.abs(g - wg) <= 8 && Math.abs(b - wb) <= 8,
        )
      )
        n++;
    }
  }
  return n;
}

/** Positions of the text-dark pixels (ink, all channels under 100) right of the plot. */
function legendInk(chart: TrendChart): Set<number> {
  const image = PNG.sync.read(Buffer.from(chart.png));
  const from = Math.ceil(chart.columns[chart.columns.length - 1]!.right) + 4;
  const ink = new Set<number>();
  for (let y = 0; y < image.height; y++) {
    for (let x = from; x < image.width; x++) {
      const i = (y * image.width + x) * 4;
      if (image.data[i]! < 100 && image.data[i + 1]! < 100 && image.data[i + 2]! < 100)
        ink.add(y * image.width + x);
    }
  }
  return ink;
}

function difference(a: Set<number>, b: Set<number>): number {
  let n = 0;
  for (const p of a) if (!b.has(p)) n++;
  for (const p of b) if (!a.has(p)) n++;
  return n;
}

async function chartOfOutlet(outlet: string): Promise<TrendChart> {
  const series = buildSeries([dated('a', '2022-03-01', outlet)], {
    interval: 'week',
    by: 'outlet',
  });
  return renderTrendChart(series, 'Same title');
}

describe('renderTrendChart', () => {
  const articles = [
    dated('a', '2022-02-27', 'Sputnik'),
    dated('b', '2022-02-28', 'Ynet News'),
    dated('c', '2022-03-05', 'Ynet News'),
    dated('d', '2022-03-23', 'The Times of Israel'),
  ];
  const series = buildSeries(articles, { interval: 'week', by: 'outlet' });

  it('writes a PNG of the stated size that decodes', async () => {
    const chart = await renderTrendChart(series, '“Bennett Putin” — articles per week');
    const image = PNG.sync.read(Buffer.from(chart.png));
    expect([image.width, image.height]).toEqual([CHART_WIDTH, CHART_HEIGHT]);
    expect([chart.width, chart.height]).toEqual([CHART_WIDTH, CHART_HEIGHT]);
    expect(chart.columns.map((c) => c.start)).toEqual(series.buckets.map((b) => b.start));
  });

  it('draws bars in the outlet’s colour where a week has articles, and none in empty weeks', async () => {
    const chart = await renderTrendChart(series, 'Bars');
    const image = PNG.sync.read(Buffer.from(chart.png));
    const colours = groupColours(series.groups);
    const inColumn = (i: number, wanted: readonly string[]): number => {
      const column = chart.columns[i]!;
      return pixelsOf(
        image,
        {
          left: column.left + 1,
          right: column.right - 1,
          top: chart.plot.top,
          bottom: chart.plot.bottom,
        },
        wanted,
      );
    };
    // Weeks: 21 Feb (Sputnik), 28 Feb (Ynet ×2), 7 Mar, 14 Mar (none), 21 Mar (Times of Israel).
    expect(series.buckets.map((b) => b.total)).toEqual([1, 2, 0, 0, 1]);
    expect(inColumn(0, [colours.get('Sputnik')!])).toBeGreaterThan(50);
    expect(inColumn(1, [colours.get('Ynet News')!])).toBeGreaterThan(50);
    expect(inColumn(4, [colours.get('The Times of Israel')!])).toBeGreaterThan(50);
    expect(inColumn(2, PALETTE)).toBe(0);
    expect(inColumn(3, PALETTE)).toBe(0);
    // Ynet's two articles stand twice as tall as Sputnik's one.
    const ynet = inColumn(1, [colours.get('Ynet News')!]);
    const sputnik = inColumn(0, [colours.get('Sputnik')!]);
    expect(ynet / sputnik).toBeGreaterThan(1.8);
    expect(ynet / sputnik).toBeLessThan(2.2);
  });

  it('renders Cyrillic outlet names as letters, not as missing-glyph boxes', async () => {
    const putin = legendInk(await chartOfOutlet('Путин'));
    const other = legendInk(await chartOfOutlet('Нетан'));
    // U+E000 is a private-use character no font here has: it draws the missing-glyph box.
    const boxes = legendInk(await chartOfOutlet('\uE000'.repeat(5)));
    expect(putin.size).toBeGreaterThan(100);
    // Boxes are all alike, so two different words of five letters drawn as boxes would match.
    expect(difference(putin, other)).toBeGreaterThan(50);
    expect(difference(putin, boxes)).toBeGreaterThan(50);
  });
});

describe('groupColours', () => {
  it('gives an outlet the same colour in every chart, and no two outlets of one chart the same', () => {
    const alone = groupColours(['Ynet News']).get('Ynet News');
    const together = groupColours(['Sputnik', 'Ynet News', 'The National']).get('Ynet News');
    expect(alone).toBe(together);
    const many = groupColours(Array.from({ length: 20 }, (_, i) => `Outlet ${i}`));
    expect(new Set(many.values()).size).toBe(20);
  });
});
