/**
 * Reordering the first passages of a lexical ranking by what the question means, not only by
 * its words: SQuAD's misses are mostly paraphrases ("the Broncos beat the Panthers" for "who
 * won"), which BM25, proximity and phrases cannot see. A passage's score is multiplied by
 * e^(SIMILARITY_WEIGHT · cosine) between the question's and the passage's sentence embeddings
 * (src/text/sentence-encoder.ts); only the first SIMILARITY_DEPTH passages are reordered, and
 * only when the question and all of them are English, the one language the encoder knows.
 * The rest of the ranking, the confidence floor and the quote choice are the lexical ones.
 */
import { LRUCache } from 'lru-cache';
import type { Logger } from '../core/log.js';
import type { Passage } from '../core/types.js';
import { SentenceEncoder, cosine } from '../text/sentence-encoder.js';
import type { RankedPassage } from './answer.js';

/**
 * Passages reordered. Reordering answerQuestion's first 5 or first 10 gave the same R@1 on the
 * SQuAD dev tuning split and on XQuAD en, so the fewer passages to embed per question.
 */
export const SIMILARITY_DEPTH = 5;

/**
 * w in e^(w · cosine). SQuAD dev tuning split, R@1: 0.819 without, 0.826 / 0.831 / 0.832 /
 * 0.828 / 0.827 / 0.823 with w = 2 / 3 / 4 / 5 / 6 / 8.
 */
const SIMILARITY_WEIGHT = 4;

/** Passage embeddings kept: 2 KB each, so about 20 MB. */
const CACHE_LIMIT = 10_000;

/**
 * A question that finds this many embedding calls already waiting gets the word order at once:
 * behind them it would wait about 0.3 s each, and a burst of 200 questions a minute.
 */
const MAX_PENDING = 4;

/** How long a question waits for the encoder before the lexical order is given as it is. */
const ENCODER_TIMEOUT_MS = 10_000;

const CYRILLIC = /\p{Script=Cyrillic}/u;

/** Reorders a ranking's head by sentence-embedding similarity to the question. */
export class SimilarityReranker {
  private readonly cache = new LRUCache<Passage, Float32Array>({ max: CACHE_LIMIT });

  /**
   * @param encoder where embeddings come from.
   * @param onError told when the encoder fails or is late; the ranking is then left as it is.
   */
  constructor(
    private readonly encoder: SentenceEncoder,
    private readonly onError: (error: unknown) => void = () => {},
  ) {}

  /**
   * `ranked` with its first SIMILARITY_DEPTH passages reordered, when `question` and they are
   * English and the encoder is not busy (MAX_PENDING); otherwise `ranked` itself. The head's
   * scores are handed out again in the new order, so the ranking stays sorted by score and a
   * score keeps its scale.
   */
  async rerank(question: string, ranked: readonly RankedPassage[]): Promise<RankedPassage[]> {
    const head = ranked.slice(0, SIMILARITY_DEPTH);
    if (
      head.length < 2 ||
      CYRILLIC.test(question) ||
      head.some((r) => r.hit.article.lang !== 'en') ||
      this.encoder.pending() >= MAX_PENDING
    )
      return [...ranked];
    let similarities: number[];
    try {
      similarities = await this.similarities(question, head);
    } catch (error) {
      this.onError(error);
      return [...ranked];
    }
    const order = head
      .map((r, i) => ({ r, value: r.score * Math.exp(SIMILARITY_WEIGHT * similarities[i]!) }))
      // Stable: ties keep the lexical order.
      .sort((a, b) => b.value - a.value);
    return [
      ...order.map(({ r }, i) => ({ ...r, score: head[i]!.score })),
      ...ranked.slice(SIMILARITY_DEPTH),
    ];
  }

  /** The cosine between the question and each passage of `head`. */
  private async similarities(question: string, head: readonly RankedPassage[]): Promise<number[]> {
    // Read first (which marks them recently used), so storing the missing ones cannot evict them.
    const known = head.map((r) => this.cache.get(r.hit.passage));
    const missing = head.filter((_, i) => known[i] === undefined);
    const texts = [
      question,
      ...missing.map((r) => r.hit.article.text.slice(r.hit.passage.start, r.hit.passage.end)),
    ];
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`the sentence encoder took over ${ENCODER_TIMEOUT_MS} ms`)),
        ENCODER_TIMEOUT_MS,
      );
      timer.unref();
    });
    const vectors = await Promise.race([this.encoder.embed(texts), late]).finally(() =>
      clearTimeout(timer),
    );
    const fresh = new Map(missing.map((r, i) => [r.hit.passage, vectors[i + 1]!]));
    for (const [passage, vector] of fresh) this.cache.set(passage, vector);
    const asked = vectors[0]!;
    return head.map((r, i) => cosine(asked, known[i] ?? fresh.get(r.hit.passage)!));
  }
}

/** A reranker as configured, and how to stop its encoder. */
interface ConfiguredReranker {
  /** Null when SEMANTIC_RERANK is off. */
  readonly reranker: SimilarityReranker | null;
  close(): Promise<void>;
}

/**
 * A SimilarityReranker on a new SentenceEncoder when `enabled` (SEMANTIC_RERANK); its failures
 * are logged as warnings and leave the lexical order.
 */
export function startReranker(enabled: boolean, logger: Logger): ConfiguredReranker {
  if (!enabled) return { reranker: null, close: () => Promise.resolve() };
  const encoder = SentenceEncoder.start();
  return {
    reranker: new SimilarityReranker(encoder, (error) =>
      logger.warn('semantic rerank skipped; the answer keeps its word-based order', { error }),
    ),
    close: () => encoder.close(),
  };
}
