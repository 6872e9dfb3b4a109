import { describe, expect, it } from 'vitest';
import { effectiveCap, nextWindowOpening } from './schedule';

const window = { tz: 'America/New_York', days: [1, 2, 3, 4, 5], start: '09:00', end: '17:00' };

describe('send window', () => {
  it('answers now inside the window', () => {
    const now = new Date('2026-03-04T15:00:00Z'); // Wednesday 10:00 in New York
    expect(nextWindowOpening(window, now)).toEqual(now);
  });

  it('waits for the same day opening, then the next working day', () => {
    expect(nextWindowOpening(window, new Date('2026-03-04T12:00:00Z')).toISOString()).toBe('2026-03-04T14:00:00.000Z'); // 07:00 → 09:00 EST
    expect(nextWindowOpening(window, new Date('2026-03-04T22:30:00Z')).toISOString()).toBe('2026-03-05T14:00:00.000Z'); // 17:30 → Thursday
    expect(nextWindowOpening(window, new Date('2026-03-06T23:00:00Z')).toISOString()).toBe('2026-03-09T13:00:00.000Z'); // Friday evening → Monday, after DST starts (EDT)
  });

  it('treats the end as exclusive and no window as always open', () => {
    expect(nextWindowOpening(window, new Date('2026-03-04T22:00:00Z')).toISOString()).toBe('2026-03-05T14:00:00.000Z');
    const now = new Date();
    expect(nextWindowOpening(null, now)).toBe(now);
  });
});

describe('daily cap with ramp-up', () => {
  it('grows from startCap by increment every period, never above dailyCap', () => {
    const startedAt = '2026-01-01T00:00:00Z';
    const mailbox = { dailyCap: 100, rampUp: { startCap: 20, increment: 10, everyDays: 2, startedAt } };
    expect(effectiveCap(mailbox, new Date('2026-01-01T12:00:00Z'))).toBe(20);
    expect(effectiveCap(mailbox, new Date('2026-01-03T00:00:01Z'))).toBe(30);
    expect(effectiveCap(mailbox, new Date('2026-03-01T00:00:00Z'))).toBe(100);
    expect(effectiveCap({ dailyCap: 50, rampUp: null })).toBe(50);
  });
});
