/**
 * The /trend chart: a stacked bar chart of a TrendSeries drawn without a browser. Vega-Lite
 * describes the chart, Vega lays it out and writes SVG, and resvg (WebAssembly, so no native
 * build per platform) rasterises it to PNG with DejaVu Sans from the dejavu-fonts-ttf package,
 * which covers Latin and Cyrillic whatever fonts the machine has.
 *
 * The chart is an opaque light card with dark text, so it reads the same on Discord's dark and
 * light themes; each outlet keeps its colour from chart to chart (a hash of its name picks it).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { initWasm, Resvg } from '@resvg/resvg-wasm';
import type { TopLevelSpec } from 'vega-lite';
import { formatDate } from './format.js';
import type { TrendInterval, TrendSeries } from '../trend/series.js';

/** The PNG's size in pixels. */
export const CHART_WIDTH = 1000;
export const CHART_HEIGHT = 520;

/** At most this many groups get their own colour; the rest are drawn together as OTHER_GROUP. */
const MAX_CHART_GROUPS = 20;
/** The group holding the groups past MAX_CHART_GROUPS. */
const OTHER_GROUP = 'Other';

/** Background and text colours of the card. */
const BACKGROUND = '#ffffff';
const INK = '#1f2328';
const MUTED = '#57606a';
const GRID = '#e6e8eb';
const OTHER_COLOUR = '#9aa0a6';

/**
 * Twenty colours for bars, distinct from the white card, the ink and the grey of OTHER_GROUP:
 * d3's category10 without its grey, then darker or lighter colours of other hues.
 */
export const PALETTE: readonly string[] = [
  '#1f77b4',
  '#ff7f0e',
  '#2ca02c',
  '#d62728',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#bcbd22',
  '#17becf',
  '#393b79',
  '#e7ba52',
  '#637939',
  '#ad494a',
  '#6baed6',
  '#a55194',
  '#74c476',
  '#843c39',
  '#fd8d3c',
  '#fb9a99',
  '#dd9fd2',
];

const FONT_FAMILY = 'DejaVu Sans';
const CHART_PADDING = 16;

/** Where an interval's column lies in the PNG, in pixels from the left. */
interface ChartColumn {
  readonly start: string;
  readonly left: number;
  readonly right: number;
}

/** A rendered chart: the PNG and where its plot and columns lie. */
export interface TrendChart {
  readonly png: Uint8Array;
  readonly width: number;
  readonly height: number;
  /** The plot area (the bars' frame), in pixels. */
  readonly plot: { readonly left: number; readonly top: number; readonly bottom: number };
  /** One per bucket of the series, in order. */
  readonly columns: readonly ChartColumn[];
}

/** FNV-1a over the name's UTF-16 code units: a stable, well-spread 32-bit hash. */
function hashOf(name: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    hash ^= name.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/**
 * Colours for a chart's groups: each group's own palette colour (by hash of its name), or, when
 * an earlier group of the same chart already has it, the next free one, so no two groups of one
 * chart share a colour. Groups are given most articles first, so the larger keeps its colour.
 */
export function groupColours(groups: readonly string[]): Map<string, string> {
  const colours = new Map<string, string>();
  const used = new Set<number>();
  for (const group of groups) {
    if (group === OTHER_GROUP) {
      colours.set(group, OTHER_COLOUR);
      continue;
    }
    let slot = hashOf(group) % PALETTE.length;
    for (let tries = 0; used.has(slot) && tries < PALETTE.length; tries++)
      slot = (slot + 1) % PALETTE.length;
    used.add(slot);
    colours.set(group, PALETTE[slot] ?? OTHER_COLOUR);
  }
  return colours;
}

function bucketLabel(start: string, interval: TrendInterval): string {
  return interval === 'month' ? formatDate(start).replace(/^\d+ /, '') : formatDate(start);
}

const AXIS_TITLES: Record<TrendInterval, string> = {
  day: 'Day (UTC)',
  week: 'Week starting Monday (UTC)',
  month: 'Month',
};

/** What drawing needs, loaded on the first chart. */
interface Renderer {
  readonly vega: typeof import('vega');
  readonly vegaLite: typeof import('vega-lite');
  readonly fonts: Uint8Array[];
}

let ready: Promise<Renderer> | null = null;

/**
 * Loads Vega, Vega-Lite, resvg's WebAssembly and the fonts once per process, on the first chart:
 * a bot that draws none never loads them (and Vega, loaded before discord.js inside vitest's
 * module runner, breaks discord.js's bundled `inspect`).
 */
function prepare(): Promise<Renderer> {
  ready ??= (async () => {
    const require = createRequire(import.meta.url);
    const [vega, vegaLite] = await Promise.all([import('vega'), import('vega-lite')]);
    await initWasm(readFileSync(require.resolve('@resvg/resvg-wasm/index_bg.wasm')));
    const fonts = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'].map((file) =>
      readFileSync(require.resolve(`dejavu-fonts-ttf/ttf/${file}`)),
    );
    return { vega, vegaLite, fonts };
  })();
  return ready;
}

