/**
 * The persisted Library: a compact binary snapshot of the articles, their passages, the
 * inverted index and the Library's own tables, written to and read from bytes (the edge,
 * src/indexing/store.ts, puts them in DATA_DIR).
 *
 * MiniSearch's own toJSON/loadJSON builds one JSON text of the whole index (374 MB and a
 * 10 GB peak at 1M passages) and parses every posting key back from a string. Here the index's
 * typed arrays are written as they are and read back by copying bytes, and article texts are
 * written one by one, so no string near V8's 512 MB limit is ever built.
 *
 * A snapshot is trusted only when its magic, format version, term-processing version,
 * corpus fingerprint, length and CRC-32 all match; anything else raises SnapshotError and the
 * caller rebuilds.
 */
import { crc32 } from 'node:zlib';
import type { Article, Passage } from '../core/types.js';
import { VerbatimError } from '../core/errors.js';
import type { FieldPostings, IndexParts } from './postings.js';
import { runSteps, runStepsAsync } from '../core/steps.js';

/** Bumped whenever the byte layout below changes. */
export const SNAPSHOT_FORMAT_VERSION = 4;
const MAGIC = 0x5842_5256; // "VRBX" little-endian

/** A snapshot could not be used: damaged, stale or from another version. Rebuild. */
export class SnapshotError extends VerbatimError {
  override readonly name = 'SnapshotError';
}

/** What a snapshot must match to be trusted. */
export interface SnapshotKey {
  /** TERM_PROCESSING_VERSION of the code that reads it. */
  readonly termProcessingVersion: number;
  /** Fingerprint of the corpus files the snapshot was built from (see src/indexing/fingerprint.ts). */
  readonly fingerprint: string;
}

/** The Library state a snapshot holds. */
export interface LibrarySnapshot<Extras = unknown> {
  readonly articles: readonly Article[];
  /** Passages per article id, in reading order. */
  readonly passagesOf: (docId: string) => readonly Passage[];
  /** A passage's document slot in `index`. */
  readonly slotOf: (passage: Passage) => number;
  readonly index: IndexParts;
  /**
   * The Library's other tables: an object of JSON-serialisable values, its arrays stored in
   * chunks of EXTRAS_CHUNK items so a load can parse them in slices.
   */
  readonly extras: Extras;
}

/** Items per JSON chunk of an array among a snapshot's extras. */
const EXTRAS_CHUNK = 10_000;

/** A decoded snapshot. */
export interface DecodedSnapshot<Extras = unknown> {
  readonly key: SnapshotKey;
  readonly articles: Article[];
  readonly passagesByDoc: Map<string, Passage[]>;
  /** The index slot of each passage, in the order of `passagesByDoc`'s values. */
  readonly passageSlots: Uint32Array;
  readonly index: IndexParts;
  readonly extras: Extras;
}

/** Separates terms in the snapshot's one string of all terms (never inside a term). */
const TERM_SEPARATOR = '\u0000';

class Writer {
  private buffer = new Uint8Array(1 << 20);
  private view = new DataView(this.buffer.buffer);
  length = 0;
  private readonly encoder = new TextEncoder();

