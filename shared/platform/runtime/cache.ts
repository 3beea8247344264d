/**
 * A value read from elsewhere (a secret) with a time limit: re-read once it is older than `ttlMs`,
 * so a rotation reaches running containers without a deploy. Concurrent callers share one read; a
 * failed re-read keeps serving the last good value (and retries after `retryMs`), so an outage of
 * the source never fails a caller that already had a value — only the very first read can.
 */
import { systemClock, type Clock } from '../ports.js';

export interface CacheOptions {
  ttlMs: number;
  retryMs: number;
  clock?: Clock;
  /** Named in the warning a failed re-read logs. */
  what: string;
}

export interface Cached<T> {
  get(): Promise<T>;
}

export function cached<T>(load: () => Promise<T>, opts: CacheOptions): Cached<T> {
  const clock = opts.clock ?? systemClock;
  let current: { value: T } | undefined;
  let refreshAt = 0;
  let inFlight: Promise<T> | undefined;

  const refresh = async (): Promise<T> => {
    try {
      const value = await load();
      current = { value };
      refreshAt = clock().getTime() + opts.ttlMs;
      return value;
    } catch (e) {
      if (!current) throw e;
      // Imported here, on the rare failure path: importing the logger configures it from the
      // environment, and this module is loaded (via the keyring) before a runtime sets that up.
      const { logger } = await import('./logger.js');
      logger.warn(`${opts.what}: re-read failed; keeping the last good value`, { error: (e as Error).name, reason: (e as Error).message });
      refreshAt = clock().getTime() + opts.retryMs;
      return current.value;
    } finally {
      inFlight = undefined;
    }
  };

  return {
    get: () => (current && clock().getTime() < refreshAt ? Promise.resolve(current.value) : (inFlight ??= refresh())),
  };
}
