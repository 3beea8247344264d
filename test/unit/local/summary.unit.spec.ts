/** The demo's printed summary: the model in use by its name, and each flow's counters per step. */
import { describe, expect, it } from 'vitest';
import { formatSummary, summaryOf } from '../../../local/summary.js';
import { flowSummaryOf } from '../../../local/flows-demo.js';

const table = { customers: 3, buyers: 2, orders: 4, byRiskLevel: {}, byRiskMethod: {}, bySegment: {}, byCampaign: {}, byTier: {}, pointsIssued: 0, pointsBalance: 0 };
const base = {
  seed: 42, version: '0.1.0', now: '2026-12-01T02:00:00.000Z', startedAt: '2026-12-01T02:00:00.000Z', runSeconds: 1,
  imported: { customers: 3, orders: 4, items: 9, rows: 7, ordersPerSecond: 100 }, liveEvents: 0, deadLetters: 0, emailsSent: 0, stepsSeconds: {},
  table,
};

describe('demo summary', () => {
  it('names the model that won the hold-outs (not only Pareto/NBD)', () => {
    const s = summaryOf({ ...base, model: { kind: 'mbgnbd', version: 1, params: { r: 0.905, alpha: 13.239, a: 0.735, b: 1.284 } }, flows: {} });
    expect(formatSummary(s)).toContain('Model      MBG/NBD v1: r 0.905 · α 13.2 · a 0.735 · b 1.28');
    expect(formatSummary(summaryOf({ ...base, model: { kind: 'rule', why: 'too few repeat buyers' }, flows: {} }))).toContain('rule-based (too few repeat buyers)');
  });

  it('prints each flow: entered, waiting, done, exits by goal and each step\'s outcomes', () => {
    const flows = { 'abandoned-checkout': flowSummaryOf({ entered: 5, done: 3, waiting: 1, 'exit:ordered': 1, 'sent:reminder': 3, 'skipped:reminder': 1, 'sent:coupon': 2, 'ab:offer:a:n': 2, 'ab:offer:a:won': 1 }) };
    expect(flows['abandoned-checkout']).toEqual({ entered: 5, control: 0, waiting: 1, done: 3, exited: { ordered: 1 }, steps: { reminder: { sent: 3, skipped: 1 }, coupon: { sent: 2 } }, ab: { offer: { a: { recipients: 2, conversions: 1 } } } });
    expect(formatSummary(summaryOf({ ...base, model: {}, flows }))).toContain('abandoned-checkout: entered 5 · waiting 1 · done 3 · exited ordered 1 · reminder: sent 3 · skipped 1 · coupon: sent 2');
  });
});
