/**
 * A table of the distinct words of a text stream, found without cutting each occurrence out
 * as a string: the scan hashes a word's code units as it reads them and compares the stored
 * word in place, so only a word never seen before becomes a string. Indexing a million
 * passages reads ~75M words of a vocabulary of well under a million.
 */
import { MAX_WORD_LENGTH, wordCharLength } from './words.js';

const EMPTY = -1;

/** Distinct words with a value each, and the ids of the words of the last scanned text. */
export class WordTable<T> {
  private readonly words: string[] = [];
  private readonly values: T[] = [];
  private hashes = new Int32Array(1_024);
  private slots = new Int32Array(2_048).fill(EMPTY);
  /** Word ids of the last `scan`, in text order (the first `scan()` result entries). */
  found = new Int32Array(256);
  /** Where each word of the last `scan` starts and ends in its text. */
  starts = new Int32Array(256);
  ends = new Int32Array(256);

  /** @param make The value of a word seen for the first time. */
  constructor(private readonly make: (word: string) => T) {}

  /** The value of the word with id `id`. */
  value(id: number): T {
    return this.values[id]!;
  }

  /** Distinct words seen. */
  get size(): number {
    return this.words.length;
  }

  /**
   * Reads the words of `text[from, to)` (as `WORD_PATTERN` finds them, leaving out runs over
   * MAX_WORD_LENGTH as `tokenize` does) into `found` and returns how many there are.
   */
  scan(text: string, from = 0, to = text.length): number {
    let count = 0;
    let at = from;
    while (at < to) {
      let length = wordCharLength(text, at);
      if (length === 0 || at + length > to) {
        at++;
        continue;
      }
      const start = at;
      let hash = 0x811c_9dc5;
      do {
        for (let i = 0; i < length; i++)
          hash = Math.imul(hash ^ text.charCodeAt(at + i), 0x0100_0193);
        at += length;
        length = at < to ? wordCharLength(text, at) : 0;
      } while (length > 0 && at + length <= to);
      if (at - start > MAX_WORD_LENGTH) continue;
      if (count === this.found.length) this.grow();
      this.starts[count] = start;
      this.ends[count] = at;
      this.found[count++] = this.idOf(text, start, at, hash);
    }
    return count;
  }

  private grow(): void {
    const size = this.found.length * 2;
    const grown = (from: Int32Array): Int32Array<ArrayBuffer> => {
      const next = new Int32Array(size);
      next.set(from);
      return next;
    };
    this.found = grown(this.found);
    this.starts = grown(this.starts);
    this.ends = grown(this.ends);
  }

  private idOf(text: string, start: number, end: number, hash: number): number {
    const mask = this.slots.length - 1;
    const length = end - start;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const id = this.slots[slot]!;
      if (id === EMPTY) break;
      if (this.hashes[id] !== hash) continue;
      const word = this.words[id]!;
      if (word.length === length && text.startsWith(word, start)) return id;
    }
    const word = text.slice(start, end);
    const id = this.words.length;
    this.words.push(word);
    this.values.push(this.make(word));
    if (id === this.hashes.length) {
      const next = new Int32Array(id * 2);
      next.set(this.hashes);
      this.hashes = next;
    }
    this.hashes[id] = hash;
    if ((id + 1) * 2 > this.slots.length) this.rehash(this.slots.length * 2);
    else this.place(id, hash);
    return id;
  }

  private place(id: number, hash: number): void {
    const mask = this.slots.length - 1;
    let slot = hash & mask;
    while (this.slots[slot] !== EMPTY) slot = (slot + 1) & mask;
    this.slots[slot] = id;
  }

  private rehash(size: number): void {
    this.slots = new Int32Array(size).fill(EMPTY);
    for (let id = 0; id < this.words.length; id++) this.place(id, this.hashes[id]!);
  }
}
