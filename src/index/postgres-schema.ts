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
];
