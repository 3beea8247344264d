/**
 * Campaigns through the real handlers and emulators. Scheduled runs: the audience (by RFM segment)
 * gets the mail once per run. Each block starts its own system (its own table) and pins the wall
 * clock to its own moment.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { putRaw, systemForTest, type TestSystem } from '../support/system.js';
import { mailTo } from '../support/mail.js';
import { orderEvent, profileEvent } from '../support/events.js';

// Dispatch judges quiet hours and caps at the real send moment: pin the wall clock (Date only).
beforeAll(() => void vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true }));
afterAll(() => void vi.useRealTimers());

describe('scheduled campaign (monthly-favourites)', () => {
  const RUN = new Date('2026-12-01T02:00:00Z'); // 10:00 in Shanghai
  let sys: TestSystem;

  beforeAll(async () => {
    vi.setSystemTime(RUN);
    sys = await systemForTest();
    const t = sys.tag;
    for (const [id, segment] of [[`champ-${t}`, 'Champions'], [`lost-${t}`, 'Lost']] as const) {
      await putRaw(sys, [profileEvent(id, { name: '林黛玉', locale: 'zh-CN' }), orderEvent(id, `${id}-o1`, '2026-11-25T10:00:00Z')]);
      // Segments come from the sweep; set them directly to keep this test about the scheduled run.
      await sys.stores.scores.putScores(id, undefined, { risk: { level: 'active', method: 'rule', since: RUN.toISOString(), lastOrderDay: '2026-11-25' }, segment });
    }
  });
  afterAll(() => sys?.close());
  afterEach(() => void vi.setSystemTime(RUN));

  it('mails the audience once per run, and nobody outside it', async () => {
    const t = sys.tag;
    const first = await sys.runScheduled('campaign-schedule', RUN, { campaignId: 'monthly-favourites' });
    expect(first).toMatchObject({ kind: 'published', members: 1 });
    // The schedule's retry of the same run changes nothing
    await sys.runScheduled('campaign-schedule', RUN, { campaignId: 'monthly-favourites' });
    const mails = await mailTo(`champ-${t}@example.com`);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toContain('本月精选');
    expect(await mailTo(`lost-${t}@example.com`)).toHaveLength(0);
  });

  it('caps marketing mail at one per 16 hours: a second run the same evening is skipped and recorded', async () => {
    const t = sys.tag;
    // Given the morning run's mail (the same run as above, if that ran: a repeated run changes nothing)
    await sys.runScheduled('campaign-schedule', RUN, { campaignId: 'monthly-favourites' });
    const evening = new Date('2026-12-01T08:00:00Z'); // 16:00 in Shanghai, 6 h after the first mail
    vi.setSystemTime(evening);
    await sys.runScheduled('campaign-schedule', evening, { campaignId: 'monthly-favourites' });
    expect(await mailTo(`champ-${t}@example.com`)).toHaveLength(1);
    const second = (await sys.stores.sends.listSends(`champ-${t}`)).find((r) => r.occurrence === `run:${evening.toISOString()}`);
    expect(second).toMatchObject({ status: 'skipped', reason: 'capped' });
  });

  it('ignores a run for a campaign that is not scheduled', async () => {
    expect(await sys.runScheduled('campaign-schedule', RUN, { campaignId: 'win-back' })).toEqual({ kind: 'skipped', reason: 'not-scheduled' });
  });
});