  private reserve(bytes: number): void {
    if (this.length + bytes <= this.buffer.length) return;
    let size = this.buffer.length * 2;
    while (size < this.length + bytes) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buffer.subarray(0, this.length));
    this.buffer = next;
    this.view = new DataView(next.buffer);
  }

  uint(value: number): void {
    this.reserve(10);
    let v = value;
    while (v >= 0x80) {
      this.buffer[this.length++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buffer[this.length++] = v;
  }

  int(value: number): void {
    this.uint(value >= 0 ? value * 2 : -value * 2 - 1);
  }

  float(value: number): void {
    this.reserve(8);
    this.view.setFloat64(this.length, value, true);
    this.length += 8;
  }

  string(value: string): void {
    this.reserve(10 + value.length * 3);
    const lengthAt = this.length;
    // Room for a 5-byte varint length, filled in after the text is encoded.
    this.length += 5;
    const { written } = this.encoder.encodeInto(value, this.buffer.subarray(this.length));
    this.length += written;
    let v = written;
    for (let i = 0; i < 5; i++) {
      this.buffer[lengthAt + i] = (v & 0x7f) | (i < 4 ? 0x80 : 0);
      v >>>= 7;
    }
  }

  nullableString(value: string | null): void {
    this.uint(value === null ? 0 : 1);
    if (value !== null) this.string(value);
  }

  /** A typed array's bytes as they are in memory (little-endian on every machine Node runs on). */
  array(value: Uint32Array | Uint8Array): void {
    this.uint(value.length);
    this.reserve(value.byteLength);
    this.buffer.set(new Uint8Array(value.buffer, value.byteOffset, value.byteLength), this.length);
    this.length += value.byteLength;
  }

  bytes(): Uint8Array {
    return this.buffer.subarray(0, this.length);
  }
}

class Reader {
  private at = 0;
  private readonly view: DataView;
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });

  constructor(private readonly buffer: Uint8Array) {
    this.view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  }

  private fail(): never {
    throw new SnapshotError('snapshot is truncated or damaged');
  }

  uint(): number {
    let value = 0;
    let scale = 1;
    for (;;) {
      if (this.at >= this.buffer.length) this.fail();
      const byte = this.buffer[this.at++]!;
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
      scale *= 0x80;
      if (scale > 2 ** 56) this.fail();
    }
  }

  int(): number {
    const v = this.uint();
    return v % 2 === 0 ? v / 2 : -(v + 1) / 2;
  }

  float(): number {
    if (this.at + 8 > this.buffer.length) this.fail();
    const value = this.view.getFloat64(this.at, true);
    this.at += 8;
    return value;
  }

  string(): string {
    let length = 0;
    for (let i = 0; i < 5; i++) {
      if (this.at >= this.buffer.length) this.fail();
      length |= (this.buffer[this.at++]! & 0x7f) << (7 * i);
    }
    length >>>= 0;
    if (this.at + length > this.buffer.length) this.fail();
    const text = this.decoder.decode(this.buffer.subarray(this.at, this.at + length));
    this.at += length;
    return text;
  }

  nullableString(): string | null {
    return this.uint() === 0 ? null : this.string();
  }

  /** A copy (so it is aligned and owns its memory) of an array written by Writer.array. */
  array<T extends Uint32Array | Uint8Array>(make: (length: number) => T): T {
    const length = this.uint();
    const out = make(length);
    if (this.at + out.byteLength > this.buffer.length) this.fail();
    new Uint8Array(out.buffer).set(this.buffer.subarray(this.at, this.at + out.byteLength));
    this.at += out.byteLength;
    return out;
  }

  get done(): boolean {
    return this.at === this.buffer.length;
  }
}

/** Serialises a Library snapshot; `key` is what a later load must match. */
export function encodeSnapshot(snapshot: LibrarySnapshot, key: SnapshotKey): Uint8Array {
  const body = new Writer();
  body.uint(snapshot.articles.length);
  for (const article of snapshot.articles) {
    body.string(article.id);
    body.nullableString(article.title);
    body.nullableString(article.source);
    body.nullableString(article.url);
    body.nullableString(article.date);
    body.string(article.lang);
    body.string(article.origin.file);
    body.uint(article.origin.line);
    body.string(article.text);
    const passages = snapshot.passagesOf(article.id);
    body.uint(passages.length);
    for (const [p, passage] of passages.entries()) {
      // Ids and ordinals are not stored: a passage is "<article id>#<ordinal>", in order.
      if (passage.id !== `${article.id}#${passage.ordinal}` || passage.ordinal !== p)
        throw new SnapshotError(`passage ${passage.id} is out of order`);
      body.uint(passage.start);
      body.uint(passage.end - passage.start);
      const slot = snapshot.slotOf(passage);
      if (slot < 0) throw new SnapshotError(`passage ${passage.id} is not in the index`);
      body.uint(slot);
    }
  }

  const index = snapshot.index;
  body.uint(index.fieldCount);
  body.string(index.terms.join(TERM_SEPARATOR));
  for (let f = 0; f < index.fieldCount; f++) {
    body.array(index.lengths[f]!);
    body.array(index.frequencies[f]!);
    const postings = index.postings[f]!;
    body.array(postings.offsets);
    body.array(postings.docs);
    body.array(postings.tfs);
  }
  const extras = Object.entries(snapshot.extras as Record<string, unknown>);
  body.uint(extras.length);
  for (const [name, value] of extras) {
    body.string(name);
    const items = Array.isArray(value) ? (value as unknown[]) : null;
    if (items === null) {
      body.uint(0);
      body.string(JSON.stringify(value));
      continue;
    }
    body.uint(1);
    body.uint(Math.ceil(items.length / EXTRAS_CHUNK));
    for (let at = 0; at < items.length; at += EXTRAS_CHUNK)
      body.string(JSON.stringify(items.slice(at, at + EXTRAS_CHUNK)));
  }

  const bodyBytes = body.bytes();
  const header = new TextEncoder().encode(
    JSON.stringify({
      termProcessingVersion: key.termProcessingVersion,
      fingerprint: key.fingerprint,
    }),
  );
  const out = new Uint8Array(20 + header.length + bodyBytes.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, SNAPSHOT_FORMAT_VERSION, true);
  view.setUint32(8, header.length, true);
  out.set(header, 12);
  view.setFloat64(12 + header.length, bodyBytes.length, true);
  out.set(bodyBytes, 20 + header.length);
  // The checksum covers the header too, so a flipped fingerprint byte is caught.
  const checksum = crc32(out.subarray(12));
  const withSum = new Uint8Array(out.length + 4);
  withSum.set(out);
  new DataView(withSum.buffer).setUint32(out.length, checksum, true);
  return withSum;
}

