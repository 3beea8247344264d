/**
 * The weekly-report function through the local runtime, with its own environment from the
 * manifest: the week's report lands in its archive (a folder locally, the bucket in AWS) and the
 * digest reaches the marketer through the SES emulator, once, however often the run is repeated.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { putRaw, systemForTest, type TestSystem } from '../support/system.js';
import { driftingShopper, mailable, NOW } from '../support/win-back.js';
import { mailTo } from '../support/mail.js';

let sys: TestSystem;
let marketer: string;
const MONDAY = new Date('2026-11-23T06:00:00Z');

beforeAll(async () => {
  vi.setSystemTime(NOW);
  const reportDir = mkdtempSync(join(tmpdir(), 'engage-weekly-int-'));
  marketer = `marketer-${Date.now()}@shop.example.com`;
  sys = await systemForTest({ REPORT_EMAIL: marketer }, { reportDir, campaignsDir: 'campaigns' });
});
afterAll(() => sys?.close());

describe('weekly-report', () => {
  it('archives the report of the week that ended and mails the digest once, also when the run repeats', async () => {
    const id = mailable(`wr-${sys.tag}-`);
    await putRaw(sys, driftingShopper(id));
    await sys.sweep(NOW);
    vi.setSystemTime(MONDAY);
    const first = await sys.runScheduled('weekly-report', MONDAY);
    expect(first).toMatchObject({ week: '2026-11-16', digest: 'sent' });
    const page = join(sys.settings.reportDir, 'reports/2026-11-16.html');
    expect(existsSync(page)).toBe(true);
    expect(readFileSync(page, 'utf8')).toContain('data-chart="funnel"');
    // with the Flows section of `engage report`: every configured flow by name
    expect(readFileSync(page, 'utf8')).toContain('<section id="flows">');
    expect(readFileSync(page, 'utf8')).toContain('Abandoned checkout');
    expect(await sys.runScheduled('weekly-report', MONDAY)).toMatchObject({ digest: 'already-sent' });
    const digests = await mailTo(marketer);
    expect(digests).toHaveLength(1);
    expect(digests[0]!.subject).toContain('week of 2026-11-16');
  }, 90_000);
});
