/**
 * Time, the one module: instants and days, calendar arithmetic, and wall-clock arithmetic in IANA
 * time zones with Intl only (no tz database of our own).
 */

export const DAY_MS = 86_400_000;

/** Milliseconds since the epoch of an ISO instant with any offset: the only way instants are
 * compared (never as strings: `09:00+08:00` is earlier than `05:00Z` of the same day). */
export const instantMs = (iso: string): number => Date.parse(iso);

/** The UTC calendar day (YYYY-MM-DD) of an instant. */
export const utcDay = (iso: string): string => new Date(iso).toISOString().slice(0, 10);

/** The instant `days` (fractional allowed) after `at`. */
export const addDays = (at: Date, days: number): Date => new Date(at.getTime() + days * DAY_MS);

export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

// Building a DateTimeFormat costs tens of microseconds; one per zone is plenty.
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

export function isValidTimeZone(tz: string | undefined): tz is string {
  if (!tz) return false;
  try {
    formatter(tz);
    return true;
  } catch {
    return false;
  }
}

/** First valid zone of the chain (customer → shop default), else UTC. */
export const resolveTimeZone = (...chain: (string | undefined)[]): string => chain.find(isValidTimeZone) ?? 'UTC';

function intlWallClock(at: Date, timeZone: string): WallClock {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(at)) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return { year: parts.year!, month: parts.month!, day: parts.day!, hour: parts.hour!, minute: parts.minute! };
}

const asUtc = (w: WallClock) => Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute);

// formatToParts costs microseconds and a loyalty decision needs a dozen wall clocks: replaying a
// history spent a third of its time here. A zone's offset changes only at its transitions, which
// (since 1970, everywhere) fall on quarter hours, at most one a day: a UTC day whose two ends
// agree has that offset throughout, and a day with a transition is read per quarter hour.
const QUARTER_HOUR_MS = 900_000;
const offsets = new Map<string, number | null>();
const intlOffsetMs = (start: number, timeZone: string) => asUtc(intlWallClock(new Date(start), timeZone)) - start;
function cachedOffset(key: string, compute: () => number | null): number | null {
  let offset = offsets.get(key);
  if (offset === undefined) {
    if (offsets.size >= 100_000) offsets.clear();
    offsets.set(key, (offset = compute()));
  }
  return offset;
}
function zoneOffsetMs(ms: number, timeZone: string): number {
  const day = Math.floor(ms / DAY_MS);
  const whole = cachedOffset(`${timeZone}|d${day}`, () => {
    const first = intlOffsetMs(day * DAY_MS, timeZone);
    return first === intlOffsetMs((day + 1) * DAY_MS - QUARTER_HOUR_MS, timeZone) ? first : null;
  });
  if (whole !== null) return whole;
  const q = Math.floor(ms / QUARTER_HOUR_MS);
  return cachedOffset(`${timeZone}|q${q}`, () => intlOffsetMs(q * QUARTER_HOUR_MS, timeZone))!;
}

export function wallClock(at: Date, timeZone: string): WallClock {
  const local = new Date(at.getTime() + zoneOffsetMs(at.getTime(), timeZone));
  return { year: local.getUTCFullYear(), month: local.getUTCMonth() + 1, day: local.getUTCDate(), hour: local.getUTCHours(), minute: local.getUTCMinutes() };
}
/** Minutes the zone is ahead of UTC at that instant. */
const offsetMinutes = (ms: number, timeZone: string) => (asUtc(wallClock(new Date(ms), timeZone)) - Math.floor(ms / 60_000) * 60_000) / 60_000;

/**
 * The instant the zone's clocks show `w`. In a DST gap (the time does not exist) the result is
 * shifted forward by the gap, as cron does. In an overlap (clocks fall back and show the time
 * twice) `pick` chooses: the earlier instant suits the start of something (a day starts the
 * first time midnight shows), the later one its end (quiet hours ending at 01:30 are not over
 * until the clock has shown 01:30 for the last time).
 */
export function zonedInstant(w: WallClock, timeZone: string, pick: 'earlier' | 'later' = 'earlier'): Date {
  const local = asUtc(w);
  const before = local - offsetMinutes(local - 86_400_000 / 2, timeZone) * 60_000;
  const after = local - offsetMinutes(local + 86_400_000 / 2, timeZone) * 60_000;
  const matches = (ms: number) => asUtc(wallClock(new Date(ms), timeZone)) === local;
  const candidates = [before, after].filter(matches).sort((a, b) => a - b);
  const chosen = pick === 'earlier' ? candidates[0] : candidates.at(-1);
  return new Date(chosen ?? Math.max(before, after));
}

/** The calendar date `days` after the given one (pure date arithmetic, no zone). */
export function addCalendarDays(w: WallClock, days: number): WallClock {
  const d = new Date(Date.UTC(w.year, w.month - 1, w.day + days));
  return { ...w, year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

// ---- calendar dates in the shop's or customer's zone (loyalty months, birthdays) ----

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
  Math.round((Date.UTC(b.year, b.month - 1, b.day) - Date.UTC(a.year, a.month - 1, a.day)) / DAY_MS);

