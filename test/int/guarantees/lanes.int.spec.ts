/**
 * Guarantee: the send lanes keep SES within its rate and hold mail while SES cannot take it, and
 * nothing is lost or dead-lettered for it. Through the real campaign-dispatch and dispatch-due
 * handlers, DynamoDB Local and the SES emulator behind a proxy that plays an SES account: it
 * answers GetAccount, throttles every SendEmail above MaxSendRate in any second, and refuses all
 * while sending is disabled. Arrival times are taken at the proxy.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { putRaw } from '../../support/system.js';
import { mailTo } from '../../support/mail.js';
import { systemWithFaults, type FaultySystem } from '../../support/faults.js';
import { captureOutput, mailable, partition, placed, profile, riskChanged } from '../../support/guarantees.js';
import { manifest } from '../../../shared/platform/contracts/functions.js';

let sys: FaultySystem;
// 10:00 in London: outside quiet hours.
const T0 = new Date('2026-11-20T10:00:00Z');
const RATE = 10;
const open = { maxSendRate: RATE, max24HourSend: 100_000, sentLast24Hours: 0, sendingEnabled: true };
const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));

beforeAll(async () => {
  vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
  vi.setSystemTime(T0);
  // Holds of a second and an account read every second, so a paused lane is a fast test. Half
  // the rate: locally every function, both emulators and the other test files share two busy
  // cores, so the way from a slot to the proxy can take hundreds of milliseconds, far more than
  // in a Lambda container (see slackMs in mail/pacing.ts; at 80 % a full int run saw 5 calls over).
  sys = await systemWithFaults({ SES_RATE_SHARE: '0.5', LANE_PAUSE_HOLD_SECONDS: '1', LANE_QUOTA_HOLD_SECONDS: '1', SES_ACCOUNT_REFRESH_SECONDS: '1', POWERTOOLS_METRICS_DISABLED: 'false' });
  sys.ses.account = { ...open };
});
afterEach(() => {
  sys.ses.clear();
  sys.ses.account = { ...open };
});
afterAll(async () => {
  await sys?.close();
  vi.useRealTimers();
});

async function winBackCandidates(base: string, n: number): Promise<string[]> {
  const ids = Array.from({ length: n }, (_, i) => mailable('win-back', `${base}${i}-${sys.tag}-`));
  await putRaw(sys, ids.flatMap((id) => [profile(id), placed(id, `${id}-o1`, '2026-09-01T10:00:00Z')]));
  return ids;
}

describe('send lanes paced to SES', () => {
  it('sends a burst of 40 win-backs through a throttling SES never above its rate: each once, none lost, none dead-lettered', async () => {
    const ids = await winBackCandidates('burst', 40);
    const before = sys.ses.sendTimes.length;
    // Two more throttles on top of the rate, as SES gives now and then.
    sys.ses.next({ kind: 'throttle' }, { kind: 'throttle' });
    await putRaw(sys, ids.map((id) => riskChanged(id, T0)));
    // Whatever SES still refused is deferred, and goes out when due.
    for (let run = 1; run <= 3; run++) {
      const later = new Date(T0.getTime() + run * 20 * 60_000);
      vi.setSystemTime(later);
      await sys.runScheduled('dispatch-due', later);
    }
    for (const id of ids) expect(await mailTo(`${id}@example.com`)).toHaveLength(1);
    expect(sys.bus.deadLetters).toEqual([]);
    expect(sys.ses.sendTimes.length - before).toBeGreaterThanOrEqual(40);
    expect(sys.ses.overRate).toBe(0);
    expect(sys.ses.maxPerSecond()).toBeLessThanOrEqual(RATE);
    // No more dispatchers at once than the bulk lane allows.
    expect(sys.bus.queues.get('CampaignTriggers')!.maxInFlight).toBeLessThanOrEqual(manifest['campaign-dispatch'].trigger.routes[0].lane.maxConcurrency);
  }, 180_000);

  it.each([
    ['sending is paused', { sendingEnabled: false }, 'lane-paused'],
    ['the daily quota is used up', { sentLast24Hours: 100_000 }, 'lane-quota'],
  ] as const)('holds mail in its lane while %s, records nothing, never dead-letters it, and sends it once SES takes mail again', async (_, account, reason) => {
    const ids = await winBackCandidates(reason, 3);
    sys.ses.account = { ...open, ...account };
    // Past the account cache's refresh, so the lane sees the paused account.
    await sleep(1_100);
    const out = captureOutput();
    const requests = sys.ses.sendTimes.length;
    try {
      for (const id of ids) sys.bus.deliver(riskChanged(id, T0).source, riskChanged(id, T0).detailType, riskChanged(id, T0).detail);
      // Long enough for each record to be held more often than the queue's maxReceiveCount (5).
      await sleep(9_000);
      expect(sys.ses.sendTimes.length).toBe(requests);
      // Not even claimed: the lane held the records before dispatch.
      for (const id of ids) expect((await partition(sys, id)).filter((i) => String(i.sk).startsWith('SEND#'))).toEqual([]);
      expect(sys.bus.deadLetters).toEqual([]);
      expect(out.metrics().filter((m) => m.name === 'MailDeferred' && m.dimensions.reason === reason).length).toBeGreaterThanOrEqual(3 * 5);
    } finally {
      out.restore();
    }
    sys.ses.account = { ...open };
    await sleep(1_100);
    await sys.bus.idle();
    for (const id of ids) expect(await mailTo(`${id}@example.com`)).toHaveLength(1);
    expect(sys.bus.deadLetters).toEqual([]);
  });
});
