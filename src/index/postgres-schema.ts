/**
 * The search tables in PostgreSQL (SEARCH_BACKEND=postgres), as versioned migrations of the
 * `search` track (src/db/postgres.ts applies them).
 *
 * - `search_articles`: articles stored for processes that answer from the shared corpus (the
 *   SearchIndex path keeps articles in the Library and stores passages only).
 * - `search_passages`: one row per passage, partitioned by publication month (undated ones in
 *   the default partition), so a date-bounded question reads only its months and a month can
 *   be detached or archived whole. `terms` is a tsvector of the project's own processed terms
 *   (src/text/analyze.ts: the stems and name keys MiniSearch indexes, not PostgreSQL's
 *   dictionaries), one position per occurrence: weight D for the passage text, A for its
 *   article's title, so one lexeme carries both fields' term frequencies.
 * - `search_terms` and `search_totals`: document frequency per term and field, live passage
 *   count and summed field lengths, kept in the same transaction as the passages, so BM25 is
 *   scored exactly as the in-process index scores it. `changed` is the corpus version that last
 *   moved a term's frequencies: a process mirroring them reads only what changed since.
 * - `search_postings` (migration 2): per term found in more than POSTINGS_MIN_REACH passages, its
 *   best postings by impact (`search_impact`: the passage's BM25+ share for the term, text and
 *   title, length-normalised), at most a few thousand (`search_terms.postings` counts them), so a
 *   question reads the top of each common word's list instead of every passage holding it.
 *   Every posting of the term with an impact above `search_terms.floor` is in the table; lower
 *   ones were trimmed. `search_impact` is a fixed function of the passage's own figures, so a
 *   posting is found again (by term, impact and seq) when its passage goes.
 */

/** The `search` track's migrations; append, never edit one that has shipped. */
export const SEARCH_MIGRATIONS: readonly string[] = [
  `
  CREATE EXTENSION IF NOT EXISTS fuzzystrmatch;
  CREATE TABLE search_articles (
    id text PRIMARY KEY,
    seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    title text,
    source text,
    url text,
    date date,
    lang text NOT NULL,
    text text NOT NULL,
    origin_file text NOT NULL,
    origin_line integer NOT NULL,
    content_hash text NOT NULL
  );
  CREATE SEQUENCE search_passage_seq;
  CREATE TABLE search_passages (
    month date,
    doc_id text NOT NULL,
    ordinal integer NOT NULL,
    seq bigint NOT NULL DEFAULT nextval('search_passage_seq'),
    start_offset integer,
    end_offset integer,
    date date,
    lang text NOT NULL,
    source_lower text NOT NULL,
    text_length integer NOT NULL,
    title_length integer NOT NULL,
    terms tsvector NOT NULL
  ) PARTITION BY RANGE (month);
  CREATE TABLE search_passages_undated PARTITION OF search_passages DEFAULT;
  CREATE INDEX search_passages_terms ON search_passages USING gin (terms);
  CREATE INDEX search_passages_doc ON search_passages (doc_id);
  CREATE TABLE search_terms (
    term text COLLATE "C" PRIMARY KEY,
    text_df integer NOT NULL,
    title_df integer NOT NULL,
    changed bigint NOT NULL
  );
  CREATE INDEX search_terms_changed ON search_terms (changed);
  CREATE TABLE search_totals (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    passages bigint NOT NULL,
    text_length bigint NOT NULL,
    title_length bigint NOT NULL,
    bulgarian_articles bigint NOT NULL,
    russian_articles bigint NOT NULL,
    version bigint NOT NULL
  );
  INSERT INTO search_totals VALUES (true, 0, 0, 0, 0, 0, 0);
  `,
  // Postings lists by impact. The constants (60 and 8 as average field lengths in distinct
  // terms, BM25+ k 1.2, b 0.7, d 0.5, title boost 0.5) only order a term's postings: the score
  // is computed exactly afterwards. A database filled before gets its lists here (terms in more
  // than 100 passages, their best 1,000), as PostgresSearch keeps them.
  `
  CREATE FUNCTION search_impact(weights text[], text_length integer, title_length integer)
    RETURNS real LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN (
    CASE WHEN 'D' = ANY (weights) THEN 0.5 + cardinality(array_positions(weights, 'D')) * 2.2 /
      (cardinality(array_positions(weights, 'D')) + 1.2 * (0.3 + 0.7 * text_length / 60.0::float8))
    ELSE 0 END
    + CASE WHEN 'A' = ANY (weights) THEN 0.5 * (0.5 + cardinality(array_positions(weights, 'A')) * 2.2 /
      (cardinality(array_positions(weights, 'A')) + 1.2 * (0.3 + 0.7 * title_length / 8.0::float8)))
    ELSE 0 END
  )::real;
  CREATE TABLE search_postings (
    term text COLLATE "C" NOT NULL,
    impact real NOT NULL,
    seq bigint NOT NULL,
    month date
  );
  ALTER TABLE search_terms
    ADD COLUMN postings integer NOT NULL DEFAULT 0,
    ADD COLUMN floor real NOT NULL DEFAULT 0;
  CREATE INDEX search_passages_seq ON search_passages (seq);
  INSERT INTO search_postings (term, impact, seq, month)
  SELECT term, impact, seq, month FROM (
    SELECT u.lexeme AS term, search_impact(u.weights, p.text_length, p.title_length) AS impact,
           p.seq, p.month,
           row_number() OVER (PARTITION BY u.lexeme
             ORDER BY search_impact(u.weights, p.text_length, p.title_length) DESC, p.seq) AS rank
    FROM search_passages p, unnest(p.terms) AS u
    WHERE u.lexeme IN (SELECT term FROM search_terms WHERE text_df + title_df > 100)
  ) ranked
  WHERE rank <= 1000;
  UPDATE search_terms t SET postings = k.n, floor = CASE WHEN k.n >= 1000 THEN k.low ELSE 0 END
  FROM (SELECT term, count(*) AS n, min(impact) AS low FROM search_postings GROUP BY term) k
  WHERE t.term = k.term;
  CREATE INDEX search_postings_top ON search_postings (term, impact DESC, seq) INCLUDE (month);
  `,
];