/** Reads only the key of a snapshot (cheap: no checksum), or throws SnapshotError. */
export function readSnapshotKey(bytes: Uint8Array): SnapshotKey {
  if (bytes.length < 24) throw new SnapshotError('snapshot is truncated');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== MAGIC) throw new SnapshotError('not a Verbatim index snapshot');
  const format = view.getUint32(4, true);
  if (format !== SNAPSHOT_FORMAT_VERSION)
    throw new SnapshotError(`snapshot format ${format}, expected ${SNAPSHOT_FORMAT_VERSION}`);
  const headerLength = view.getUint32(8, true);
  if (12 + headerLength + 12 > bytes.length) throw new SnapshotError('snapshot is truncated');
  let header: unknown;
  try {
    header = JSON.parse(
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(12, 12 + headerLength)),
    );
  } catch {
    throw new SnapshotError('snapshot header is damaged');
  }
  const { termProcessingVersion, fingerprint } = header as Partial<SnapshotKey>;
  if (typeof termProcessingVersion !== 'number' || typeof fingerprint !== 'string')
    throw new SnapshotError('snapshot header is damaged');
  return { termProcessingVersion, fingerprint };
}

/** Units of decoding work (articles, documents, postings) between two pauses of an async decode. */
const YIELD_EVERY = 20_000;
/** Articles decoded between two pauses. */
const ARTICLE_SLICE = 500;
/** Bytes checksummed between two pauses. */
const CRC_SLICE = 4 << 20;

/** Decodes a snapshot; throws SnapshotError when the bytes are damaged or do not match `expected`. */
export function decodeSnapshot<Extras = unknown>(
  bytes: Uint8Array,
  expected: SnapshotKey,
): DecodedSnapshot<Extras> {
  return runSteps(decodeSteps<Extras>(bytes, expected));
}

/**
 * `decodeSnapshot` in slices of about a millisecond, awaiting `pause` between slices so a
 * server decoding a large snapshot keeps answering (e.g. `pause` = a setImmediate promise).
 */
export async function decodeSnapshotAsync<Extras = unknown>(
  bytes: Uint8Array,
  expected: SnapshotKey,
  pause: () => Promise<void>,
): Promise<DecodedSnapshot<Extras>> {
  return runStepsAsync(decodeSteps<Extras>(bytes, expected), pause);
}

