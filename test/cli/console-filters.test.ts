import { describe, expect, it } from 'vitest';
import { readConsoleFilters } from '../../src/cli/console.js';

describe('console filters before a question', () => {
  it('reads dates in the forms /ask and the CLI take, and outlet and language', () => {
    expect(
      readConsoleFilters('since:2022 until:2022-03 source:Sputnik lang:bg Putin talks'),
    ).toEqual({
      filters: { since: '2022-01-01', until: '2022-03-31', source: 'Sputnik', lang: 'bg' },
      question: 'Putin talks',
    });
    expect(readConsoleFilters('What did Putin say?')).toEqual({
      filters: {},
      question: 'What did Putin say?',
    });
  });

  it('says how to write a date it cannot read', () => {
    expect(readConsoleFilters('since:March Putin')).toBe(
      'since: must be a date like 2022-03-05 (or 2022-03, or 2022).',
    );
  });
});
