/** HMAC-SHA256 (base64) over the raw bytes, current or previous secret, constant-time compare. */
import { describe, expect, it } from 'vitest';
import { signBody, verifySignature } from '../../../shared/webhooks/signature.js';

const body = Buffer.from('{"id":4127,"total":"29.87"}');

describe('signBody', () => {
  it('is base64 of HMAC-SHA256 (RFC 4231 test case 2)', () => {
    expect(signBody(Buffer.from('what do ya want for nothing?'), 'Jefe')).toBe('W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM=');
  });
});

describe('verifySignature', () => {
  it('accepts the current secret (index 0) and the previous one (index 1)', () => {
    expect(verifySignature(body, signBody(body, 'current'), ['current', 'previous'])).toEqual({ ok: true, secretIndex: 0 });
    expect(verifySignature(body, signBody(body, 'previous'), ['current', 'previous'])).toEqual({ ok: true, secretIndex: 1 });
    expect(verifySignature(body, ` ${signBody(body, 'current')} `, ['current'])).toEqual({ ok: true, secretIndex: 0 });
  });

  it('refuses other secrets, other bytes, and the same JSON serialised differently', () => {
    const signature = signBody(body, 'current');
    expect(verifySignature(body, signature, ['other'])).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifySignature(Buffer.from('{"id":4127,"total":"2.87"}'), signature, ['current'])).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifySignature(Buffer.from('{"id": 4127, "total": "29.87"}'), signature, ['current'])).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('refuses missing and malformed headers without comparing', () => {
    expect(verifySignature(body, undefined, ['current'])).toEqual({ ok: false, reason: 'missing' });
    expect(verifySignature(body, '', ['current'])).toEqual({ ok: false, reason: 'missing' });
    const hex = Buffer.from(signBody(body, 'current'), 'base64').toString('hex');
    expect(verifySignature(body, hex, ['current'])).toEqual({ ok: false, reason: 'malformed' });
    expect(verifySignature(body, `sha256=${signBody(body, 'current')}`, ['current'])).toEqual({ ok: false, reason: 'malformed' });
  });

  it('never treats an empty secret as a key', () => {
    expect(verifySignature(body, signBody(body, ''), [''])).toEqual({ ok: false, reason: 'no-secret' });
    expect(verifySignature(body, signBody(body, ''), ['', 'current'])).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifySignature(body, signBody(body, 'current'), [])).toEqual({ ok: false, reason: 'no-secret' });
  });
});
