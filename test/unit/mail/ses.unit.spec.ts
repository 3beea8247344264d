import type { SESv2Client } from '@aws-sdk/client-sesv2';
import { describe, expect, it } from 'vitest';
import { SesMailer } from '../../../shared/mail/ses.js';
import { RetryableError } from '../../../shared/platform/errors.js';

/** An SES client that fails every send with the named service error (a pure unit seam). */
const failingWith = (name: string, httpStatusCode = 400) =>
  ({ send: async () => Promise.reject(Object.assign(new Error(name), { name, $metadata: { httpStatusCode } })) }) as unknown as SESv2Client;
const mail = { from: 'hello@maple-tea.cn', to: 'a@b.cn', subject: 's', html: '<p>h</p>', text: 't' };

describe('Class: SesMailer', () => {
  it('throws a paused configuration set as retryable: the mail waits for the resume instead of being recorded as refused', async () => {
    await expect(new SesMailer(failingWith('SendingPausedException')).send(mail)).rejects.toBeInstanceOf(RetryableError);
  });

  it('throws throttling as retryable and returns a rejection as an outcome', async () => {
    await expect(new SesMailer(failingWith('TooManyRequestsException', 429)).send(mail)).rejects.toBeInstanceOf(RetryableError);
    expect(await new SesMailer(failingWith('MessageRejected')).send(mail)).toEqual({ kind: 'rejected', reason: 'MessageRejected' });
  });
});
