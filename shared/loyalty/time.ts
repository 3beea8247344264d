/**
 * Calendar arithmetic in a named time zone with nothing but Intl: month keys for spend buckets
 * and point lots, local dates for birthdays, and the instant a local day starts.
 */
import { wallClock, zonedInstant } from '../platform/time.js';

export interface LocalDate {
  year: number;
  month: number;
  day: number;
}

export const localDate = (at: Date, timeZone: string): LocalDate => {
  const { year, month, day } = wallClock(at, timeZone);
  return { year, month, day };
};

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
export const isoDate = (d: LocalDate): string => `${pad(d.year, 4)}-${pad(d.month)}-${pad(d.day)}`;

/** 'YYYY-MM' of the instant in the zone. */
export const monthKey = (at: Date, timeZone: string): string => isoDate(localDate(at, timeZone)).slice(0, 7);

export function addMonths(key: string, n: number): string {
  const [y, m] = key.split('-').map(Number) as [number, number];
  const i = y * 12 + (m - 1) + n;
  return `${pad(Math.floor(i / 12), 4)}-${pad((i % 12) + 1)}`;
}

/** The instant local midnight starts `d` in the zone (in a DST gap at midnight: the first instant after it). */
export const startOfDay = (d: LocalDate, timeZone: string): Date => zonedInstant({ ...d, hour: 0, minute: 0 }, timeZone);

export const startOfMonth = (key: string, timeZone: string): Date => {
  const [year, month] = key.split('-').map(Number) as [number, number];
  return startOfDay({ year, month, day: 1 }, timeZone);
};

export const isLeapYear = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

/** Calendar-day difference b − a (both local dates). */
export const daysBetween = (a: LocalDate, b: LocalDate): number =>
  Math.round((Date.UTC(b.year, b.month - 1, b.day) - Date.UTC(a.year, a.month - 1, a.day)) / 86_400_000);

export const addDays = (at: Date, days: number): Date => new Date(at.getTime() + days * 86_400_000);
