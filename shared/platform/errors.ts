/** Thrown for failures worth retrying (throttling, timeouts, 5xx): the platform redelivers. */
export class RetryableError extends Error {
  override name = 'RetryableError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
