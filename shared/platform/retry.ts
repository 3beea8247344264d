/**
 * Optimistic concurrency, the one loop: read, decide, write conditionally; on a conflict (another
 * writer got there first) read and decide again. Bounded, so a hot customer cannot keep a record
 * spinning: after the last attempt the record is thrown back to its queue to be retried later.
 */
import { RetryableError } from './errors.js';

export const CONFLICT_ATTEMPTS = 8;

export const CONFLICT = Symbol('conflict');
export type Attempt<T> = T | typeof CONFLICT;

export async function retryOnConflict<T>(what: string, attempt: (n: number) => Promise<Attempt<T>>, attempts = CONFLICT_ATTEMPTS): Promise<T> {
  for (let n = 1; n <= attempts; n++) {
    const out = await attempt(n);
    if (out !== CONFLICT) return out;
  }
  throw new RetryableError(`${what}: gave up after ${attempts} conflicting attempts`);
}
