import type { ThresholdPeriod } from './types.js';

const DAY_MS = 86_400_000;

export interface AlertPeriod {
  /** Sortable label: `2026-11-21` (daily), `2026-W47` (weekly, ISO week), `2026-11` (monthly). */
  label: string;
  /** First UTC day of the period, inclusive (`YYYY-MM-DD`). */
  startDay: string;
  /** First UTC day after the period (`YYYY-MM-DD`). */
  endDay: string;
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
export const utcDay = (date: Date): string =>
  `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;

/** Midnight UTC of the day `date` falls in. */
export const startOfUtcDay = (date: Date): Date =>
  new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));

/** Monday 00:00 UTC of the ISO week `date` falls in. */
export function startOfIsoWeek(date: Date): Date {
  const day = startOfUtcDay(date);
  const sinceMonday = (day.getUTCDay() + 6) % 7;
  return new Date(day.getTime() - sinceMonday * DAY_MS);
}

/** ISO 8601 week-numbering year and week (weeks start on Monday; week 1 holds the first Thursday). */
export function isoWeek(date: Date): { year: number; week: number } {
  const thursday = new Date(startOfIsoWeek(date).getTime() + 3 * DAY_MS);
  const year = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / (7 * DAY_MS)) + 1;
  return { year, week };
}

/** The period of an alert that `at` falls in, in UTC. Labels of one kind sort in time order. */
export function alertPeriod(kind: ThresholdPeriod, at: Date): AlertPeriod {
  if (kind === 'daily') {
    const start = startOfUtcDay(at);
    return {
      label: utcDay(start),
      startDay: utcDay(start),
      endDay: utcDay(new Date(start.getTime() + DAY_MS)),
    };
  }
  if (kind === 'weekly') {
    const start = startOfIsoWeek(at);
    const { year, week } = isoWeek(at);
    return {
      label: `${year}-W${pad(week)}`,
      startDay: utcDay(start),
      endDay: utcDay(new Date(start.getTime() + 7 * DAY_MS)),
    };
  }
  const start = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1));
  const end = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1));
  return { label: utcDay(start).slice(0, 7), startDay: utcDay(start), endDay: utcDay(end) };
}
