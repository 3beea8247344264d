/**
 * The errors the platform distinguishes. Expected outcomes (a skipped send, a duplicate event) are
 * returned values, never errors; what is thrown is either worth retrying or bad input.
 */

/** Thrown for failures worth retrying (throttling, timeouts, 5xx, lost races): the platform redelivers. */
export class RetryableError extends Error {
  override name = 'RetryableError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Input that will never succeed (not JSON, wrong shape, unknown type): it goes to the dead-letter path. */
export class MalformedEventError extends Error {
  override name = 'MalformedEventError';
}

/** A record a send lane held back in its queue for later (paused, quota, saturated): not a failure. */
export class HeldBackError extends Error {
  override name = 'HeldBackError';
}
