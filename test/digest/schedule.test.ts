import { describe, expect, it } from 'vitest';
import {
  countRunsBetween,
  decideRun,
  formatInZone,
  nextRunAfter,
  normalizeTimeZone,
  parseSchedule,
  previousRunAtOrBefore,
} from '../../src/digest/schedule.js';

const SOFIA = 'Europe/Sofia';

function runs(schedule: string, zone: string, from: string, count: number): string[] {
  const parsed = parseSchedule(schedule);
  const out: string[] = [];
  let t = new Date(from);
  for (let i = 0; i < count; i++) {
    t = nextRunAfter(parsed, zone, t);
    out.push(t.toISOString());
  }
  return out;
}

describe('parseSchedule', () => {
  it('turns presets into cron expressions and normalises what is shown', () => {
    expect(parseSchedule('hourly')).toMatchObject({ text: 'hourly', cron: '0 * * * *' });
    expect(parseSchedule(' Daily  8:05 ')).toMatchObject({
      text: 'daily 08:05',
      cron: '5 8 * * *',
    });
    expect(parseSchedule('weekly Monday 09:30')).toMatchObject({
      text: 'weekly mon 09:30',
      cron: '30 9 * * 1',
    });
    expect(parseSchedule('weekly sun 23:59')).toMatchObject({
      text: 'weekly sun 23:59',
      cron: '59 23 * * 0',
    });
  });

  it('accepts five-field cron with lists, ranges, steps and names', () => {
    const s = parseSchedule('*/20 8-10 * jan,jul mon-fri');
    expect(s.fields.minutes).toEqual([0, 20, 40]);
    expect(s.fields.hours).toEqual([8, 9, 10]);
    expect(s.fields.months).toEqual([1, 7]);
    expect(s.fields.daysOfWeek).toEqual([1, 2, 3, 4, 5]);
    expect(parseSchedule('0 0 * * 7').fields.daysOfWeek).toEqual([0]);
  });

  it('says what is wrong and shows examples that work', () => {
    const examples =
      'Try `hourly`, `daily 08:30`, `weekly mon 09:00` or a cron expression such as `0 8 * * 1-5`.';
    expect(() => parseSchedule('daily 25:00')).toThrow(
      `"25:00" is not a time of day; use 24-hour HH:MM such as 08:30. ${examples}`,
    );
    expect(() => parseSchedule('weekly funday 09:00')).toThrow(
      `"funday" is not a day of the week (mon … sun). ${examples}`,
    );
    expect(() => parseSchedule('* * *')).toThrow(
      `A cron expression has five fields (minute hour day month weekday); "* * *" has 3. ${examples}`,
    );
    expect(() => parseSchedule('61 * * * *')).toThrow(
      `minute 61 is out of range (0–59). ${examples}`,
    );
    expect(() => parseSchedule('0 0 30 2 *')).toThrow(
      `"0 0 30 2 *" never runs (no such date). ${examples}`,
    );
    expect(() => parseSchedule('fortnightly')).toThrow(
      `"fortnightly" is not a schedule I know. ${examples}`,
    );
    expect(() => parseSchedule('')).toThrow(`The schedule is empty. ${examples}`);
  });
});

describe('nextRunAfter', () => {
  it('finds daily runs at the wall-clock time of the zone', () => {
    expect(runs('daily 08:30', SOFIA, '2026-01-10T12:00:00Z', 2)).toEqual([
      '2026-01-11T06:30:00.000Z',
      '2026-01-12T06:30:00.000Z',
    ]);
    expect(runs('daily 08:30', 'UTC', '2026-01-10T08:30:00Z', 1)).toEqual([
      '2026-01-11T08:30:00.000Z',
    ]);
  });

  it('runs a daily digest once on the Sofia spring-forward day, shifted past the missing hour', () => {
    // 29 Mar 2026: 03:00 EET becomes 04:00 EEST, so 03:30 does not exist that day.
    expect(runs('daily 03:30', SOFIA, '2026-03-27T12:00:00Z', 3)).toEqual([
      '2026-03-28T01:30:00.000Z',
      '2026-03-29T01:30:00.000Z', // 04:30 EEST
      '2026-03-30T00:30:00.000Z',
    ]);
    expect(runs('daily 04:30', SOFIA, '2026-03-28T12:00:00Z', 1)).toEqual([
      '2026-03-29T01:30:00.000Z',
    ]);
  });

  it('runs a daily digest once on the Sofia fall-back day, at the first of the two 03:30s', () => {
    // 25 Oct 2026: 04:00 EEST becomes 03:00 EET, so 03:30 happens twice.
    expect(runs('daily 03:30', SOFIA, '2026-10-23T12:00:00Z', 3)).toEqual([
      '2026-10-24T00:30:00.000Z',
      '2026-10-25T00:30:00.000Z',
      '2026-10-26T01:30:00.000Z',
    ]);
  });

  it('keeps hourly runs strictly increasing and single across both transitions', () => {
    const spring = runs('hourly', SOFIA, '2026-03-29T00:00:00Z', 3);
    expect(spring).toEqual([
      '2026-03-29T01:00:00.000Z',
      '2026-03-29T02:00:00.000Z',
      '2026-03-29T03:00:00.000Z',
    ]);
    const fall = runs('hourly', SOFIA, '2026-10-24T23:00:00Z', 4);
    // 03:00 EEST at 00:00Z, 04:00 EET at 02:00Z: the repeated 03:00 EET runs only once.
    expect(fall).toEqual([
      '2026-10-25T00:00:00.000Z',
      '2026-10-25T02:00:00.000Z',
      '2026-10-25T03:00:00.000Z',
      '2026-10-25T04:00:00.000Z',
    ]);
  });

  it('treats day-of-month and day-of-week as either/or when both are restricted', () => {
    // 1st of the month or any Friday; 2026-05-01 is a Friday, next are Fri 8th and Fri 15th.
    expect(runs('0 12 1 * 5', 'UTC', '2026-04-29T00:00:00Z', 3)).toEqual([
      '2026-05-01T12:00:00.000Z',
      '2026-05-08T12:00:00.000Z',
      '2026-05-15T12:00:00.000Z',
    ]);
  });

  it('finds leap-day schedules years ahead', () => {
    expect(runs('0 0 29 2 *', 'UTC', '2026-03-01T00:00:00Z', 1)).toEqual([
      '2028-02-29T00:00:00.000Z',
    ]);
  });
});

