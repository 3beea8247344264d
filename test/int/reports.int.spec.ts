/**
 * The KPIs a marketer reads do not move under at-least-once delivery: a redelivered order, SES
 * repeating its delivery, open and click events, and the sweep run again for the same time leave
 * every number of the report as it was (real handlers, DynamoDB Local, the report's own source).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { putRaw, systemForTest, type TestSystem } from '../support/system.js';
import { driftingShopper, mailable, NOW } from '../support/win-back.js';
import { orderEvent } from '../support/events.js';
import { simulateEngagement } from '../../local/engagement-sim.js';
import { localKpiSource } from '../../local/console/index.js';

let sys: TestSystem;
beforeAll(async () => {
  vi.setSystemTime(NOW);
  sys = await systemForTest();
});
afterAll(() => sys?.close());

describe('KPIs under redelivery', () => {
  it('a redelivered order, repeated SES events and a re-run sweep change no KPI', async () => {
    const ids = Array.from({ length: 4 }, (_, i) => mailable(`kpi${i}-${sys.tag}-`));
    const lateOrder = orderEvent(ids[0]!, `${ids[0]}-late`, '2026-11-20T09:00:00Z', 80);
    await putRaw(sys, [...ids.flatMap((c) => driftingShopper(c)), lateOrder]);
    await sys.sweep(NOW);
    const later = new Date(NOW.getTime() + 3_600_000);
    await simulateEngagement(sys, { seed: 3, now: later });
    const read = () => localKpiSource(sys).kpis.readKpis({ now: later });
    const before = await read();
    const winBack = before.campaigns.find((c) => c.campaignId === 'win-back')!;
    expect(winBack).toMatchObject({ sent: 3 });
    // The counters are read: deliveries were reported for the mails that went out
    expect(winBack.delivered).toBeGreaterThan(0);
    expect(before.totals).toMatchObject({ orders: 13 });

    await putRaw(sys, [lateOrder, driftingShopper(ids[1]!)[1]!]);
    await simulateEngagement(sys, { seed: 3, now: later });
    await sys.sweep(NOW);

    expect(await read()).toEqual(before);
  }, 120_000);
});
