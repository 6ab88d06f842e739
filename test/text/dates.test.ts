import { describe, expect, it } from 'vitest';
import { parseQuestionDates } from '../../src/text/dates.js';

const REFERENCE = '2024-01-10';
const windowOf = (q: string): [string | null, string | null, boolean] => {
  const d = parseQuestionDates(q, REFERENCE);
  return [d.since, d.until, d.recent];
};

describe('parseQuestionDates', () => {
  it('reads a day, a month and a year in English and Bulgarian', () => {
    expect(windowOf('What did Putin say on March 5, 2022?')).toEqual([
      '2022-03-05',
      '2022-03-05',
      false,
    ]);
    expect(windowOf('talks on 5 March 2022')).toEqual(['2022-03-05', '2022-03-05', false]);
    expect(windowOf('What happened in February 2022?')).toEqual([
      '2022-02-01',
      '2022-02-28',
      false,
    ]);
    expect(windowOf('Какво каза Путин през октомври 2023?')).toEqual([
      '2023-10-01',
      '2023-10-31',
      false,
    ]);
    expect(windowOf('Какво стана на 5.03.2022 г.?')).toEqual(['2022-03-05', '2022-03-05', false]);
    expect(windowOf('срещата на 24 февруари 2022 г.')).toEqual(['2022-02-24', '2022-02-24', false]);
    expect(windowOf('sanctions in 2022')).toEqual(['2022-01-01', '2022-12-31', false]);
    expect(windowOf('санкции през 2022 г.')).toEqual(['2022-01-01', '2022-12-31', false]);
    expect(windowOf('report of 2022-03-06')).toEqual(['2022-03-06', '2022-03-06', false]);
  });

  it('takes a day without a year as the most recent such day up to the reference date', () => {
    expect(windowOf('What happened on March 5?')).toEqual(['2023-03-05', '2023-03-05', false]);
    expect(windowOf('What happened on 9 January?')).toEqual(['2024-01-09', '2024-01-09', false]);
  });

  it('marks wishes for recent news', () => {
    expect(windowOf('latest on Gaza')).toEqual([null, null, true]);
    expect(windowOf('последните новини за Газа')).toEqual([null, null, true]);
  });

  it('reports where the expressions are and ignores look-alikes', () => {
    const q = 'What did Bennett say in March 2022 about the latest talks?';
    expect(parseQuestionDates(q, REFERENCE).spans.map((s) => q.slice(s.start, s.end))).toEqual([
      'in March 2022',
      'latest',
    ]);
    expect(windowOf('What may 5 people do?')).toEqual([null, null, false]);
    expect(windowOf('He scored 2022 points')).toEqual([null, null, false]);
    expect(windowOf('on February 30, 2022')).toEqual([null, null, false]);
  });
});
