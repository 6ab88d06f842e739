/**
 * Wording shared by every surface (console, CLI, Discord, digests), so an answer reads the same
 * wherever it is shown.
 */
import type { Answer, IsoDate } from '../core/types.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "2022-03-23" → "23 Mar 2022"; null → "undated". */
export function formatDate(date: IsoDate | null): string {
  if (date === null) return 'undated';
  const [year, month, day] = date.split('-');
  return `${Number(day)} ${MONTHS[Number(month) - 1] ?? month} ${year}`;
}

/** What the answer says about how the question was read, as one line ('' when nothing). */
export function noticeLine(answer: Answer): string {
  return (answer.notices ?? []).join(' ');
}

/**
 * The one line shown instead of results for an empty answer: its notices when it has any
 * ("No outlet matches 'bbc' …", "did you mean …?", "No more results …"), else why it is empty.
 */
export function emptyAnswerMessage(answer: Answer): string {
  const notices = noticeLine(answer);
  if (notices !== '') return notices;
  switch (answer.emptyReason) {
    case 'empty-question':
      return 'Ask a question with a few words, e.g. "What did Putin tell Bennett about the talks?"';
    case 'only-stop-words':
      return 'That question has only very common words; add a name, a place or a topic.';
    case 'no-match':
    default:
      return 'Nothing in the corpus matches that question well enough to quote.';
  }
}
