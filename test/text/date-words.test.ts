import { describe, expect, it } from 'vitest';
import { describeWindow, isBrowsingWord, parseQuestionDates } from '../../src/text/dates.js';

describe('dates in Russian and Ukrainian questions', () => {
  it('reads a day and a month in Russian, with its case endings', () => {
    expect(parseQuestionDates('Что произошло 23 марта 2022 года?', '2024-01-01')).toMatchObject({
      since: '2022-03-23',
      until: '2022-03-23',
    });
    expect(parseQuestionDates('новости за октябрь 2023', '2024-01-01')).toMatchObject({
      since: '2023-10-01',
      until: '2023-10-31',
    });
    expect(parseQuestionDates('что было в 2021 году', '2024-01-01')).toMatchObject({
      since: '2021-01-01',
      until: '2021-12-31',
    });
  });

  it('reads Ukrainian months', () => {
    expect(parseQuestionDates('Що сталося 5 березня 2022 року?', '2024-01-01')).toMatchObject({
      since: '2022-03-05',
    });
    expect(parseQuestionDates('новини у жовтні 2023', '2024-01-01').since).toBe('2023-10-01');
  });

  it('takes "most recently", "последние" and "останні" as asking for the latest', () => {
    for (const q of [
      'What did Putin say most recently?',
      'последние новости о Путине',
      'останні новини про Путіна',
      'последни новини за Путин',
    ])
      expect(parseQuestionDates(q, '2024-01-01').recent, q).toBe(true);
    expect(parseQuestionDates('What did Putin say?', '2024-01-01').recent).toBe(false);
  });
});

describe('describeWindow and isBrowsingWord', () => {
  it('names a window as a reader says it', () => {
    expect(describeWindow('2021-01-01', '2021-12-31')).toBe('2021');
    expect(describeWindow('2023-10-01', '2023-10-31')).toBe('October 2023');
    expect(describeWindow('2022-03-23', '2022-03-23')).toBe('23 Mar 2022');
    expect(describeWindow('2022-03-01', '2022-03-10')).toBe('from 1 Mar 2022 to 10 Mar 2022');
  });

  it('knows the words that ask for no topic beside a date', () => {
    for (const w of ['happened', 'news', 'случи', 'новини', 'произошло', 'сталося'])
      expect(isBrowsingWord(w), w).toBe(true);
    for (const w of ['putin', 'gaza', 'bennett']) expect(isBrowsingWord(w), w).toBe(false);
  });
});
