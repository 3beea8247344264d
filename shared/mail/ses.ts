/** Mailer over SES v2. Classifies SDK errors once: retryable ones are thrown, the rest returned. */
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { Mailer, MailResult, OutgoingMail } from './port.js';
import { RetryableError } from '../platform/errors.js';

// Everything else (MessageRejected, MailFromDomainNotVerified, AccountSuspended, BadRequest…)
// will fail the same way again, so retrying would only delay the dead-letter path.
// SendingPausedException: the configuration set was paused (the reputation guard, or by hand);
// the mail must wait for the resume (dead-letter queue, then redrive), not be recorded as refused.
const RETRYABLE = new Set(['TooManyRequestsException', 'LimitExceededException', 'ThrottlingException', 'InternalFailure', 'ServiceUnavailable', 'SendingPausedException']);

export class SesMailer implements Mailer {
  constructor(
    private readonly ses: SESv2Client,
    private readonly configurationSet?: string,
  ) {}

  async send(mail: OutgoingMail): Promise<MailResult> {
    try {
      const out = await this.ses.send(
        new SendEmailCommand({
          FromEmailAddress: mail.from,
          Destination: { ToAddresses: [mail.to] },
          ...(this.configurationSet ? { ConfigurationSetName: this.configurationSet } : {}),
          EmailTags: Object.entries(mail.tags ?? {}).map(([Name, Value]) => ({ Name, Value: sanitizeTag(Value) })),
          Content: {
            Simple: {
              Subject: { Data: mail.subject, Charset: 'UTF-8' },
              Body: { Html: { Data: mail.html, Charset: 'UTF-8' }, Text: { Data: mail.text, Charset: 'UTF-8' } },
              Headers: Object.entries(mail.headers ?? {}).map(([Name, Value]) => ({ Name, Value })),
            },
          },
        }),
      );
      if (!out.MessageId) throw new RetryableError('SES returned no MessageId');
      return { kind: 'sent', messageId: out.MessageId };
    } catch (e) {
      if (e instanceof RetryableError) throw e;
      const err = e as { name?: string; $retryable?: unknown; $metadata?: { httpStatusCode?: number } };
      const status = err.$metadata?.httpStatusCode ?? 0;
      if (RETRYABLE.has(err.name ?? '') || err.$retryable || status >= 500 || status === 0) {
        throw new RetryableError(`SES send failed: ${err.name ?? 'unknown'}`, { cause: e });
      }
      return { kind: 'rejected', reason: err.name ?? 'SESRejected' };
    }
  }
}

/** SES tag values allow only [A-Za-z0-9_.@-]. */
const sanitizeTag = (v: string): string => v.replace(/[^A-Za-z0-9_.@-]/g, '_').slice(0, 256);
