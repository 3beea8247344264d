/** What may be sent again after an SES failure, and SES message tags that round-trip ids. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SESv2Client } from '@aws-sdk/client-sesv2';
import { classifySesError, SesMailer, THROTTLE_ATTEMPTS } from '../../../shared/mail/ses.js';
import { decodeTag, encodeTag } from '../../../shared/mail/tags.js';
import { ID_PATTERN } from '../../../shared/platform/contracts/primitives.js';

const answered = (name: string, status: number) => Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });
const network = (code: string, message = code) => Object.assign(new Error(message), { code, $metadata: {} });

describe('classifySesError', () => {
  it.each([
    ['throttled (429)', answered('TooManyRequestsException', 429), 'retry'],
    ['sending rate exceeded', answered('LimitExceededException', 400), 'retry'],
    ['refused for good', answered('MessageRejected', 400), 'rejected'],
    ['account paused', answered('SendingPausedException', 400), 'retry'],
    ['a 5xx answer: may have been accepted', answered('InternalFailure', 500), 'unknown'],
    ['connection refused: never left', network('ECONNREFUSED'), 'retry'],
    ['no socket within the connection timeout', Object.assign(new Error('@smithy/node-http-handler - the request socket did not establish a connection with the server within the configured timeout of 3000 ms.'), { name: 'TimeoutError' }), 'retry'],
    ['reset after the request was written', network('ECONNRESET', 'socket hang up'), 'unknown'],
    ['no reply within the request timeout', Object.assign(new Error('a request has exceeded the configured 10000 ms requestTimeout.'), { name: 'TimeoutError', code: 'ETIMEDOUT' }), 'unknown'],
    ['anything unrecognised', new Error('?'), 'unknown'],
  ])('%s → %s', (_, e, kind) => expect(classifySesError(e).kind).toBe(kind));
});

describe('SES message tags', () => {
  const ids = fc.stringMatching(/^[A-Za-z0-9._:-]{1,128}$/).filter((s) => ID_PATTERN.test(s));
  it('use only the characters SES accepts and decode to the id', () => {
    fc.assert(
      fc.property(ids, (id) => {
        const tag = encodeTag(id);
        return /^[A-Za-z0-9_-]{1,256}$/.test(tag) && decodeTag(tag) === id;
      }),
    );
  });
  it('leave plain ids readable', () => {
    expect(encodeTag('c-00042')).toBe('c-00042');
    expect(encodeTag('shop:42.a')).toBe('shop_3A42_2Ea');
  });
});

describe('Class: SesMailer', () => {
  /** An SES client that fails every send with the named service error (a pure unit seam). */
  const failingWith = (name: string, httpStatusCode = 400) => {
    let calls = 0;
    const client = { send: async () => (calls++, Promise.reject(Object.assign(new Error(name), { name, $metadata: { httpStatusCode } }))) } as unknown as SESv2Client;
    return { client, calls: () => calls };
  };
  const mail = { from: 'hello@maple-tea.cn', to: 'a@b.cn', subject: 's', html: '<p>h</p>', text: 't' };

  it('hands a paused configuration set back as a retry that waits for the resume, not as a refusal', async () => {
    const ses = failingWith('SendingPausedException');
    expect(await new SesMailer(ses.client).send(mail)).toEqual({ kind: 'retry', reason: 'SendingPausedException', paused: true });
    expect(ses.calls()).toBe(1);
  });

  it('tries a throttled send again in-process before handing it back, and returns a rejection as an outcome', async () => {
    const ses = failingWith('TooManyRequestsException', 429);
    expect(await new SesMailer(ses.client).send(mail)).toEqual({ kind: 'retry', reason: 'TooManyRequestsException' });
    expect(ses.calls()).toBe(THROTTLE_ATTEMPTS);
    expect(await new SesMailer(failingWith('MessageRejected').client).send(mail)).toEqual({ kind: 'rejected', reason: 'MessageRejected' });
  });
});
