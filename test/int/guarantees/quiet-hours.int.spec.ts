/**
 * Guarantee: quiet hours hold across daylight-saving changes in the customer's zone. When clocks
 * fall back, a quiet window that ends inside the repeated hour ends at the later of the two
 * instants showing that time, never early; through the real dispatch handler, in four zones
 * (New York, London, Sydney, and Lord Howe Island with its 30-minute shift).
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DetailType, ENGAGE_SOURCE } from '../../../shared/platform/contracts/events.js';
import { putRaw, systemForTest } from '../../support/system.js';
import { mailTo } from '../../support/mail.js';
import { profile, sendItem } from '../../support/guarantees.js';

let sys: Awaited<ReturnType<typeof systemForTest>>;

beforeAll(async () => {
  vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
  sys = await systemForTest({}, { campaignsDir: resolve(fileURLToPath(new URL('.', import.meta.url)), 'campaigns') });
});
afterAll(async () => {
  await sys?.close();
  vi.useRealTimers();
});

const scheduledSend = (campaignId: string, customerId: string, at: string) => ({
  source: ENGAGE_SOURCE,
  detailType: DetailType.CampaignScheduledSend,
  detail: { campaignId, customerId, scheduledTime: at },
});

describe('quiet hours when clocks fall back', () => {
  it.each([
    // zone, campaign (quiet 21:00 until …), now (local time in the repeated hour), expected end
    ['America/New_York', 'dst-early', '2026-11-01T06:10:00Z', '2026-11-01T06:45:00.000Z'], // 01:10 EST (second pass) → 01:45 EST
    ['America/New_York', 'dst-early', '2026-11-01T05:10:00Z', '2026-11-01T06:45:00.000Z'], // 01:10 EDT (first pass) → still 01:45 EST
    ['Europe/London', 'dst-early', '2026-10-25T01:10:00Z', '2026-10-25T01:45:00.000Z'], // 01:10 GMT → 01:45 GMT
    ['Australia/Sydney', 'dst-late', '2026-04-04T16:10:00Z', '2026-04-04T16:30:00.000Z'], // 02:10 AEST → 02:30 AEST
    ['Australia/Lord_Howe', 'dst-early', '2026-04-04T15:05:00Z', '2026-04-04T15:15:00.000Z'], // 01:35 +10:30 → 01:45 +10:30
  ])('%s: %s at %s waits until %s', async (timeZone, campaignId, now, expected) => {
    vi.setSystemTime(new Date(now));
    const id = `dst-${sys.tag}-${timeZone.replace(/\W/g, '')}-${now.slice(11, 13)}`;
    await putRaw(sys, [profile(id, { timeZone, occurredAt: '2026-01-01T00:00:00Z' })]);
    await putRaw(sys, [scheduledSend(campaignId, id, now)]);
    expect(await mailTo(`${id}@example.com`)).toHaveLength(0);
    expect(await sendItem(sys, id, campaignId, `run:${new Date(now).toISOString()}`)).toMatchObject({ status: 'deferred', reason: 'quiet-hours', until: expected });
  });
});
