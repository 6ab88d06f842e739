/**
 * Index internals: MiniSearch's private state (as of 7.x) and a faster way in. MiniSearch.add
 * re-tokenises a field string and walks its radix tree once per token; a Library already has
 * every passage's terms, so it hands over term → frequency maps and the tree is walked once per
 * distinct term. The resulting state is exactly what MiniSearch.add would build (same short
 * ids, field lengths as distinct-term counts, running average field lengths), so MiniSearch's
 * own search, discard and vacuum keep working on it.
 */
import type MiniSearch from 'minisearch';

/** MiniSearch's private fields, as read and written by persist.ts and below. */
export interface MiniSearchInternals {
  _index: {
    fetch(
      term: string,
      make: () => Map<number, Map<number, number>>,
    ): Map<number, Map<number, number>>;
    set(term: string, data: Map<number, Map<number, number>>): void;
    get(term: string): Map<number, Map<number, number>> | undefined;
    [Symbol.iterator](): Iterator<[string, Map<number, Map<number, number>>]>;
  };
  _documentCount: number;
  _documentIds: Map<number, unknown>;
  _idToShortId: Map<unknown, number>;
  _fieldIds: Record<string, number>;
  _fieldLength: Map<number, number[]>;
  _avgFieldLength: number[];
  _storedFields: Map<number, Record<string, unknown>>;
  _nextId: number;
  _dirtCount: number;
}

/** The private state of a MiniSearch instance. */
export function internalsOf(index: MiniSearch<never>): MiniSearchInternals {
  return index as unknown as MiniSearchInternals;
}

/** A term's postings per field id: field id → short document id → term frequency. */
export type FieldTermData = Map<number, Map<number, number>>;

const createFieldMap = (): FieldTermData => new Map();

/**
 * Adds a document whose fields are already term → frequency maps, `fields[i]` for field id i
 * (the order of the MiniSearch `fields` option). Same effect as MiniSearch.add on a document
 * whose field strings hold those terms. Throws on a duplicate id, as MiniSearch does.
 *
 * `termData` short-cuts the radix-tree walk (a linear scan of each node's children) for terms
 * seen before. Use one map only within one synchronous batch: MiniSearch's vacuum, which runs
 * asynchronously, may drop a term's postings object from the tree between batches.
 */
export function addProcessedDocument(
  index: MiniSearch<never>,
  id: string,
  fields: readonly ReadonlyMap<string, number>[],
  termData: Map<string, FieldTermData> = new Map(),
): void {
  const state = internalsOf(index);
  if (state._idToShortId.has(id)) throw new Error(`MiniSearch: duplicate ID ${id}`);
  const shortId = state._nextId;
  state._idToShortId.set(id, shortId);
  state._documentIds.set(shortId, id);
  state._documentCount += 1;
  state._nextId += 1;
  const count = state._documentCount - 1;
  const lengths: number[] = [];
  state._fieldLength.set(shortId, lengths);
  for (let fieldId = 0; fieldId < fields.length; fieldId++) {
    const terms = fields[fieldId]!;
    lengths[fieldId] = terms.size;
    const average = state._avgFieldLength[fieldId] || 0;
    state._avgFieldLength[fieldId] = (average * count + terms.size) / (count + 1);
    for (const [term, frequency] of terms) {
      let data = termData.get(term);
      if (data === undefined) {
        data = state._index.fetch(term, createFieldMap);
        termData.set(term, data);
      }
      let postings = data.get(fieldId);
      if (postings === undefined) {
        postings = new Map();
        data.set(fieldId, postings);
      }
      postings.set(shortId, (postings.get(shortId) ?? 0) + frequency);
    }
  }
}
