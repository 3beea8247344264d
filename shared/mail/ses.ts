/**
 * Mailer over SES v2, and the one place SDK errors are classified (see MailResult in ./port.ts).
 *
 * What may be sent again is decided by whether SES could have accepted the request:
 * - an answer from SES with a throttling error (429 TooManyRequestsException, "Maximum sending
 *   rate exceeded" LimitExceededException): not accepted → `retry`; tried again here a few times
 *   with backoff first;
 * - SendingPausedException (the configuration set was paused: the reputation guard, or by
 *   hand): not accepted, and it will be again once resumed → `retry` marked `paused`, so the send
 *   waits for the resume instead of being recorded as refused;
 * - any other 4xx answer: refused for good → `rejected`;
 * - no connection at all (refused, unresolvable, no socket within the connection timeout): the
 *   request never left → `retry`;
 * - everything else — the connection dropped after the request was written, no reply within the
 *   request timeout, a 5xx answer — may have been accepted → `unknown`, never sent again.
 * The client is built with maxAttempts 1 (platform/runtime/deps.ts): the SDK's own retries would
 * resend after a lost reply, which is exactly the duplicate this avoids.
 */
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { Mailer, MailResult, OutgoingMail } from './port.js';
import { encodeTag } from './tags.js';

const THROTTLING = new Set(['TooManyRequestsException', 'LimitExceededException', 'ThrottlingException', 'Throttling']);
const NEVER_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
/** @smithy/node-http-handler's message when no socket opened within connectionTimeout. */
const CONNECT_TIMEOUT = /did not establish a connection/;

type SdkError = { name?: string; code?: string; message?: string; $metadata?: { httpStatusCode?: number } };

export function classifySesError(e: unknown): Exclude<MailResult, { kind: 'sent' }> {
  const err = e as SdkError;
  const name = err.name ?? 'Error';
  const status = err.$metadata?.httpStatusCode;
  if (status !== undefined) {
    if (THROTTLING.has(name) || status === 429) return { kind: 'retry', reason: name };
    if (name === 'SendingPausedException') return { kind: 'retry', reason: name, paused: true };
    if (status >= 500) return { kind: 'unknown', reason: `${name}:${status}` };
    return { kind: 'rejected', reason: name };
  }
  if (NEVER_CONNECTED.has(err.code ?? '') || CONNECT_TIMEOUT.test(err.message ?? '')) return { kind: 'retry', reason: err.code ?? name };
  return { kind: 'unknown', reason: err.code ?? name };
}

/** In-process attempts for a throttled send before it is handed back as `retry`. */
export const THROTTLE_ATTEMPTS = 3;
const backoff = (attempt: number) => new Promise((ok) => setTimeout(ok, 100 * 2 ** attempt + Math.random() * 100));

export class SesMailer implements Mailer {
  constructor(
    private readonly ses: SESv2Client,
    private readonly configurationSet?: string,
    /** A send lane's pacing (platform/runtime/lane.ts): awaited before every SendEmail, each
     * in-process retry included; false means no slot within reach, so nothing is sent. */
    private readonly pace?: () => Promise<boolean>,
    private readonly onPaceError: (e: unknown) => void = () => undefined,
  ) {}

  async send(mail: OutgoingMail): Promise<MailResult> {
    for (let attempt = 1; ; attempt++) {
      // Nothing reached SES yet, so whatever goes wrong with the pace is safe to retry later.
      const paced = this.pace ? await this.pace().catch((e: unknown) => (this.onPaceError(e), 'failed' as const)) : true;
      if (paced !== true) return { kind: 'retry', reason: paced === 'failed' ? 'LaneUnavailable' : 'LaneSaturated' };
      const result = await this.sendOnce(mail);
      if (result.kind !== 'retry' || result.paused || attempt >= THROTTLE_ATTEMPTS) return result;
      await backoff(attempt);
    }
  }

  private async sendOnce(mail: OutgoingMail): Promise<MailResult> {
    try {
      const out = await this.ses.send(
        new SendEmailCommand({
          FromEmailAddress: mail.from,
          Destination: { ToAddresses: [mail.to] },
          ...(this.configurationSet ? { ConfigurationSetName: this.configurationSet } : {}),
          EmailTags: Object.entries(mail.tags ?? {}).map(([Name, Value]) => ({ Name, Value: encodeTag(Value) })),
          Content: {
            Simple: {
              Subject: { Data: mail.subject, Charset: 'UTF-8' },
              Body: { Html: { Data: mail.html, Charset: 'UTF-8' }, Text: { Data: mail.text, Charset: 'UTF-8' } },
              Headers: Object.entries(mail.headers ?? {}).map(([Name, Value]) => ({ Name, Value })),
            },
          },
        }),
      );
      // Accepted but unnamed: it may well go out, so it must not be sent again.
      return out.MessageId ? { kind: 'sent', messageId: out.MessageId } : { kind: 'unknown', reason: 'NoMessageId' };
    } catch (e) {
      return classifySesError(e);
    }
  }
}
