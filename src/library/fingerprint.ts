/**
 * A corpus fingerprint: what the persisted index was built from, so a start with unchanged
 * files loads it and a changed corpus re-reads only the files that changed. Only file
 * metadata (path, size, modification time) is used, so computing it reads no file contents.
 */
import { createHash } from 'node:crypto';
import type { CorpusFile } from './load.js';

/** A stable hash of the corpus files' paths, sizes and modification times (hex sha256). */
export function fingerprintFiles(files: readonly CorpusFile[]): string {
  const hash = createHash('sha256');
  for (const file of [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    hash.update(`${file.path}\u0000${file.size}\u0000${Math.round(file.mtimeMs)}\n`);
  }
  return hash.digest('hex');
}

/** How the corpus files differ from the ones an index was built from. */
export interface CorpusChanges {
  /** New or modified files (to be re-read). */
  readonly changed: readonly string[];
  /** Files that are gone (their articles are removed). */
  readonly removed: readonly string[];
  readonly unchanged: readonly string[];
}

/** Compares the files an index was built from with the files on disk now. */
export function diffFiles(
  before: readonly CorpusFile[],
  now: readonly CorpusFile[],
): CorpusChanges {
  const previous = new Map(before.map((f) => [f.path, f]));
  const changed: string[] = [];
  const unchanged: string[] = [];
  for (const file of now) {
    const old = previous.get(file.path);
    if (
      old !== undefined &&
      old.size === file.size &&
      Math.round(old.mtimeMs) === Math.round(file.mtimeMs)
    )
      unchanged.push(file.path);
    else changed.push(file.path);
    previous.delete(file.path);
  }
  return { changed, removed: [...previous.keys()], unchanged };
}
