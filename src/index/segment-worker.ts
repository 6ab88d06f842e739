/**
 * The worker thread of src/index/segment-workers.ts: holds some segments' MiniSearchIndex
 * instances and applies the main thread's messages to them in the order they were posted, so
 * a search sees every add and remove posted before it.
 */
import { parentPort } from 'node:worker_threads';
import { MiniSearchIndex, type FirstStage, type TermStatistics } from './minisearch-index.js';
import type { IndexHit, TermGroupSearch } from './search-index.js';
import {
  searchInTurn,
  type RestoredSegment,
  type ToMain,
  type ToWorker,
  type WireQuery,
} from './segment-workers.js';

const port = parentPort;
if (port === null) throw new Error('segment-worker.ts runs only as a worker thread');

const segments = new Map<number, MiniSearchIndex>();
/** Searches waiting for the global frequencies of the terms they asked for. */
const waiting = new Map<
  number,
  {
    stages: FirstStage[];
    terms: string[];
    global: Omit<TermStatistics, 'frequencies'>;
    limit: number;
  }
>();

function post(message: ToMain, transfer: ArrayBuffer[] = []): void {
  port!.postMessage(message, transfer);
}

function segment(id: number): MiniSearchIndex {
  let index = segments.get(id);
  if (index === undefined) segments.set(id, (index = new MiniSearchIndex()));
  return index;
}

/** The search `wire` describes, its prefix and fuzzy functions read from their tables. */
function queryOf(wire: WireQuery): TermGroupSearch {
  const { prefixTerms, fuzzyTerms, ...rest } = wire;
  const fuzzy = fuzzyTerms === undefined ? undefined : new Map(fuzzyTerms);
  const prefix = prefixTerms === undefined ? undefined : new Set(prefixTerms);
  return {
    ...rest,
    ...(prefix === undefined ? {} : { prefix: (term: string) => prefix.has(term) }),
    ...(fuzzy === undefined ? {} : { fuzzy: (term: string) => fuzzy.get(term) ?? false }),
  };
}

function finish(stages: FirstStage[], global: TermStatistics | null, limit: number): IndexHit[] {
  return searchInTurn(stages.length, (i, atLeast) => stages[i]!.finish(global, atLeast), limit);
}

/** A restored segment's figures, for the main thread's tables. */
function summaryOf(index: MiniSearchIndex): {
  summary: RestoredSegment;
  transfer: ArrayBuffer[];
} {
  const terms: string[] = [];
  const text: number[] = [];
  const title: number[] = [];
  for (const [term, inText, inTitle] of index.termFrequencies()) {
    terms.push(term);
    text.push(inText);
    title.push(inTitle);
  }
  const docIds: string[] = [];
  const ordinals: number[] = [];
  for (const key of index.passageKeys()) {
    docIds.push(key.docId);
    ordinals.push(key.ordinal);
  }
  const summary: RestoredSegment = {
    averageLengths: [...index.averageFieldLengths] as [number, number],
    terms,
    text: Int32Array.from(text),
    title: Int32Array.from(title),
    docIds,
    ordinals: Int32Array.from(ordinals),
  };
  return {
    summary,
    transfer: [summary.text.buffer, summary.title.buffer, summary.ordinals.buffer] as ArrayBuffer[],
  };
}

async function handle(message: ToWorker): Promise<void> {
  switch (message.op) {
    case 'add':
      segment(message.segment).add(message.passages);
      return;
    case 'remove':
      segment(message.segment).remove(message.passages);
      return;
    case 'drop':
      segments.delete(message.segment);
      return;
    case 'search': {
      const query = queryOf(message.query);
      const rescoring = message.global !== null;
      const stages = message.segments.map((id) => segment(id).firstStage(query, rescoring));
      if (message.global === null) {
        post({ request: message.request, hits: finish(stages, null, query.limit) });
        return;
      }
      const terms = [...new Set(stages.flatMap((stage) => stage.neededTerms()))];
      waiting.set(message.request, { stages, terms, global: message.global, limit: query.limit });
      post({ request: message.request, needs: terms });
      return;
    }
    case 'frequencies': {
      const search = waiting.get(message.request);
      if (search === undefined) return;
      waiting.delete(message.request);
      const known = new Map<string, readonly [number, number]>();
      search.terms.forEach((term, i) =>
        known.set(term, [message.frequencies[2 * i]!, message.frequencies[2 * i + 1]!]),
      );
      const global: TermStatistics = {
        ...search.global,
        frequencies: (term) => known.get(term) ?? [0, 0],
      };
      post({ request: message.request, hits: finish(search.stages, global, search.limit) });
      return;
    }
    case 'json':
      post({ request: message.request, json: segment(message.segment).toJSON() });
      return;
    case 'restore': {
      const restored = await MiniSearchIndex.fromJSON(new TextDecoder().decode(message.bytes));
      segments.set(message.segment, restored);
      const { summary, transfer } = summaryOf(restored);
      post({ request: message.request, restored: summary }, transfer);
      return;
    }
  }
}

// One message at a time, in order: a restore (which pauses between slices) must not let a
// later add reach its segment before the segment exists. A search, though, touches only
// segments already restored, so while nothing but restores waits (a start-up) it is answered
// between a restore's slices instead of after the whole restore.
let queue = Promise.resolve();
/** Adds, removes, drops and JSON requests waiting in `queue`: a search must come after them. */
let writesWaiting = 0;
/** Set once an add or remove failed: nothing more is answered (see below). */
let stopped = false;
/** Handles `message`, reporting its failure (see `stopped`). */
async function run(message: ToWorker): Promise<void> {
  if (stopped) return;
  await handle(message).catch((error: unknown) => {
    if ('request' in message) {
      post({ request: message.request, error: String(error) });
      return;
    }
    // A failed add or remove leaves the segments out of step with the main thread's tables:
    // the worker stops, and the pool fails every search from then on.
    stopped = true;
    setImmediate(() => {
      throw error;
    });
  });
}
port.on('message', (message: ToWorker) => {
  const reading = message.op === 'search' || message.op === 'frequencies';
  if (reading && writesWaiting === 0) {
    void run(message);
    return;
  }
  const writing = !reading && message.op !== 'restore';
  if (writing) writesWaiting++;
  queue = queue.then(async () => {
    await run(message);
    if (writing) writesWaiting--;
  });
});