describe('previousRunAtOrBefore', () => {
  it('returns the slot itself when asked at it, and the one before otherwise', () => {
    const s = parseSchedule('weekly mon 09:00');
    expect(previousRunAtOrBefore(s, SOFIA, new Date('2026-06-15T06:00:00Z'))?.toISOString()).toBe(
      '2026-06-15T06:00:00.000Z',
    );
    expect(previousRunAtOrBefore(s, SOFIA, new Date('2026-06-15T05:59:59Z'))?.toISOString()).toBe(
      '2026-06-08T06:00:00.000Z',
    );
  });
});

describe('decideRun', () => {
  const daily = parseSchedule('daily 08:00');

  it('is not due before the first slot after the last run', () => {
    const d = decideRun(
      daily,
      'UTC',
      new Date('2026-06-01T08:00:00Z'),
      new Date('2026-06-02T07:59:00Z'),
    );
    expect(d).toEqual({ due: null, skipped: 0, next: new Date('2026-06-02T08:00:00Z') });
  });

  it('is due at the slot itself', () => {
    const d = decideRun(
      daily,
      'UTC',
      new Date('2026-06-01T08:00:00Z'),
      new Date('2026-06-02T08:00:00Z'),
    );
    expect(d).toEqual({
      due: new Date('2026-06-02T08:00:00Z'),
      skipped: 0,
      next: new Date('2026-06-03T08:00:00Z'),
    });
  });

  it('runs once for the latest missed slot after downtime, not once per missed slot', () => {
    // Down from 1 June 09:00 to 5 June 10:00: slots on 2, 3, 4 and 5 June passed.
    const d = decideRun(
      daily,
      'UTC',
      new Date('2026-06-01T08:00:00Z'),
      new Date('2026-06-05T10:00:00Z'),
    );
    expect(d).toEqual({
      due: new Date('2026-06-05T08:00:00Z'),
      skipped: 3,
      next: new Date('2026-06-06T08:00:00Z'),
    });
    // Having run that slot, nothing more is due until the next one.
    const after = decideRun(daily, 'UTC', d.due!, new Date('2026-06-05T10:00:01Z'));
    expect(after.due).toBeNull();
  });

  it('neither skips nor doubles a Sofia daily digest across a whole spring and autumn', () => {
    const s = parseSchedule('daily 03:30');
    for (const [from, to] of [
      ['2026-03-25T00:00:00Z', '2026-04-02T00:00:00Z'],
      ['2026-10-21T00:00:00Z', '2026-10-29T00:00:00Z'],
    ] as const) {
      // Wake every quarter hour, as a heartbeat would, and run whatever is due.
      let since = new Date(from);
      const ran: string[] = [];
      for (let t = new Date(from).getTime(); t <= new Date(to).getTime(); t += 900_000) {
        const d = decideRun(s, SOFIA, since, new Date(t));
        if (d.due !== null) {
          expect(d.skipped).toBe(0);
          ran.push(formatInZone(d.due, SOFIA));
          since = d.due;
        }
      }
      expect(ran).toHaveLength(8);
      expect(new Set(ran.map((r) => r.slice(0, 16))).size).toBe(8);
      expect(ran.filter((r) => !r.includes(', 03:30 '))).toEqual(
        from.startsWith('2026-03') ? ['Sun, 29 Mar 2026, 04:30 (Europe/Sofia)'] : [],
      );
    }
  });
});

describe('countRunsBetween', () => {
  it('counts the hourly runs of the Sofia spring-forward day: 23 wall hours, one of them missing', () => {
    const hourly = parseSchedule('hourly');
    expect(
      countRunsBetween(
        hourly,
        SOFIA,
        new Date('2026-03-28T22:00:00Z'),
        new Date('2026-03-29T21:00:00Z'),
      ),
    ).toBe(22);
  });

  it('counts a week of minute runs without walking them one by one', () => {
    const d = decideRun(
      parseSchedule('* * * * *'),
      'UTC',
      new Date('2026-06-01T00:00:00Z'),
      new Date('2026-06-08T00:00:30Z'),
    );
    expect(d).toEqual({
      due: new Date('2026-06-08T00:00:00Z'),
      skipped: 7 * 1440 - 1,
      next: new Date('2026-06-08T00:01:00Z'),
    });
  });
});

describe('normalizeTimeZone', () => {
  it('returns the canonical IANA spelling', () => {
    expect(normalizeTimeZone('europe/sofia')).toBe('Europe/Sofia');
    expect(normalizeTimeZone('UTC')).toBe('UTC');
  });

  it('rejects unknown zones with an example', () => {
    expect(() => normalizeTimeZone('Mars/Olympus')).toThrow(
      '"Mars/Olympus" is not a time zone I know. Use an IANA name such as `Europe/Sofia`, `America/New_York` or `UTC`.',
    );
  });
});
