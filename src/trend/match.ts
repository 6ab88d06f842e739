/**
 * Which articles are about a topic, by /ask's own rules: the topic is weighed and ranked by the
 * answer path (weighQuery, rankPassages), so an article counts when one of its passages passes
 * the ranking's coverage floor, and a topic whose best passage falls under /ask's confidence
 * floor matches nothing, as /ask would answer "no good match".
 */
import { rankPassages, RANKING, weighQuery } from '../answer/answer.js';
import type { Library } from '../library/library.js';
import type { AnswerFilters, Article, EmptyReason } from '../core/types.js';

/**
 * The most passages ranked for one topic. /ask ranks 200; counting needs every match, and this
 * bound keeps a topic of common words from ranking a whole large corpus. When reached, the
 * counts cover the best-matching passages only and `truncated` says so.
 */
const MAX_TOPIC_PASSAGES = 20_000;

/** The longest topic accepted, as /ask's longest question. */
export const MAX_TOPIC_LENGTH = 500;

/** The articles about a topic, best match first, or why there are none. */
export interface TopicMatch {
  readonly topic: string;
  /** The topic's processed terms (for display). */
  readonly terms: readonly string[];
  readonly articles: readonly Article[];
  readonly emptyReason: EmptyReason | null;
  /** Whether MAX_TOPIC_PASSAGES was reached, so some weaker matches were not counted. */
  readonly truncated: boolean;
}

/** The articles matching `topic` within `filters` (dates, outlet, language). */
export async function matchTopic(
  library: Library,
  topic: string,
  filters: AnswerFilters = {},
): Promise<TopicMatch> {
  const text = topic.normalize('NFC').trim().slice(0, MAX_TOPIC_LENGTH);
  const none = (emptyReason: EmptyReason, terms: readonly string[] = []): TopicMatch => ({
    topic: text,
    terms,
    articles: [],
    emptyReason,
    truncated: false,
  });
  if (text === '') return none('empty-question');
  const query = weighQuery(library, text);
  if (query.terms.length === 0) return none('only-stop-words');
  const ranked = await rankPassages(library, query, filters, RANKING, MAX_TOPIC_PASSAGES);
  const top = ranked[0];
  if (
    top === undefined ||
    top.coverage < RANKING.floorCoverage ||
    top.sentenceCoverage < RANKING.floorSentence
  )
    return none('no-match', query.terms);
  const articles = new Map<string, Article>();
  for (const entry of ranked) articles.set(entry.hit.article.id, entry.hit.article);
  return {
    topic: text,
    terms: query.terms,
    articles: [...articles.values()],
    emptyReason: null,
    truncated: ranked.length >= MAX_TOPIC_PASSAGES,
  };
}
