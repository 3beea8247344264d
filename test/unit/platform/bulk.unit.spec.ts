/** Bulk runs without AWS: segment counts from the base size, execution names from the scheduled time. */
import { describe, expect, it } from 'vitest';
import { bulkRunInput, runName, segmentCount, startBulkRun, type BulkRunInput, type BulkRunStarter } from '../../../shared/platform/bulk.js';

describe('segmentCount', () => {
  it('is the configured minimum for a small base, one per 25k customers above it, at most 1000', () => {
    expect([0, 1_000, 100_000, 1_000_000, 10_000_000, 100_000_000].map((n) => segmentCount(n, 4))).toEqual([4, 4, 4, 40, 400, 1000]);
    expect(segmentCount(10_000, 8)).toBe(8);
  });
});

describe('runName', () => {
  it('is the job and the scheduled instant, so the same schedule fired twice names the same execution', () => {
    expect(runName('daily-sweep', '2026-12-01T03:00:00Z')).toBe('daily-sweep-20261201T030000Z');
    // The same instant written with an offset is the same run
    expect(runName('daily-sweep', '2026-12-01T11:00:00+08:00')).toBe(runName('daily-sweep', '2026-12-01T03:00:00.000Z'));
    expect(runName('daily-sweep', '2026-12-02T03:00:00Z')).not.toBe(runName('daily-sweep', '2026-12-01T03:00:00Z'));
  });

  it('keeps to Step Functions names (≤ 80 of [A-Za-z0-9_-]) for any campaign id, and two long ids stay apart', () => {
    const a = runName('campaign-run', '2026-12-01T02:00:00Z', `${'x'.repeat(90)}-a`);
    const b = runName('campaign-run', '2026-12-01T02:00:00Z', `${'x'.repeat(90)}-b`);
    for (const n of [a, b, runName('campaign-run', '2026-12-01T02:00:00Z', 'spring.sale/2026')]) expect(n).toMatch(/^[A-Za-z0-9_-]{1,80}$/);
    expect(a).not.toBe(b);
    expect(runName('campaign-run', '2026-12-01T02:00:00Z', 'monthly-favourites')).toBe('campaign-run-monthly-favourites-20261201T020000Z');
  });
});

describe('startBulkRun', () => {
  it('starts one execution named by the scheduled time, over segments that cover 0..n-1 once each', async () => {
    const started: Array<{ name: string; input: BulkRunInput }> = [];
    const starter: BulkRunStarter = {
      start: async (_job, name, input) => {
        if (started.some((s) => s.name === name)) return 'already';
        started.push({ name, input });
        return 'started';
      },
    };
    const run = { job: 'daily-sweep' as const, scheduledTime: '2026-12-01T03:00:00Z', baseSize: 1_000_000, minSegments: 4 };
    expect(await startBulkRun(starter, run)).toEqual({ run: 'daily-sweep-20261201T030000Z', outcome: 'started', segments: 40 });
    expect(await startBulkRun(starter, run)).toMatchObject({ outcome: 'already' });
    expect(started).toHaveLength(1);
    expect(started[0]!.input.segments.map((s) => s.segment)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(new Set(started[0]!.input.segments.map((s) => s.totalSegments))).toEqual(new Set([40]));
    expect(bulkRunInput('campaign-run', '2026-12-01T02:00:00Z', 2, { campaignId: 'c-1' }).segments[1]).toEqual({ job: 'campaign-run', runKey: '2026-12-01T02:00:00.000Z', scheduledTime: '2026-12-01T02:00:00.000Z', segment: 1, totalSegments: 2, campaignId: 'c-1' });
  });
});
