/**
 * Puts a feed article into the corpus as a plain `.md` file with front matter, under
 * `CORPUS_DIR/feeds/<outlet>/<id>.md`, so it stays a file a person can read, back up and edit,
 * and the corpus watcher indexes it like any other. A file is written whole or not at all
 * (temporary dot-file, fsync, rename, as write-file-atomic does): a crash mid-poll leaves the old file
 * or the new one, never half of one, and the loader skips dot-files. Before writing, the item is
 * matched against what was written before by its key, and its canonical link and its text are
 * claimed for it in the store, all or none, so an article two feeds carry is written by one of
 * them even when both poll at the same instant, in one process or several; an edited article
 * replaces its own file.
 */
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { FeedStorage } from './storage.js';
import type { FeedItemRecord } from './store.js';

/** An article ready for the corpus. */
export interface FeedArticle {
  readonly feedId: number;
  /** What recognises the item in its feed (GUID, id or link). */
  readonly itemKey: string;
  /** Hash of the feed entry, to notice edits cheaply next time. */
  readonly entryHash: string;
  readonly title: string | null;
  /** The outlet's name (the feed's name). */
  readonly source: string;
  /** Canonical URL of the article, else its link. */
  readonly url: string | null;
  readonly date: string | null;
  readonly lang: string | null;
  readonly paragraphs: readonly string[];
}

/** What happened to one item. */
export type WriteOutcome = 'new' | 'updated' | 'unchanged' | 'duplicate';

/** The folder under CORPUS_DIR where feed articles go. */
const FEEDS_FOLDER = 'feeds';

/** A file-name-safe lower-case slug of an outlet name (Cyrillic kept), at most 60 characters. */
export function slugOf(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return slug === '' ? 'feed' : slug;
}

function hash(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/** The hash that recognises an article's text, whichever feed it came from. */
function textHashOf(paragraphs: readonly string[]): string {
  return hash(paragraphs.map((p) => p.replace(/\s+/g, ' ').trim()).join('\n'));
}

/** Links longer than this are recognised by their text alone (an index key has a size limit). */
const MAX_CLAIMED_LINK = 1_000;

/** The keys that make an article the same one whichever feed carries it: its link and its text. */
function claimKeysOf(url: string | null, textHash: string): string[] {
  const keys = [`text:${textHash}`];
  if (url !== null && url.length <= MAX_CLAIMED_LINK) keys.unshift(`link:${url}`);
  return keys;
}

/** The hash of a feed entry's fields, to notice an edit without fetching the page again. */
export function entryHashOf(fields: readonly (string | null)[]): string {
  return hash(JSON.stringify(fields));
}

function quoted(value: string): string {
  // JSON string syntax is what the corpus loader reads back for a double-quoted value.
  return JSON.stringify(value.replace(/[\r\n]+/g, ' '));
}

/** The file's text: front matter, then the paragraphs separated by blank lines. */
export function renderArticleFile(id: string, article: FeedArticle): string {
  const lines = ['---', `id: ${id}`];
  if (article.title !== null) lines.push(`title: ${quoted(article.title)}`);
  lines.push(`source: ${quoted(article.source)}`);
  if (article.url !== null) lines.push(`url: ${quoted(article.url)}`);
  if (article.date !== null) lines.push(`date: ${article.date}`);
  if (article.lang !== null) lines.push(`lang: ${article.lang}`);
  lines.push('---', '');
  return lines.join('\n') + article.paragraphs.join('\n\n') + '\n';
}

/** Writes `content` to `file` atomically and durably. */
export async function writeFileAtomic(file: string, content: string): Promise<void> {
  const dir = path.dirname(file);
  await fs.mkdir(dir, { recursive: true });
  const temp = path.join(dir, `.${path.basename(file)}.${randomUUID().slice(0, 8)}.tmp`);
  const handle = await fs.open(temp, 'w');
  try {
    await handle.writeFile(content, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await fs.rename(temp, file);
  } catch (error) {
    await fs.rm(temp, { force: true });
    throw error;
  }
}

/**
 * Writes `article` into the corpus unless it is already there: by its key in its feed (then
 * only a changed text rewrites its file), or by its link or its text from any feed (a
 * duplicate, remembered but not written). The item is recorded after the file is in place, so
 * a crash in between only means the same file is written again on the next poll (its claims are
 * its own already).
 */
export async function writeFeedArticle(
  store: FeedStorage,
  corpusDir: string,
  article: FeedArticle,
  now: number,
): Promise<WriteOutcome> {
  const textHash = textHashOf(article.paragraphs);
  const known = await store.item(article.feedId, article.itemKey);
  const record = (fields: Partial<FeedItemRecord>): Promise<void> =>
    store.saveItem(
      {
        feedId: article.feedId,
        itemKey: article.itemKey,
        link: article.url,
        entryHash: article.entryHash,
        textHash,
        articleId: null,
        file: null,
        ...fields,
      },
      now,
    );
  const claim = {
    feedId: article.feedId,
    itemKey: article.itemKey,
    keys: claimKeysOf(article.url, textHash),
    now,
  };
  if (known !== null && known.file !== null && known.articleId !== null) {
    if (known.textHash === textHash) {
      await record({ articleId: known.articleId, file: known.file });
      return 'unchanged';
    }
    // The edited text is claimed for this item too, unless another item holds one of its keys.
    await store.claimArticle(claim);
    await writeFileAtomic(
      path.join(corpusDir, known.file),
      renderArticleFile(known.articleId, article),
    );
    await record({ articleId: known.articleId, file: known.file });
    return 'updated';
  }
  if (!(await store.claimArticle(claim))) {
    await record({ textHash: null });
    return 'duplicate';
  }
  const outlet = slugOf(article.source);
  // From the item's key alone: a feed removed and added again writes over its own files.
  const articleId = `${outlet}-${hash(article.itemKey).slice(0, 12)}`;
  const file = path.posix.join(FEEDS_FOLDER, outlet, `${articleId}.md`);
  await writeFileAtomic(path.join(corpusDir, file), renderArticleFile(articleId, article));
  await record({ articleId, file });
  return 'new';
}
