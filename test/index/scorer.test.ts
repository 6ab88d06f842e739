import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PostingIndex } from '../../src/index/postings.js';
import { scoreGroups, type GroupScoring } from '../../src/index/scorer.js';

const VOCABULARY = ['war', 'warn', 'ward', 'talk', 'talks', 'peace', 'grain', 'gran', 'port'];

/** An index of `docs` (each a list of vocabulary indexes per field), some removed after. */
function indexOf(docs: readonly (readonly number[])[][], removed: readonly number[]): PostingIndex {
  const index = new PostingIndex(2);
  const termsOf = (words: readonly number[]): Map<number, number> => {
    const counts = new Map<number, number>();
    for (const w of words) {
      const id = index.internTerm(VOCABULARY[w]!);
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    return counts;
  };
  const fields: Map<number, number>[][] = [];
  docs.forEach((doc, i) => {
    const slot = index.beginDocument();
    const perField = doc.map(termsOf);
    perField.forEach((counts, field) => {
      for (const [termId, tf] of counts) index.addPosting(field, termId, tf);
    });
    index.endDocument();
    fields[slot] = perField;
    // Half-way, seal: later documents go to a delta segment, as after a watcher update.
    if (i === Math.floor(docs.length / 2)) index.seal();
  });
  for (const slot of removed)
    if (fields[slot] !== undefined)
      index.removeDocument(
        slot,
        fields[slot].map((counts) => [...counts.keys()]),
      );
  return index;
}

const SCORING: GroupScoring = {
  bm25: { k: 1.2, b: 0.7, d: 0.5 },
  fieldBoosts: [1, 0.5],
  combineWith: 'OR',
  prefix: (term) => term.length >= 3,
  fuzzy: (term) => (term.length >= 4 ? 1 : false),
};

describe('scoreGroups', () => {
  it('gives the same documents, scores and order whatever the accumulator block size', () => {
    const doc = fc.tuple(
      fc.array(fc.nat(VOCABULARY.length - 1), { maxLength: 12 }),
      fc.array(fc.nat(VOCABULARY.length - 1), { maxLength: 3 }),
    );
    fc.assert(
      fc.property(
        fc.array(doc, { minLength: 1, maxLength: 60 }),
        fc.array(fc.nat(59), { maxLength: 10 }),
        fc.array(fc.array(fc.constantFrom(...VOCABULARY), { minLength: 1, maxLength: 2 }), {
          minLength: 1,
          maxLength: 4,
        }),
        fc.constantFrom<'AND' | 'OR'>('AND', 'OR'),
        (docs, removed, groups, combineWith) => {
          const index = indexOf(docs, removed);
          const scoring = {
            ...SCORING,
            combineWith,
            coverage: { weights: groups.map((_, g) => g + 1), total: groups.length, min: 0.5 },
          };
          const whole = [...scoreGroups(index, groups, scoring)];
          for (const blockSlots of [1, 7, 16]) {
            expect([...scoreGroups(index, groups, scoring, blockSlots)]).toEqual(whole);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('skips removed documents and counts only live ones in document frequencies', () => {
    const index = indexOf(
      [
        [[0], []],
        [[0, 3], []],
        [[3], []],
      ],
      [0],
    );
    const results = [...scoreGroups(index, [['war']], SCORING)];
    expect(results.map((r) => r.slot)).toEqual([1]);
    expect(index.documentFrequency(0, index.termId('war')!)).toBe(1);
  });
});

describe('PostingIndex.seal', () => {
  it('makes a document added after the base was built searchable even when only its title has terms', () => {
    // Passage 0: text and title; then the base is built. Passage 1: stop words only, so its
    // postings are all in the title field.
    const index = indexOf([[[4], [6]]], []);
    index.seal();
    const slot = index.beginDocument();
    index.addPosting(1, index.internTerm('grain'), 1);
    index.endDocument();
    const results = [...scoreGroups(index, [['grain']], SCORING)];
    expect(results.map((r) => r.slot)).toEqual([0, slot]);
  });
});

describe('PostingIndex.compact', () => {
  /** Adds a document (vocabulary indexes per field) and returns its slot and distinct term ids. */
  function add(index: PostingIndex, doc: readonly (readonly number[])[]): [number, number[][]] {
    const slot = index.beginDocument();
    const terms = doc.map((words, field) => {
      const counts = new Map<number, number>();
      for (const w of words) {
        const id = index.internTerm(VOCABULARY[w]!);
        counts.set(id, (counts.get(id) ?? 0) + 1);
      }
      for (const [id, tf] of counts) index.addPosting(field, id, tf);
      return [...counts.keys()];
    });
    index.endDocument();
    return [slot, terms];
  }

  /** Slot → score of every match, rounded (segments may sum a document's terms in another order). */
  function scores(index: PostingIndex, groups: string[][]): [number, number][] {
    return [...scoreGroups(index, groups, SCORING)]
      .map((r): [number, number] => [r.slot, Math.round(r.score * 1e9) / 1e9])
      .sort((a, b) => a[0] - b[0]);
  }

  const DOC = fc.tuple(
    fc.array(fc.nat(VOCABULARY.length - 1), { maxLength: 12 }),
    fc.array(fc.nat(VOCABULARY.length - 1), { maxLength: 3 }),
  );
  /** An operation: add a document, or remove the live document at a position (modulo). */
  const OPERATION = fc.oneof(
    DOC.map((doc) => ({ add: doc }) as const),
    fc.nat().map((at) => ({ remove: at }) as const),
  );

  it('gives the searches of an index merged at once, with changes made while it runs', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(DOC, { minLength: 1, maxLength: 30 }),
        fc.array(OPERATION, { maxLength: 40 }),
        fc.array(OPERATION, { maxLength: 10 }),
        async (initial, before, during) => {
          const merged = new PostingIndex(2);
          const compacted = new PostingIndex(2);
          const live: [number, number[][]][] = [];
          const apply = (op: (typeof before)[number]): void => {
            if ('add' in op) {
              live.push(add(merged, op.add));
              add(compacted, op.add);
            } else if (live.length > 0) {
              const [[slot, terms]] = live.splice(op.remove % live.length, 1) as [
                [number, number[][]],
              ];
              merged.removeDocument(slot, terms);
              compacted.removeDocument(slot, terms);
            }
          };
          for (const doc of initial) apply({ add: doc });
          merged.seal();
          compacted.seal();
          for (const op of before) apply(op);
          const queue = [...during];
          await compacted.compact(async () => {
            const op = queue.shift();
            if (op !== undefined) apply(op);
          });
          for (const op of queue) apply(op);
          for (const groups of [[['war']], [['talks', 'peace']], [['grain'], ['port', 'war']]])
            expect(scores(compacted, groups)).toEqual(scores(merged, groups));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('leaves nothing due once done, and gives up when a merge happens meanwhile', async () => {
    const index = new PostingIndex(2);
    for (let i = 0; i < 8; i++) add(index, [[i % VOCABULARY.length], []]);
    index.seal();
    for (let i = 0; i < 4; i++) add(index, [[0, 1], [2]]);
    expect(index.needsCompaction()).toBe(true);
    await index.compact(() => Promise.resolve());
    expect(index.needsCompaction()).toBe(false);

    const added = [0, 1, 2, 3].map(() => add(index, [[3], []])[0]);
    const version = index.version;
    await index.compact(() => {
      index.toParts(); // merges synchronously
      return Promise.resolve();
    });
    expect(index.version).toBe(version);
    const found = scores(index, [['talk']]).map(([slot]) => slot);
    expect(added.filter((slot) => found.includes(slot))).toEqual(added);
  });
});