function* decodeSteps<Extras>(
  bytes: Uint8Array,
  expected: SnapshotKey,
): Generator<void, DecodedSnapshot<Extras>> {
  const key = readSnapshotKey(bytes);
  if (key.termProcessingVersion !== expected.termProcessingVersion) {
    throw new SnapshotError(
      `built with term processing ${key.termProcessingVersion}, now ${expected.termProcessingVersion}`,
    );
  }
  if (key.fingerprint !== expected.fingerprint)
    throw new SnapshotError('built from a different corpus');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(8, true);
  const bodyLength = view.getFloat64(12 + headerLength, true);
  const bodyStart = 20 + headerLength;
  if (bodyStart + bodyLength + 4 !== bytes.length)
    throw new SnapshotError('snapshot is truncated or has trailing bytes');
  let checksum = 0;
  for (let at = 12; at < bytes.length - 4; at += CRC_SLICE) {
    checksum = crc32(bytes.subarray(at, Math.min(at + CRC_SLICE, bytes.length - 4)), checksum);
    yield;
  }
  if (checksum !== view.getUint32(bytes.length - 4, true))
    throw new SnapshotError('snapshot checksum mismatch');

  const reader = new Reader(bytes.subarray(bodyStart, bodyStart + bodyLength));
  const articleCount = reader.uint();
  const articles: Article[] = [];
  const passagesByDoc = new Map<string, Passage[]>();
  const passageSlots: number[] = [];
  let work = 0;
  for (let i = 0; i < articleCount; i++) {
    // Articles carry their text: a few MB per slice of ARTICLE_SLICE.
    if (++work % ARTICLE_SLICE === 0) yield;
    const id = reader.string();
    const title = reader.nullableString();
    const source = reader.nullableString();
    const url = reader.nullableString();
    const date = reader.nullableString();
    const lang = reader.string();
    const file = reader.string();
    const line = reader.uint();
    const text = reader.string();
    articles.push({ id, title, source, url, date, lang, text, origin: { file, line } });
    const passageCount = reader.uint();
    const passages: Passage[] = [];
    for (let p = 0; p < passageCount; p++) {
      const start = reader.uint();
      const end = start + reader.uint();
      passages.push({ id: `${id}#${p}`, docId: id, ordinal: p, start, end });
      passageSlots.push(reader.uint());
    }
    passagesByDoc.set(id, passages);
  }

  const fieldCount = reader.uint();
  const termText = reader.string();
  const terms = termText === '' ? [] : termText.split(TERM_SEPARATOR);
  for (let t = 1; t < terms.length; t++) {
    if (!(terms[t - 1]! < terms[t]!)) throw new SnapshotError('snapshot terms are not sorted');
    if (t % YIELD_EVERY === 0) yield;
  }
  yield;
  const lengths: Uint32Array[] = [];
  const frequencies: Uint32Array[] = [];
  const postings: FieldPostings[] = [];
  const u32 = (n: number): Uint32Array => new Uint32Array(n);
  for (let f = 0; f < fieldCount; f++) {
    lengths.push(reader.array(u32));
    frequencies.push(reader.array(u32));
    const offsets = reader.array(u32);
    const docs = reader.array(u32);
    const tfs = reader.array((n) => new Uint8Array(n));
    if (offsets.length !== terms.length + 1 || tfs.length !== docs.length)
      throw new SnapshotError('snapshot index is damaged');
    postings.push({ offsets, docs, tfs });
    yield;
  }
  const slotCount = lengths[0]?.length ?? 0;
  if (passageSlots.some((slot) => slot >= slotCount))
    throw new SnapshotError('snapshot index is damaged');
  const extras: Record<string, unknown> = {};
  const parse = (json: string): unknown => {
    try {
      return JSON.parse(json);
    } catch {
      throw new SnapshotError('snapshot tables are damaged');
    }
  };
  const extraCount = reader.uint();
  for (let e = 0; e < extraCount; e++) {
    const name = reader.string();
    if (reader.uint() === 0) {
      extras[name] = parse(reader.string());
      continue;
    }
    const items: unknown[] = [];
    const chunks = reader.uint();
    for (let c = 0; c < chunks; c++) {
      const chunk = parse(reader.string());
      if (!Array.isArray(chunk)) throw new SnapshotError('snapshot tables are damaged');
      for (const item of chunk) items.push(item);
      yield;
    }
    extras[name] = items;
  }
  if (!reader.done) throw new SnapshotError('snapshot has unread bytes');
  return {
    key,
    articles,
    passagesByDoc,
    passageSlots: Uint32Array.from(passageSlots),
    index: { fieldCount, terms, lengths, frequencies, postings },
    extras: extras as Extras,
  };
}