/** The Vega-Lite description of the chart: one row per bucket and group with articles. */
function chartSpec(series: TrendSeries, title: string): TopLevelSpec {
  const shown = series.groups.slice(0, MAX_CHART_GROUPS);
  const folded = new Set(series.groups.slice(MAX_CHART_GROUPS));
  const groups = folded.size > 0 ? [...shown, OTHER_GROUP] : shown;
  const colours = groupColours(groups);
  const values: { label: string; group: string; count: number; order: number }[] = [];
  for (const bucket of series.buckets) {
    const label = bucketLabel(bucket.start, series.interval);
    for (const [group, count] of Object.entries(bucket.counts)) {
      const name = folded.has(group) ? OTHER_GROUP : group;
      values.push({ label, group: name, count, order: groups.indexOf(name) });
    }
  }
  return {
    width: CHART_WIDTH,
    height: CHART_HEIGHT,
    autosize: { type: 'fit', contains: 'padding' },
    padding: CHART_PADDING,
    background: BACKGROUND,
    title: { text: title, color: INK, fontSize: 18, anchor: 'start' },
    data: { values },
    mark: { type: 'bar' },
    encoding: {
      x: {
        field: 'label',
        type: 'ordinal',
        // Every bucket is on the axis, zeros included, in time order.
        scale: { domain: series.buckets.map((b) => bucketLabel(b.start, series.interval)) },
        title: AXIS_TITLES[series.interval],
        axis: { labelAngle: -45, labelOverlap: 'greedy', labelSeparation: 4 },
      },
      y: {
        field: 'count',
        type: 'quantitative',
        aggregate: 'sum',
        stack: 'zero',
        title: 'Articles',
        axis: { tickMinStep: 1, format: 'd' },
      },
      color: {
        field: 'group',
        type: 'nominal',
        title: series.by === 'outlet' ? 'Outlet' : 'Language',
        scale: { domain: groups, range: groups.map((g) => colours.get(g) ?? OTHER_COLOUR) },
        legend: { labelLimit: 220 },
      },
      order: { field: 'order', type: 'quantitative' },
    },
    config: {
      font: FONT_FAMILY,
      view: { stroke: null },
      axis: {
        labelColor: MUTED,
        titleColor: INK,
        gridColor: GRID,
        domainColor: MUTED,
        tickColor: MUTED,
        labelFontSize: 11,
        titleFontSize: 12,
      },
      axisX: { grid: false },
      legend: { labelColor: INK, titleColor: INK, labelFontSize: 12, titleFontSize: 12 },
    },
  };
}

/**
 * Draws `series` as a PNG of CHART_WIDTH × CHART_HEIGHT pixels: stacked bars per interval
 * coloured by group, the title on top, intervals labelled with their first day.
 */
export async function renderTrendChart(series: TrendSeries, title: string): Promise<TrendChart> {
  const { vega, vegaLite, fonts } = await prepare();
  const view = new vega.View(vega.parse(vegaLite.compile(chartSpec(series, title)).spec), {
    renderer: 'none',
  });
  await view.runAsync();
  const svg = await view.toSVG();
  // The SVG's plot group sits at the padding plus the view's origin (room for axes and title).
  const originX = view.origin()[0] + CHART_PADDING;
  const originY = view.origin()[1] + CHART_PADDING;
  const x = view.scale('x') as ((label: string) => number) & { bandwidth(): number };
  const y = view.scale('y') as ((value: number) => number) & { range(): number[] };
  const [bottom = 0, top = 0] = y.range();
  const columns = series.buckets.map((bucket) => {
    const left = originX + x(bucketLabel(bucket.start, series.interval));
    return { start: bucket.start, left, right: left + x.bandwidth() };
  });
  view.finalize();
  const image = new Resvg(svg, {
    font: { fontBuffers: fonts, defaultFontFamily: FONT_FAMILY, loadSystemFonts: false },
    fitTo: { mode: 'original' },
  }).render();
  return {
    png: image.asPng(),
    width: image.width,
    height: image.height,
    plot: { left: originX, top: originY + top, bottom: originY + bottom },
    columns,
  };
}
