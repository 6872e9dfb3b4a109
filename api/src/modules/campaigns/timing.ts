import { DateTime } from 'luxon';
import type { DelayUnit } from '../../../../shared/contracts/campaigns';

/**
 * A lead's calendar: the zone its days are counted in (the recipient's when known, else the
 * mailbox's window zone, else UTC), the mailbox's sending days (ISO weekdays, 1 = Monday) and
 * the campaign's holidays (YYYY-MM-DD in that zone).
 */
export interface LeadCalendar {
  zone: string;
  workdays: number[];
  holidays: string[];
}

export const WEEKDAYS = [1, 2, 3, 4, 5];

export function calendarOf(opts: { prospectZone?: string | null; window?: { tz: string; days: number[] } | null; holidays?: unknown }): LeadCalendar {
  const zone = [opts.prospectZone, opts.window?.tz].find((z): z is string => !!z && DateTime.local().setZone(z).isValid) ?? 'UTC';
  const workdays = opts.window?.days?.length ? opts.window.days : WEEKDAYS;
  const holidays = Array.isArray(opts.holidays) ? opts.holidays.filter((d): d is string => typeof d === 'string') : [];
  return { zone, workdays, holidays };
}

const isBusinessDay = (d: DateTime, cal: LeadCalendar) => cal.workdays.includes(d.weekday) && !cal.holidays.includes(d.toISODate()!);

/**
 * When a step with this delay falls due, counted from `from`. Minutes and hours are elapsed
 * time; days are calendar days in the lead's zone (so 09:00 stays 09:00 across a DST change);
 * business days skip the mailbox's non-sending days and the holidays, keeping the time of day.
 */
export function dueAfter(from: Date, delay: { amount: number; unit: DelayUnit }, cal: LeadCalendar): Date {
  const start = DateTime.fromJSDate(from, { zone: cal.zone });
  switch (delay.unit) {
    case 'minutes':
      return new Date(from.getTime() + delay.amount * 60_000);
    case 'hours':
      return new Date(from.getTime() + delay.amount * 3_600_000);
    case 'days':
      return start.plus({ days: delay.amount }).toJSDate();
    case 'business_days': {
      let d = start;
      for (let left = delay.amount, guard = 0; left > 0 && guard < 3660; guard++) {
        d = d.plus({ days: 1 });
        if (isBusinessDay(d, cal)) left--;
      }
      return d.toJSDate();
    }
  }
}

/**
 * Start of the first business day after `isoDate` (an out-of-office's return date, a calendar
 * date, YYYY-MM-DD) in the lead's calendar.
 */
export function businessDayAfter(isoDate: string, cal: LeadCalendar): Date {
  let d = DateTime.fromISO(isoDate, { zone: cal.zone }).startOf('day');
  for (let guard = 0; guard < 3660; guard++) {
    d = d.plus({ days: 1 });
    if (isBusinessDay(d, cal)) break;
  }
  return d.toJSDate();
}

/** Legacy `delayDays` readers: the delay in whole days when that is its unit. */
export const legacyDays = (step: { delayAmount: number; delayUnit: DelayUnit }) => (step.delayUnit === 'days' ? step.delayAmount : 0);
