/**
 * A Library caught half-way through its snapshot's load: saved to memory, then loaded with the
 * second segment file's read held until `release`, so the Library `onSearchable` gave out has its
 * newest segment in place and the older ones still to come.
 */
import { Library, MAIN_SNAPSHOT_FILE } from '../../src/library/library.js';
import type { SnapshotKey } from '../../src/library/snapshot.js';
import type { SegmentWorkers } from '../../src/index/segment-workers.js';

/** A load held after its first segment (see the module comment). */
export interface GatedLoad {
  /** The Library served while the load is held. */
  readonly early: Library;
  /** Lets the held read, and the rest of the load, go on. */
  release(): void;
  /** The load's outcome. */
  readonly loaded: Promise<Library>;
}

const KEY: SnapshotKey = { termProcessingVersion: 1, fingerprint: 'gated' };

/**
 * Saves `original` (with at least two segments) and loads it back, held after the first segment
 * (its segments in `workers` if given); `damage` may change the saved files before the load.
 */
export async function loadGated(
  original: Library,
  damage: (files: Map<string, Uint8Array>) => void = () => undefined,
  workers?: SegmentWorkers,
): Promise<GatedLoad> {
  const files = new Map<string, Uint8Array>();
  await original.saveSnapshot(KEY, {
    read: () => Promise.reject(new Error('not read while saving')),
    write: (name, bytes) => {
      files.set(name, bytes);
      return Promise.resolve();
    },
  });
  damage(files);
  let release = (): void => undefined;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let held = (): void => undefined;
  const holding = new Promise<void>((resolve) => (held = resolve));
  let reads = 0;
  let early: Library | null = null;
  const loaded = Library.loadSnapshot(
    files.get(MAIN_SNAPSHOT_FILE)!,
    KEY,
    {
      read: async (name) => {
        if (++reads === 2) {
          held();
          await gate;
        }
        const bytes = files.get(name);
        if (bytes === undefined) throw new Error(`no ${name}`);
        return bytes;
      },
    },
    {
      onSearchable: (library) => (early = library),
      ...(workers === undefined ? {} : { workers }),
    },
  );
  await Promise.race([holding, loaded]);
  if (early === null) throw new Error('the load never gave out a Library');
  return { early, release, loaded };
}
