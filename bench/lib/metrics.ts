import type { BenchQuestion } from './data.js';

/** What an engine returns for one question: passage ids best first, and its first quote. */
export interface EngineHit {
  readonly passageIds: readonly string[];
  readonly quote: string | null;
}

/** Retrieval and quote figures over a list of questions. */
export interface Figures {
  readonly questions: number;
  readonly r1: number;
  readonly r5: number;
  readonly mrr10: number;
  /** A gold answer string is inside the first quote. */
  readonly answerInQuote1: number;
  /** Same, and the first quote comes from the gold passage. */
  readonly answerInQuote1Strict: number;
  /** Mean length of the first quote, in words. */
  readonly quoteWords: number;
}

/** Accumulates per-question outcomes into `Figures`. */
export class FigureCounter {
  private n = 0;
  private r1 = 0;
  private r5 = 0;
  private rr = 0;
  private aiq = 0;
  private aiqStrict = 0;
  private words = 0;

  add(question: BenchQuestion, hit: EngineHit): void {
    this.n += 1;
    const rank = hit.passageIds.slice(0, 10).indexOf(question.passageId);
    if (rank === 0) this.r1 += 1;
    if (rank >= 0 && rank < 5) this.r5 += 1;
    if (rank >= 0) this.rr += 1 / (rank + 1);
    const quote = hit.quote;
    this.words += quote?.match(/[\p{L}\p{N}]+/gu)?.length ?? 0;
    if (quote !== null && question.answers.some((a) => quote.includes(a))) {
      this.aiq += 1;
      if (rank === 0) this.aiqStrict += 1;
    }
  }

  figures(): Figures {
    const d = Math.max(1, this.n);
    const r = (x: number): number => Math.round((x / d) * 1000) / 1000;
    return {
      questions: this.n,
      r1: r(this.r1),
      r5: r(this.r5),
      mrr10: r(this.rr),
      answerInQuote1: r(this.aiq),
      answerInQuote1Strict: r(this.aiqStrict),
      quoteWords: Math.round((this.words / d) * 10) / 10,
    };
  }
}

/** The nearest-rank `p` quantile (0..1) of ascending `sorted`; NaN when empty. */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? NaN;
}
