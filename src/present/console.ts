/**
 * The local console's layout of an answer, mirroring the Discord reply: each quote with its
 * matched words emphasised, then "— Source, 23 Mar 2022" and the link.
 */
import type { LibraryStats, SourceStats } from '../library/library.js';
import type { Answer, QuoteResult } from '../core/types.js';
import { emptyAnswerMessage, formatDate } from './format.js';

/** How matched words are emphasised: ANSI bold on a terminal, `**word**` elsewhere. */
export type Emphasis = 'ansi' | 'markdown';

function emphasise(result: QuoteResult, emphasis: Emphasis): string {
  const [open, close] = emphasis === 'ansi' ? ['\u001b[1m', '\u001b[22m'] : ['**', '**'];
  let out = '';
  let at = 0;
  for (const span of result.highlights) {
    out +=
      result.quote.slice(at, span.start) + open + result.quote.slice(span.start, span.end) + close;
    at = span.end;
  }
  return out + result.quote.slice(at);
}

/** The attribution line: "— Sputnik, 27 Feb 2022" (plus other outlets for wire copy). */
function formatAttribution(result: QuoteResult): string {
  const main = `— ${result.source ?? 'Unknown source'}, ${formatDate(result.date)}`;
  const others = result.alsoIn.map((o) => `${o.source ?? 'Unknown source'}, ${formatDate(o.date)}`);
  return others.length === 0 ? main : `${main} (also: ${others.join('; ')})`;
}

/** An answer as console text. */
export function renderAnswer(answer: Answer, emphasis: Emphasis): string {
  if (answer.results.length === 0) return emptyAnswerMessage(answer);
  const blocks = answer.results.map((result) => {
    const lines = [
      `${result.rank}. “${emphasise(result, emphasis)}”`,
      `   ${formatAttribution(result)}`,
    ];
    if (result.title !== null) lines.push(`   ${result.title}`);
    if (result.url !== null) lines.push(`   ${result.url}`);
    return lines.join('\n');
  });
  return blocks.join('\n\n');
}

/** The banner line: how much the console serves. */
export function renderBanner(stats: LibraryStats): string {
  const languages = Object.entries(stats.languages)
    .map(([lang, n]) => `${n} ${lang}`)
    .join(', ');
  const range =
    stats.firstDate === null
      ? 'undated'
      : `${formatDate(stats.firstDate)} – ${formatDate(stats.lastDate)}`;
  return `Verbatim: serving ${stats.documents} documents and ${stats.passages} passages (${languages || 'none'}; ${range}).`;
}

/** The outlets list for /sources. */
export function renderSources(sources: readonly SourceStats[]): string {
  if (sources.length === 0) return 'The corpus is empty.';
  return sources
    .map((s) => {
      const range =
        s.firstDate === null
          ? 'undated'
          : s.firstDate === s.lastDate
            ? formatDate(s.firstDate)
            : `${formatDate(s.firstDate)} – ${formatDate(s.lastDate)}`;
      return `${s.source}: ${s.articles} article${s.articles === 1 ? '' : 's'} (${range})`;
    })
    .join('\n');
}
