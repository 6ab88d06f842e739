import fc from 'fast-check';
import SearchableMap from 'minisearch/SearchableMap';
import { describe, expect, it } from 'vitest';
import { SortedTerms } from '../../src/index/sorted-terms.js';

/** Levenshtein distance, the textbook way. */
function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++)
      next[j] = Math.min(
        row[j]! + 1,
        next[j - 1]! + 1,
        row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    row = next;
  }
  return row[b.length]!;
}

/** What a lookup finds, as "id:term" (checking the length it reports) and distance. */
function near({ lookup, terms }: Lookup, query: string, maxDistance: number): [string, number][] {
  const found: [string, number][] = [];
  lookup.forEachNear(query, maxDistance, (id, length, distance) => {
    expect(length).toBe(terms[id]!.length);
    found.push([`${id}:${terms[id]}`, distance]);
  });
  return found.sort((a, b) => (a[0] < b[0] ? -1 : 1));
}

function withPrefix({ lookup, terms }: Lookup, prefix: string): string[] {
  const found: string[] = [];
  lookup.forEachWithPrefix(prefix, (id, length) => {
    expect(length).toBe(terms[id]!.length);
    found.push(`${id}:${terms[id]}`);
  });
  return found.sort();
}

/** Terms over a small alphabet (so many share prefixes and lie within a few edits), Cyrillic included. */
const TERM = fc.string({
  unit: fc.constantFrom('a', 'b', 'c', 'д', 'é'),
  minLength: 1,
  maxLength: 7,
});

/**
 * A term list built in two stages, as an index grows: the first `sorted` terms given in
 * sorted order (as a snapshot loads them), the rest appended after the lookup exists.
 */
const TERM_LISTS = fc
  .tuple(fc.uniqueArray(TERM, { maxLength: 40 }), fc.uniqueArray(TERM, { maxLength: 40 }))
  .map(([first, later]) => {
    const sorted = [...first].sort();
    const extra = later.filter((t) => !first.includes(t));
    return { sorted, extra };
  });

interface Lookup {
  readonly lookup: SortedTerms;
  readonly terms: readonly string[];
}

function lookupOf(sorted: readonly string[], extra: readonly string[]): Lookup {
  const terms = [...sorted];
  const lookup = new SortedTerms(terms, sorted.length);
  for (const term of extra) {
    terms.push(term);
    lookup.add(terms.length - 1);
  }
  return { lookup, terms };
}

describe('SortedTerms', () => {
  it('finds exactly the terms within the edit distance, with their distances', () => {
    fc.assert(
      fc.property(
        TERM_LISTS,
        TERM,
        fc.integer({ min: 1, max: 3 }),
        ({ sorted, extra }, query, d) => {
          const terms = [...sorted, ...extra];
          const expected = terms
            .map((term, id): [string, number] => [`${id}:${term}`, editDistance(term, query)])
            .filter(([, distance]) => distance <= d)
            .sort((a, b) => (a[0] < b[0] ? -1 : 1));
          expect(near(lookupOf(sorted, extra), query, d)).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('finds exactly the terms starting with a prefix', () => {
    fc.assert(
      fc.property(
        TERM_LISTS,
        fc.string({ unit: fc.constantFrom('a', 'b', 'д'), maxLength: 3 }),
        ({ sorted, extra }, prefix) => {
          const terms = [...sorted, ...extra];
          const expected = terms
            .map((term, id) => `${id}:${term}`)
            .filter((_, id) => terms[id]!.startsWith(prefix))
            .sort();
          expect(withPrefix(lookupOf(sorted, extra), prefix)).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("finds what MiniSearch's radix tree finds for the same terms", () => {
    const terms = [
      'talk',
      'talks',
      'talked',
      'walk',
      'stalk',
      'tale',
      'tall',
      'talkative',
      'путин',
      'путина',
    ];
    const tree = new SearchableMap<number>();
    terms.forEach((term, id) => tree.set(term, id));
    const lookup = lookupOf([], terms);
    for (const [query, d] of [
      ['talk', 1],
      ['talk', 2],
      ['путн', 1],
      ['talkativ', 2],
    ] as const) {
      const fromTree = [...tree.fuzzyGet(query, d)]
        .map(([term, [id, distance]]): [string, number] => [`${id}:${term}`, distance])
        .sort((a, b) => (a[0] < b[0] ? -1 : 1));
      expect(near(lookup, query, d)).toEqual(fromTree);
    }
  });

  it('keeps finding terms after the later ones are folded into the sorted list', () => {
    const terms: string[] = [];
    const lookup = { lookup: new SortedTerms(terms, 0), terms };
    for (let i = 0; i < 3_000; i++) {
      terms.push(`w${(i * 7_919) % 3_000}`);
      lookup.lookup.add(i);
    }
    expect(withPrefix(lookup, 'w299')).toEqual(
      terms
        .map((t, id) => `${id}:${t}`)
        .filter((entry) => entry.split(':')[1]!.startsWith('w299'))
        .sort(),
    );
    expect(near(lookup, 'w1234', 1).map(([entry]) => entry.split(':')[1])).toContain('w1234');
  });
});
