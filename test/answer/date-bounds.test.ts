import { describe, expect, it } from 'vitest';
import { readDateBound } from '../../src/answer/date-bounds.js';

describe('readDateBound', () => {
  it('reads a year or a month as its first day for since and its last day for until', () => {
    expect(readDateBound('since', '2022')).toBe('2022-01-01');
    expect(readDateBound('until', '2022')).toBe('2022-12-31');
    expect(readDateBound('since', '2022-03')).toBe('2022-03-01');
    expect(readDateBound('until', '2022-03')).toBe('2022-03-31');
    expect(readDateBound('until', '2024-02')).toBe('2024-02-29');
    expect(readDateBound('until', '2023-02')).toBe('2023-02-28');
  });

  it('reads a day as itself at either end, ignoring surrounding blanks', () => {
    expect(readDateBound('since', ' 2022-03-05 ')).toBe('2022-03-05');
    expect(readDateBound('until', '2022-03-05')).toBe('2022-03-05');
  });

  it('refuses what is not a date of that grammar', () => {
    for (const value of ['', '22', '2022-3', '2022-13', '2022-02-30', '2022-00-10', '5 Mar 2022'])
      expect(readDateBound('since', value), value).toBeNull();
  });
});
