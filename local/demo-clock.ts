/**
 * The instant the demo runs at by default: the latest 10:00 in Shanghai (the demo shop's zone)
 * that has already passed, so runs on one day agree and nothing the demo generates lies in the
 * future (between 00:00 and 02:00 UTC, today's 10:00 in Shanghai is still ahead: yesterday's).
 */
import { DAY_MS } from '../shared/platform/time.js';

const TEN_IN_SHANGHAI_UTC = 'T02:00:00.000Z';

export function demoInstant(wallNow: Date): Date {
  const today = new Date(`${wallNow.toISOString().slice(0, 10)}${TEN_IN_SHANGHAI_UTC}`);
  return today.getTime() <= wallNow.getTime() ? today : new Date(today.getTime() - DAY_MS);
}
