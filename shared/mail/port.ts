/** Sending mail (SesMailer in ./ses.ts). Non-retryable failures come back as values; retryable ones are thrown. */
export interface OutgoingMail {
  to: string;
  from: string;
  subject: string;
  html: string;
  text: string;
  headers?: Record<string, string>;
  /** SES message tags: carry ids out and back through SES events. */
  tags?: Record<string, string>;
}

export type MailResult = { kind: 'sent'; messageId: string } | { kind: 'rejected'; reason: string };

export interface Mailer {
  send(mail: OutgoingMail): Promise<MailResult>;
}
