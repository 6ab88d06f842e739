/**
 * The notice every answer of a Library still loading its snapshot begins with, so that no one
 * takes a miss of the segments not yet in for the corpus's.
 */
import type { Answer } from '../core/types.js';
import type { Library } from '../library/library.js';

/**
 * `answer` with the loading notice first when `library` is still loading and the answer searched
 * it (results, or none matching); unchanged otherwise.
 *
 * @example
 * return noteLoading(library, await searchNow(library, question));
 */
export function noteLoading(library: Library, answer: Answer): Answer {
  const loading = library.loading();
  if (loading === null || (answer.emptyReason !== null && answer.emptyReason !== 'no-match'))
    return answer;
  return {
    ...answer,
    notices: [
      `The library is still loading: ${loading.restored} of its ${loading.segments} parts are searched so far, the newest first, so older articles may be missing.`,
      ...(answer.notices ?? []),
    ],
  };
}
