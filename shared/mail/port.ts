/** Sending mail (SesMailer in ./ses.ts). Every outcome is a value: the caller records each one. */
export interface OutgoingMail {
  to: string;
  from: string;
  subject: string;
  html: string;
  text: string;
  headers?: Record<string, string>;
  /** SES message tags: carry ids out and back through SES events (encoded by ./tags.ts). */
  tags?: Record<string, string>;
}

/**
 * - sent: SES accepted it (the message id).
 * - rejected: SES answered and refused it for good (MessageRejected, a paused account…).
 * - retry: SES certainly did not take it (throttled, paused, or the connection never opened):
 *   safe to send again later.
 * - unknown: the request may have reached SES and no answer says what happened (reset after the
 *   request was written, a reply later than the timeout, a 5xx): sending again could duplicate
 *   the mail, so it is not sent again.
 */
export type MailResult =
  | { kind: 'sent'; messageId: string }
  | { kind: 'rejected'; reason: string }
  /** `paused`: the configuration set is paused; it accepts again only once resumed. */
  | { kind: 'retry'; reason: string; paused?: true }
  | { kind: 'unknown'; reason: string };

export interface Mailer {
  send(mail: OutgoingMail): Promise<MailResult>;
}

/** The send lanes' shared SES rate (DynamoSendRate in ./dynamodb.ts; pacing rules in ./pacing.ts). */
export interface SendRate {
  /** The schedule's next free instant, as last written (a hint: may be slightly stale). */
  peek(): Promise<number | undefined>;
  /** A slot of its own (SendEmail may start at `slotMs`), or how far ahead the schedule is. */
  take(nowMs: number, interval: number, maxAheadMs: number): Promise<import('./pacing.js').Take>;
}
