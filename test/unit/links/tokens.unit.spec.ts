import { describe, expect, it } from 'vitest';
import { Campaign } from '../../../shared/campaigns/schema.js';
import { buildLinks, listUnsubscribeHeaders } from '../../../shared/links/links.js';
import { signToken, verifyToken, type TokenKeyring } from '../../../shared/links/token.js';

const key = (kid: string, fill: number) => ({ kid, secret: new Uint8Array(32).fill(fill) });
const ring: TokenKeyring = { current: key('k2', 2), previous: [key('k1', 1)] };
const now = new Date('2026-05-10T00:00:00Z');
const days = (n: number) => new Date(now.getTime() + n * 86_400_000);
const unsub = signToken('unsubscribe', { sub: 'cus-1', ref: 'win-back' }, ring, now);

describe('signed link tokens', () => {
  it('verify with their purpose and carry the opaque customer id', () => {
    expect(verifyToken('unsubscribe', unsub, ring, days(1))).toEqual({
      kind: 'ok', claims: { purpose: 'unsubscribe', sub: 'cus-1', ref: 'win-back', iat: now.getTime() / 1000, exp: now.getTime() / 1000 + 400 * 86_400 },
    });
    expect(unsub).toMatch(/^k2\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
  });
  it('a survey token cannot unsubscribe (purpose-separated keys)', () => {
    const survey = signToken('survey', { sub: 'cus-1' }, ring, now);
    expect(verifyToken('unsubscribe', survey, ring, now)).toEqual({ kind: 'invalid' });
    expect(verifyToken('survey', unsub, ring, now)).toEqual({ kind: 'invalid' });
  });
  it('rejects any single changed character', () => {
    for (let i = 0; i < unsub.length; i++) {
      if (unsub[i] === '.') continue;
      const tampered = unsub.slice(0, i) + (unsub[i] === 'A' ? 'B' : 'A') + unsub.slice(i + 1);
      expect(verifyToken('unsubscribe', tampered, ring, now).kind, `position ${i}`).toBe('invalid');
    }
  });
  it('rejects truncated tokens and junk', () => {
    for (const t of [unsub.slice(0, -1), unsub.slice(0, -10), unsub.split('.').slice(0, 2).join('.'), '', '...', `${unsub}.x`, `${unsub}=`]) {
      expect(verifyToken('unsubscribe', t, ring, now)).toEqual({ kind: 'invalid' });
    }
  });
  it('rejects a forged payload signed with another secret', () => {
    const forged = signToken('unsubscribe', { sub: 'cus-2' }, { current: key('k2', 9) }, now);
    expect(verifyToken('unsubscribe', forged, ring, now)).toEqual({ kind: 'invalid' });
  });
  it('unsubscribe links work well past 30 days (CAN-SPAM) and expire at 400 days', () => {
    expect(verifyToken('unsubscribe', unsub, ring, days(399)).kind).toBe('ok');
    expect(verifyToken('unsubscribe', unsub, ring, days(400)).kind).toBe('expired');
  });
  it('survey tokens expire after 30 days by default', () => {
    const t = signToken('survey', { sub: 'cus-1' }, ring, now);
    expect(verifyToken('survey', t, ring, days(29)).kind).toBe('ok');
    expect(verifyToken('survey', t, ring, days(30))).toMatchObject({ kind: 'expired', claims: { sub: 'cus-1' } });
  });
  it('after rotation, tokens of the previous key still verify; retired keys do not', () => {
    const old = signToken('unsubscribe', { sub: 'cus-1' }, { current: key('k1', 1) }, now);
    expect(verifyToken('unsubscribe', old, ring, now).kind).toBe('ok');
    expect(verifyToken('unsubscribe', old, { current: key('k2', 2) }, now).kind).toBe('invalid');
  });
});

describe('buildLinks and one-click headers', () => {
  const campaign = Campaign.parse({
    id: 'post-delivery-survey', name: 'S', trigger: { type: 'order-delivered', delayHours: 72 }, survey: { kind: 'csat' },
    templates: { en: { subject: 's', mjml: '<mjml></mjml>', text: 't' } },
  });
  const links = buildLinks('https://engage.example.com/', 'cus-1', campaign, 'A1001', ring, now);
  it('builds an unsubscribe URL and one rating URL per CSAT score', () => {
    const token = links.unsubscribe.replace('https://engage.example.com/u/', '');
    expect(verifyToken('unsubscribe', token, ring, now)).toMatchObject({ kind: 'ok', claims: { sub: 'cus-1', ref: 'post-delivery-survey' } });
    expect(links.survey.map((l) => l.score)).toEqual([1, 2, 3, 4, 5]);
    expect(links.surveyByScore['5']).toBe(links.survey[4]!.url);
    const surveyToken = new URL(links.survey[0]!.url).pathname.replace('/s/', '');
    expect(verifyToken('survey', surveyToken, ring, now)).toMatchObject({ kind: 'ok', claims: { ref: 'post-delivery-survey:A1001' } });
  });
  it('never puts an email address into links', () => expect(JSON.stringify(links)).not.toMatch(/@/));
  it('produces RFC 8058 headers for https only', () => {
    expect(listUnsubscribeHeaders(links.unsubscribe)).toEqual({ 'List-Unsubscribe': `<${links.unsubscribe}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' });
    expect(() => listUnsubscribeHeaders('http://engage.example.com/u/x')).toThrow(/https/);
  });
});
