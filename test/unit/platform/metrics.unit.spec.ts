import { afterEach, describe, expect, it, vi } from 'vitest';
import { METRICS_NAMESPACE, SendMetric, SKIP_REASON_DIMENSION, sendMetrics } from '../../../shared/platform/runtime/metrics.js';

/** The EMF documents written to stdout (what CloudWatch turns into metrics). */
function captureEmf() {
  const lines: Record<string, unknown>[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    for (const line of String(chunk).split('\n').filter(Boolean)) {
      const doc = JSON.parse(line) as Record<string, unknown>;
      if (doc._aws) lines.push(doc);
    }
    return true;
  });
  return { lines, restore: () => spy.mockRestore() };
}

afterEach(() => vi.restoreAllMocks());

describe('Function: sendMetrics', () => {
  it('counts each outcome under its name with service=engage, and again by campaign and reason', () => {
    const emf = captureEmf();
    const m = sendMetrics();
    m.count('sent');
    m.count('sent');
    m.count('skipped', { campaign: 'win-back', reason: 'consent' });
    m.count('failed');
    m.publish();
    emf.restore();
    const byReason = emf.lines.find((l) => l[SKIP_REASON_DIMENSION] === 'consent')!;
    expect(byReason).toMatchObject({ service: 'engage', campaign: 'win-back', [SendMetric.skipped]: 1 });
    const totals = emf.lines.find((l) => SendMetric.sent in l)!;
    // Two counts in one document are a value array; CloudWatch sums it.
    expect(totals).toMatchObject({ service: 'engage', [SendMetric.sent]: [1, 1], [SendMetric.skipped]: 1, [SendMetric.failed]: 1 });
    expect((totals._aws as { CloudWatchMetrics: { Namespace: string; Dimensions: string[][] }[] }).CloudWatchMetrics[0]).toMatchObject({
      Namespace: METRICS_NAMESPACE,
      Dimensions: [['service']],
    });
  });

  it('writes nothing when nothing was counted', () => {
    const emf = captureEmf();
    sendMetrics().publish();
    emf.restore();
    expect(emf.lines).toEqual([]);
  });
});
