/** Wall-clock arithmetic in IANA time zones with Intl only (no tz database of our own). */

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

export function wallClock(at: Date, timeZone: string): WallClock {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(at)) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return { year: parts.year!, month: parts.month!, day: parts.day!, hour: parts.hour!, minute: parts.minute! };
}

const asUtc = (w: WallClock) => Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute);
/** Minutes the zone is ahead of UTC at that instant. */
const offsetMinutes = (ms: number, timeZone: string) => (asUtc(wallClock(new Date(ms), timeZone)) - Math.floor(ms / 60_000) * 60_000) / 60_000;

/**
 * The instant the zone's clocks show `w`. In a DST gap (the time does not exist) the result is
 * shifted forward by the gap, as cron does; in an overlap the earlier instant is returned.
 */
export function zonedInstant(w: WallClock, timeZone: string): Date {
  const local = asUtc(w);
  const before = local - offsetMinutes(local - 86_400_000 / 2, timeZone) * 60_000;
  const after = local - offsetMinutes(local + 86_400_000 / 2, timeZone) * 60_000;
  const matches = (ms: number) => asUtc(wallClock(new Date(ms), timeZone)) === local;
  const candidates = [before, after].filter(matches).sort((a, b) => a - b);
  return new Date(candidates[0] ?? Math.max(before, after));
}

/** The calendar date `days` after the given one (pure date arithmetic, no zone). */
export function addDays(w: WallClock, days: number): WallClock {
  const d = new Date(Date.UTC(w.year, w.month - 1, w.day + days));
  return { ...w, year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}
