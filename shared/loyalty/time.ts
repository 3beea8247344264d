/**
 * Calendar arithmetic in a named time zone with nothing but Intl: month keys for spend buckets
 * and point lots, local dates for birthdays, and the instant a local day starts.
 */
export interface LocalDate {
  year: number;
  month: number;
  day: number;
}

const formats = new Map<string, Intl.DateTimeFormat>();
function format(timeZone: string): Intl.DateTimeFormat {
  let f = formats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formats.set(timeZone, f);
  }
  return f;
}

function wallClock(at: Date, timeZone: string) {
  const p: Record<string, number> = {};
  for (const part of format(timeZone).formatToParts(at)) if (part.type !== 'literal') p[part.type] = Number(part.value);
  return { year: p.year!, month: p.month!, day: p.day!, hour: p.hour!, minute: p.minute!, second: p.second! };
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

/** The instant local midnight starts `d` in the zone (DST-safe: the offset is re-read at the result). */
export function startOfDay(d: LocalDate, timeZone: string): Date {
  const guess = Date.UTC(d.year, d.month - 1, d.day);
  const offsetAt = (t: number) => {
    const w = wallClock(new Date(t), timeZone);
    return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - Math.floor(t / 1000) * 1000;
  };
  const first = guess - offsetAt(guess);
  return new Date(guess - offsetAt(first));
}

export const startOfMonth = (key: string, timeZone: string): Date => {
  const [year, month] = key.split('-').map(Number) as [number, number];
  return startOfDay({ year, month, day: 1 }, timeZone);
};

export const isLeapYear = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

/** Calendar-day difference b − a (both local dates). */
export const daysBetween = (a: LocalDate, b: LocalDate): number =>
  Math.round((Date.UTC(b.year, b.month - 1, b.day) - Date.UTC(a.year, a.month - 1, a.day)) / 86_400_000);

export const addDays = (at: Date, days: number): Date => new Date(at.getTime() + days * 86_400_000);
