/**
 * Bulk runs through the local Step Functions (the stack's own definitions, executed with
 * aws-local-stepfunctions; each Task the real handler): a daily sweep fired twice for the same
 * scheduled time, at once and again later, is one execution that processes each segment once and
 * sends nothing twice; a new scheduled time is a new run.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { tasksOf } from '../../shared/platform/contracts/functions.js';
import { putRaw, systemForTest, type TestSystem } from '../support/system.js';
import { mailTo } from '../support/mail.js';
import { driftingShopper, mailable, NOW } from '../support/win-back.js';

let sys: TestSystem;
let ids: string[];

beforeAll(async () => {
  vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
  vi.setSystemTime(NOW);
  sys = await systemForTest();
  ids = [0, 1, 2, 3, 4, 5].map((i) => mailable(`bulk${i}-${sys.tag}-`));
  await putRaw(sys, ids.flatMap((id) => driftingShopper(id)));
});
afterAll(async () => {
  await sys?.close();
  vi.useRealTimers();
});

describe('a bulk run fired twice for the same scheduled time', () => {
  it('is one execution that processes each segment once and mails each at-risk customer once', async () => {
    // When Scheduler delivers the same scheduled time twice at once, and once more after the run
    const [a, b] = await Promise.all([sys.runScheduled('sweep-start', NOW), sys.runScheduled('sweep-start', NOW)]);
    const again = await sys.runScheduled('sweep-start', NOW);
    const name = 'daily-sweep-20261120T100000Z';
    // Then every answer names the one run (a duplicate is told it already exists or is running)
    for (const r of [a, b, again]) expect(r).toMatchObject({ run: name, segments: 4 });
    expect(again).toMatchObject({ outcome: 'already' });
    expect([...sys.stepFunctions.executions.keys()].filter((n) => n.startsWith('daily-sweep-'))).toEqual([name]);
    expect(sys.stepFunctions.executions.get(name)?.status).toBe('SUCCEEDED');
    // and each Task started each segment exactly once
    const started = sys.stepFunctions.invocations.filter((i) => i.execution === name && !i.resumed);
    for (const fn of tasksOf('daily-sweep')) {
      expect(started.filter((i) => i.fn === fn).map((i) => i.segment).sort()).toEqual([0, 1, 2, 3]);
      // in a container of its own, as Lambda runs concurrent invocations (own clients, own sockets)
      expect(new Set(started.filter((i) => i.fn === fn).map((i) => i.container)).size).toBe(4);
    }
    // and each at-risk customer got exactly one win-back mail
    for (const id of ids) expect(await mailTo(`${id}@example.com`), id).toHaveLength(1);
    expect(sys.bus.deadLetters).toEqual([]);
  });

  it('a new scheduled time is a run of its own, which finds nothing new to send', async () => {
    const next = new Date(NOW.getTime() + 86_400_000);
    vi.setSystemTime(next);
    expect(await sys.runScheduled('sweep-start', next)).toMatchObject({ run: 'daily-sweep-20261121T100000Z', outcome: 'started' });
    expect(sys.stepFunctions.executions.get('daily-sweep-20261121T100000Z')?.status).toBe('SUCCEEDED');
    for (const id of ids) expect(await mailTo(`${id}@example.com`), id).toHaveLength(1);
  });
});
