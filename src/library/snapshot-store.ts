/**
 * Opening the Library from the corpus folder and DATA_DIR: load the persisted snapshot when
 * the corpus files are unchanged, re-read only changed files when some changed, build from
 * scratch when there is no usable snapshot; then persist what was built. A snapshot that is
 * damaged, from another term-processing or format version, or unreadable is never trusted:
 * it is logged and rebuilt.
 */
import { mkdir, open, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import {
  listCorpusFiles,
  loadCorpusFiles,
  readCorpusOptions,
  CORPUS_CONFIG_FILE,
  type CorpusFile,
} from './load.js';
import { formatProblem, type IngestProblem } from '../text/parse.js';
import type { Logger } from '../core/log.js';
import { TERM_PROCESSING_VERSION } from '../text/analyze.js';
import { Library, MAIN_SNAPSHOT_FILE, type SnapshotFiles } from './library.js';
import { SnapshotError, readSnapshotKey, type SnapshotKey } from './snapshot.js';
import type { Article } from '../core/types.js';
import { diffFiles, fingerprintFiles, type CorpusChanges } from './fingerprint.js';
import type { ProgressListener } from './progress.js';
import { SegmentedIndex } from '../index/segmented-index.js';
import type { SegmentWorkers } from '../index/segment-workers.js';

/** The folder of the snapshot files, relative to DATA_DIR: the main file and one per segment. */
const SNAPSHOT_DIR = 'index';
/** The snapshot's main file, relative to DATA_DIR. */
export const SNAPSHOT_FILE = path.join(SNAPSHOT_DIR, MAIN_SNAPSHOT_FILE);
/** Side file listing the corpus files (and their problems) a snapshot was built from. */
export const SNAPSHOT_MANIFEST_FILE = path.join('index', 'library.files.json');
/** Articles added per step of a build; progress is reported after each. */
const BUILD_CHUNK = 500;

/** How the Library was obtained. */
type OpenedHow = 'loaded' | 'updated' | 'built';

/** A Library opened from a corpus folder and DATA_DIR. */
export interface OpenedLibrary {
  readonly library: Library;
  /** Problems of the corpus files (remembered across loads of an unchanged corpus). */
  readonly problems: readonly IngestProblem[];
  readonly files: readonly CorpusFile[];
  readonly fingerprint: string;
  readonly how: OpenedHow;
  /** Set when `how` is 'updated'. */
  readonly changes: CorpusChanges | null;
  /**
   * The snapshot loaded (its main file's size) or written (the bytes written); null without a
   * DATA_DIR or when saving failed.
   */
  readonly snapshot: { readonly bytes: number; readonly key: SnapshotKey } | null;
}

/** Where to read and write, and whom to tell. */
export interface OpenLibraryOptions {
  readonly corpusDir: string;
  /** DATA_DIR; null keeps everything in memory (no snapshot read or written). */
  readonly dataDir: string | null;
  readonly logger: Logger;
  readonly onProgress?: ProgressListener;
  /** Worker threads to hold the index's segments (src/index/segment-workers.ts); absent: none. */
  readonly workers?: SegmentWorkers;
  /**
   * Given the Library loaded from a snapshot as soon as it can answer, while its segments are
   * still being restored (`Library.loadSnapshot`); not called when there is no usable snapshot.
   */
  readonly onSearchable?: (library: Library) => void;
}

interface Manifest {
  readonly fingerprint: string;
  readonly termProcessingVersion: number;
  readonly files: readonly CorpusFile[];
  readonly problems: readonly IngestProblem[];
}

/** The files that define the corpus, and a fingerprint including the corpus settings file. */
export async function scanCorpus(
  corpusDir: string,
): Promise<{ files: CorpusFile[]; fingerprint: string; problems: IngestProblem[] }> {
  let files: CorpusFile[] = [];
  const problems: IngestProblem[] = [];
  try {
    files = await listCorpusFiles(corpusDir);
  } catch (error) {
    problems.push({
      file: corpusDir,
      line: 1,
      message: `cannot read corpus folder: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    });
  }
  const keyed = [...files];
  try {
    const info = await stat(path.join(corpusDir, CORPUS_CONFIG_FILE));
    keyed.push({ path: CORPUS_CONFIG_FILE, size: info.size, mtimeMs: info.mtimeMs });
  } catch {
    // No settings file.
  }
  return { files, fingerprint: fingerprintFiles(keyed) + `:${TERM_PROCESSING_VERSION}`, problems };
}

/** Reads and parses `paths` with the corpus's settings, skipping articles whose id was already seen (reported). */
async function readFiles(
  corpusDir: string,
  paths: readonly string[],
  seen: Map<string, string>,
): Promise<{ articles: Article[]; problems: IngestProblem[] }> {
  const { options, problems } = await readCorpusOptions(corpusDir);
  const read = await loadCorpusFiles(corpusDir, paths, options, seen);
  return { articles: read.articles, problems: [...problems, ...read.problems] };
}

/** Adds articles in chunks, reporting passages done against an estimate from paragraph counts. */
function addWithProgress(
  library: Library,
  articles: readonly Article[],
  onProgress: ProgressListener | undefined,
): void {
  library.planSegments(articles);
  const before = library.passageCount;
  let estimate = 0;
  if (onProgress !== undefined)
    for (const article of articles) estimate += article.text.split('\n\n').length;
  for (let i = 0; i < articles.length; i += BUILD_CHUNK) {
    library.upsert(articles.slice(i, i + BUILD_CHUNK));
    const done = library.passageCount - before;
    onProgress?.(Math.min(done, estimate), Math.max(estimate, done));
  }
  const done = library.passageCount - before;
  onProgress?.(done, done);
}

/** Builds a Library from every file of the corpus. */
async function buildLibrary(
  corpusDir: string,
  files: readonly CorpusFile[],
  onProgress: ProgressListener | undefined,
  workers: SegmentWorkers | undefined,
): Promise<{ library: Library; problems: IngestProblem[] }> {
  const { articles, problems } = await readFiles(
    corpusDir,
    files.map((f) => f.path),
    new Map(),
  );
  const library = Library.build([], new SegmentedIndex(workers === undefined ? {} : { workers }));
  addWithProgress(library, articles, onProgress);
  return { library, problems };
}

/**
 * Brings `library` (built from `before`) up to date with the corpus files now on disk,
 * re-reading only new and modified files. Problems of unchanged files are kept.
 */
async function updateLibrary(
  library: Library,
  corpusDir: string,
  before: Manifest,
  files: readonly CorpusFile[],
  onProgress?: ProgressListener,
): Promise<{ changes: CorpusChanges; problems: IngestProblem[] }> {
  const changes = diffFiles(before.files, files);
  const touched = new Set([...changes.changed, ...changes.removed]);
  const seen = new Map<string, string>();
  for (const article of library.articles()) {
    if (!touched.has(article.origin.file))
      seen.set(article.id, `${article.origin.file}:${article.origin.line}`);
  }
  const { articles, problems } = await readFiles(corpusDir, changes.changed, seen);
  const fresh = new Set(articles.map((a) => a.id));
  const stale: string[] = [];
  for (const article of library.articles()) {
    if (touched.has(article.origin.file) && !fresh.has(article.id)) stale.push(article.id);
  }
  library.remove(stale);
  addWithProgress(library, articles, onProgress);
  const kept = before.problems.filter((p) => !touched.has(p.file) && p.file !== CORPUS_CONFIG_FILE);
  return { changes, problems: [...kept, ...problems] };
}

/** Writes `bytes` to `file` atomically: a temporary file, flushed, then renamed over. */
async function writeAtomically(file: string, bytes: Uint8Array | string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  const handle = await open(temporary, 'w');
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporary, file);
}

/** The snapshot files in DATA_DIR, each written atomically. */
function snapshotFiles(dataDir: string): SnapshotFiles {
  return {
    read: (name) => readFile(path.join(dataDir, SNAPSHOT_DIR, name)),
    write: (name, bytes) => writeAtomically(path.join(dataDir, SNAPSHOT_DIR, name), bytes),
  };
}

/**
 * Persists a Library (the segments changed since it was last persisted, and the main file) and
 * the manifest of the files it was built from; deletes segment files no longer listed. Returns
 * the bytes written.
 */
export async function saveLibrary(
  dataDir: string,
  library: Library,
  manifest: Manifest,
): Promise<{ bytes: number; key: SnapshotKey }> {
  const key: SnapshotKey = {
    termProcessingVersion: TERM_PROCESSING_VERSION,
    fingerprint: manifest.fingerprint,
  };
  // Manifest first: a snapshot is only used when both agree on the fingerprint.
  await writeAtomically(path.join(dataDir, SNAPSHOT_MANIFEST_FILE), JSON.stringify(manifest));
  const saved = await library.saveSnapshot(key, snapshotFiles(dataDir));
  const listed = new Set(saved.segmentFiles);
  for (const name of await readdir(path.join(dataDir, SNAPSHOT_DIR)))
    if (/^segment-.*\.snap$/.test(name) && !listed.has(name))
      await unlink(path.join(dataDir, SNAPSHOT_DIR, name)).catch(() => undefined);
  return { bytes: saved.bytes, key };
}

/** Reads the persisted snapshot and manifest; null when absent or unusable (logged). */
async function readPersisted(
  dataDir: string,
  logger: Logger,
): Promise<{ bytes: Uint8Array; key: SnapshotKey; manifest: Manifest } | null> {
  let bytes: Uint8Array;
  let manifest: Manifest;
  try {
    bytes = await readFile(path.join(dataDir, SNAPSHOT_FILE));
    manifest = JSON.parse(
      await readFile(path.join(dataDir, SNAPSHOT_MANIFEST_FILE), 'utf8'),
    ) as Manifest;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT')
      logger.warn('persisted index unreadable; rebuilding', { error: String(error) });
    return null;
  }
  try {
    const key = readSnapshotKey(bytes);
    if (key.termProcessingVersion !== TERM_PROCESSING_VERSION) {
      logger.info(
        `persisted index uses term processing ${key.termProcessingVersion}, now ${TERM_PROCESSING_VERSION}; rebuilding`,
      );
      return null;
    }
    if (
      manifest.fingerprint !== key.fingerprint ||
      !Array.isArray(manifest.files) ||
      !Array.isArray(manifest.problems)
    ) {
      throw new SnapshotError('manifest does not match the snapshot');
    }
    return { bytes, key, manifest };
  } catch (error) {
    logger.warn(`persisted index unusable (${(error as Error).message}); rebuilding`);
    return null;
  }
}

/**
 * Opens the Library for `corpusDir`: from the persisted snapshot when the corpus is unchanged,
 * updated incrementally when files changed, built from scratch otherwise; persists the result
 * when anything was (re)built. Corpus problems are logged as warnings, never thrown.
 */
export async function openLibrary(options: OpenLibraryOptions): Promise<OpenedLibrary> {
  const { corpusDir, dataDir, logger, onProgress, workers, onSearchable } = options;
  const scan = await scanCorpus(corpusDir);
  const persisted = dataDir === null ? null : await readPersisted(dataDir, logger);
  let library: Library | null = null;
  let how: OpenedHow = 'built';
  let problems: IngestProblem[] = scan.problems;
  let changes: CorpusChanges | null = null;
  let snapshot: OpenedLibrary['snapshot'] = null;
  if (persisted !== null) {
    try {
      library = await Library.loadSnapshot(
        persisted.bytes,
        persisted.key,
        snapshotFiles(dataDir!),
        {
          pause: () => new Promise((resolve) => setImmediate(resolve)),
          ...(workers === undefined ? {} : { workers }),
          ...(onSearchable === undefined ? {} : { onSearchable }),
        },
      );
    } catch (error) {
      logger.warn(`persisted index unusable (${(error as Error).message}); rebuilding`);
    }
  }
  if (library !== null && persisted !== null && persisted.key.fingerprint === scan.fingerprint) {
    how = 'loaded';
    problems = [...scan.problems, ...persisted.manifest.problems];
    snapshot = { bytes: persisted.bytes.length, key: persisted.key };
  } else if (library !== null && persisted !== null) {
    how = 'updated';
    const updated = await updateLibrary(
      library,
      corpusDir,
      persisted.manifest,
      scan.files,
      onProgress,
    );
    changes = updated.changes;
    problems = [...scan.problems, ...updated.problems];
    logger.info(
      `corpus changed: ${changes.changed.length} file(s) re-read, ${changes.removed.length} removed, ${changes.unchanged.length} unchanged`,
    );
  } else {
    const built = await buildLibrary(corpusDir, scan.files, onProgress, workers);
    library = built.library;
    problems = [...scan.problems, ...built.problems];
  }
  for (const problem of problems) logger.warn(`corpus: ${formatProblem(problem)}`);
  if (how !== 'loaded' && dataDir !== null) {
    try {
      snapshot = await saveLibrary(dataDir, library, {
        fingerprint: scan.fingerprint,
        termProcessingVersion: TERM_PROCESSING_VERSION,
        files: scan.files,
        problems,
      });
    } catch (error) {
      logger.warn('could not persist the index; it will be rebuilt next start', {
        error: String(error),
      });
    }
  }
  return {
    library,
    problems,
    files: scan.files,
    fingerprint: scan.fingerprint,
    how,
    changes,
    snapshot,
  };
}
