/**
 * One persisted file of the Library (its main file, or one segment's): one UTF-8 text of three
 * lines — a magic word and header (format, term-processing version, key fingerprint, CRC-32 and
 * length of the rest), Library tables as JSON, and search index JSON (MiniSearch's toJSON
 * inside, for a segment). A snapshot is trusted only
 * when all of the header matches; anything else raises SnapshotError and the caller rebuilds.
 */
import { crc32 } from 'node:zlib';
import { VerbatimError } from '../core/errors.js';

/**
 * Bumped whenever the layout changes (5: MiniSearch's JSON replaced the own binary index; 6: the
 * index keeps each passage's term ids; 7: one file per index segment beside the main file).
 */
const SNAPSHOT_FORMAT_VERSION = 7;

/** A snapshot could not be used: damaged, stale or from another version. Rebuild. */
export class SnapshotError extends VerbatimError {
  override readonly name = 'SnapshotError';
}

/** What a snapshot must match to be trusted. */
export interface SnapshotKey {
  /** TERM_PROCESSING_VERSION of the code that reads it. */
  readonly termProcessingVersion: number;
  /** Fingerprint of the corpus files the snapshot was built from (see fingerprint.ts). */
  readonly fingerprint: string;
}

/** The first bytes of every snapshot. */
const MAGIC = 'VERBATIM-SNAPSHOT ';

interface Header extends SnapshotKey {
  readonly format: number;
  readonly crc: number;
  readonly length: number;
}

/** The two bodies of a snapshot: the Library's tables and the index, each JSON text. */
export interface SnapshotParts {
  readonly tables: string;
  readonly index: string;
}

/** Encodes the parts under `key`. */
export function encodeSnapshot(parts: SnapshotParts, key: SnapshotKey): Uint8Array {
  // JSON.stringify never writes a raw newline, so lines separate the parts. Each part is
  // encoded alone: together they could pass V8's longest string.
  const encoder = new TextEncoder();
  const tables = encoder.encode(`${parts.tables}\n`);
  const index = encoder.encode(parts.index);
  const body = new Uint8Array(tables.length + index.length);
  body.set(tables);
  body.set(index, tables.length);
  const header: Header = {
    format: SNAPSHOT_FORMAT_VERSION,
    termProcessingVersion: key.termProcessingVersion,
    fingerprint: key.fingerprint,
    crc: crc32(body),
    length: body.length,
  };
  const head = new TextEncoder().encode(`${MAGIC}${JSON.stringify(header)}\n`);
  const bytes = new Uint8Array(head.length + body.length);
  bytes.set(head);
  bytes.set(body, head.length);
  return bytes;
}

function readHeader(bytes: Uint8Array): { header: Header; bodyStart: number } {
  const magic = new TextEncoder().encode(MAGIC);
  const newline = bytes.indexOf(10);
  if (newline < 0 || magic.some((byte, i) => bytes[i] !== byte))
    throw new SnapshotError('not a Verbatim index snapshot');
  let header: Header;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(magic.length, newline))) as Header;
  } catch {
    throw new SnapshotError('snapshot header is not readable');
  }
  if (header.format !== SNAPSHOT_FORMAT_VERSION)
    throw new SnapshotError(
      `snapshot format ${header.format}, expected ${SNAPSHOT_FORMAT_VERSION}`,
    );
  return { header, bodyStart: newline + 1 };
}

/** The key a snapshot was written under; throws SnapshotError when it has no usable header. */
export function readSnapshotKey(bytes: Uint8Array): SnapshotKey {
  const { header } = readHeader(bytes);
  return { termProcessingVersion: header.termProcessingVersion, fingerprint: header.fingerprint };
}

/** The parts of a snapshot written under `key`; throws SnapshotError when anything differs. */
export function decodeSnapshot(bytes: Uint8Array, key: SnapshotKey): SnapshotParts {
  const parts = decodeSnapshotParts(bytes, key);
  return { tables: parts.tables, index: new TextDecoder().decode(parts.index) };
}

/**
 * `decodeSnapshot` with the index part left as UTF-8 bytes (a view of `bytes`), for a reader
 * that decodes it elsewhere (a segment's worker).
 */
export function decodeSnapshotParts(
  bytes: Uint8Array,
  key: SnapshotKey,
): { tables: string; index: Uint8Array } {
  const { header, bodyStart } = readHeader(bytes);
  if (header.termProcessingVersion !== key.termProcessingVersion)
    throw new SnapshotError(
      `built with term processing ${header.termProcessingVersion}, now ${key.termProcessingVersion}`,
    );
  if (header.fingerprint !== key.fingerprint)
    throw new SnapshotError('built from a different corpus');
  const body = bytes.subarray(bodyStart);
  if (body.length !== header.length || crc32(body) !== header.crc)
    throw new SnapshotError('snapshot checksum mismatch');
  const newline = body.indexOf(10);
  if (newline < 0) throw new SnapshotError('snapshot has no index part');
  return {
    tables: new TextDecoder().decode(body.subarray(0, newline)),
    index: body.subarray(newline + 1),
  };
}
