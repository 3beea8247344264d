/**
 * Model selection through the real handlers against DynamoDB Local: a simulated shop's refit
 * (scheduled handler) stores the chosen model with its hold-out errors and level cut points, the
 * sweep writes ranked levels and priorities from it, `engage model show` prints them; a refit
 * refused by the configured bound keeps the previous version (here a version 1 record from before
 * model selection, which the sweep still reads) and says why.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerModelCommands } from '../../cli/model.js';
import { refitRun, refitSteps } from '../support/refit.js';
import type { CustomerRecord } from '../../shared/customers/record.js';
import { COUNT_MODELS } from '../../shared/scoring/fit.js';
import { formatDay } from '../../shared/scoring/csv.js';
import { makeRng } from '../../shared/scoring/simulate.js';
import { simulateShop } from '../../shared/scoring/simulate-shop.js';
import { seedShop } from '../support/shop.js';
import { systemForTest, type TestSystem } from '../support/system.js';

const NOW = new Date('2026-11-22T02:00:00Z');
const SWEEP = new Date('2026-11-22T03:00:00Z');
const SHOP_DAYS = 400;
const shop = () => simulateShop({ model: 'mbgnbd', params: { r: 0.525, alpha: 6.183, a: 0.891, b: 1.614 } }, { customers: 1200, acquisitionDays: 250, endDay: SHOP_DAYS }, makeRng(2));
const quiet = { POWERTOOLS_METRICS_DISABLED: 'true' };
const LEVEL_RANK = { active: 0, 'at-risk': 1, churned: 2 } as const;

/** `engage model …` against the system's table, as a user's shell would run it (TABLE_NAME set). */
async function engageModel(sys: TestSystem, ...args: string[]): Promise<string> {
  process.env.TABLE_NAME = sys.tableName;
  let out = '';
  const program = new Command().exitOverride();
  registerModelCommands(program, { stdout: { write: (s: string) => (out += s) }, stderr: { write: () => true }, dynamodb: sys.dynamodb });
  await program.parseAsync(['model', ...args], { from: 'user' });
  return out;
}

async function allCustomers(sys: TestSystem): Promise<CustomerRecord[]> {
  const out: CustomerRecord[] = [];
  for (let segment = 0; segment < 2; segment++) {
    let cursor: Record<string, string> | undefined;
    do {
      const page = await sys.stores.customers.scanCustomers({ segment, totalSegments: 2, limit: 500, ...(cursor ? { cursor } : {}) });
      out.push(...page.customers);
      cursor = page.cursor;
    } while (cursor);
  }
  return out;
}

describe('refit with model selection, ranked levels, engage model show', () => {
  let sys: TestSystem;
  beforeAll(async () => {
    sys = await systemForTest(quiet);
    await seedShop(sys, 's', shop(), SHOP_DAYS, NOW);
  });
  afterAll(() => sys?.close());

  it('stores the chosen model with its hold-out errors by class and monotone cut points', async () => {
    const out = await refitRun(sys, NOW);
    expect(out).toMatchObject({ kind: 'updated', version: 1, customers: 1200, sampled: 1200 });
    // The purchase days ride on the customer items: one BatchGetItem per 100 sampled customers.
    expect((out as { dayReads: { queries: number; missing: number } }).dayReads).toMatchObject({ queries: 12, missing: 0 });
    const { params, lastRefit } = await sys.stores.scores.getStoreModel();
    const choice = params!.choice!;
    expect(COUNT_MODELS).toContain(choice.model);
    expect(params).toMatchObject({ version: 1, horizonDays: 90, gammaGamma: expect.any(Object) });
    expect(choice.selection.candidates.map((c) => c.model)).toEqual([...COUNT_MODELS]);
    expect(choice.selection.candidates.every((c) => c.byClass.length === 8)).toBe(true);
    expect(choice.selection.bound).toBe(0.2);
    const [a, r, c] = choice.thresholdFit!.returnRates;
    expect(a > r && r > c).toBe(true);
    expect(choice.thresholds).toMatchObject({ rankBy: 'expected' });
    expect(lastRefit).toMatchObject({ outcome: 'updated', currentVersion: 1, reasons: [] });
  }, 60_000);

  it('the sweep writes levels ranked by expected purchases and the priority CLV × P(lapse)', async () => {
    await sys.sweep(SWEEP);
    const model = (await sys.stores.scores.getStoreModel()).params!.choice!.model;
    const scored = (await allCustomers(sys)).filter((c) => c.prediction);
    expect(scored).toHaveLength(1200);
    for (const c of scored) {
      expect(c.risk?.method).toBe('model');
      expect(c.prediction).toMatchObject({ model, modelVersion: 1, horizonDays: 90 });
      expect(c.prediction!.pLapse).toBeGreaterThanOrEqual(0);
      expect(c.prediction!.pLapse).toBeLessThanOrEqual(1);
      expect(c.prediction!.priority).toBeCloseTo(c.prediction!.clv12m! * c.prediction!.pLapse!, 1);
    }
    // A customer expected to buy more is never at a worse level.
    scored.sort((x, y) => y.prediction!.expectedPurchases! - x.prediction!.expectedPurchases!);
    for (let i = 1; i < scored.length; i++) expect(LEVEL_RANK[scored[i]!.risk!.level]).toBeGreaterThanOrEqual(LEVEL_RANK[scored[i - 1]!.risk!.level]);
    expect(new Set(scored.map((c) => c.risk!.level))).toEqual(new Set(['active', 'at-risk', 'churned']));
  }, 120_000);

  it('engage model show prints the choice, its selection errors and the cut points; its params file feeds model score', async () => {
    const { params } = await sys.stores.scores.getStoreModel();
    const text = await engageModel(sys, 'show');
    expect(text).toContain(`Model version 1 (fitted ${NOW.toISOString()}): ${params!.choice!.model}`);
    expect(text).toMatch(/Selection on the hold-out \d{4}-\d{2}-\d{2}\.\.2026-11-22 \(\d+ days\), bound ±20\.0%/);
    expect(text).toMatch(new RegExp(`${params!.choice!.model} \\*`));
    // the earlier hold-out (rolling origin) ends where the latest begins
    expect(text).toMatch(new RegExp(`model\\s+converged\\s+error\\s+class error\\s+to ${formatDay(params!.choice!.selection.cutDay)}\\s+x=0`));
    expect(text).toMatch(new RegExp(`${params!.choice!.model} \\*\\s+yes\\s+-?[\\d.]+%\\s+[\\d.]+%\\s+-?[\\d.]+% ± [\\d.]+%`));
    expect(text).toMatch(/Levels: E\[X\(h\)\], h = \d+ days: active ≥ [\d.]+, at-risk ≥ [\d.]+; hold-out return rates/);
    expect(text).toMatch(/Base statistics .*Kaplan–Meier/);
    expect(text).toContain(`Last refit ${NOW.toISOString()}: accepted, version 1`);
    expect(JSON.parse(await engageModel(sys, 'show', '--json')).params.version).toBe(1);

    const dir = mkdtempSync(join(tmpdir(), 'model-show-'));
    const file = join(dir, 'current.json');
    await engageModel(sys, 'show', '--output', file);
    writeFileSync(join(dir, 'one.csv'), 'customer_id,x,t_x,T,zbar\na,2,10,20,30\n');
    const csv = await engageModel(sys, 'score', '--input', join(dir, 'one.csv'), '--params', file, '--horizon', '13');
    expect(csv.split('\n')[0]).toBe('customer_id,p_alive,expected_purchases,expected_avg_value,clv,p_lapse,level');
  }, 60_000);
});

describe('a refit refused by the configured bound', () => {
  let sys: TestSystem;
  beforeAll(async () => {
    // No model can forecast within ±0.1 % beyond its own standard error: every refit is refused.
    sys = await systemForTest({ ...quiet, REFIT_HOLDOUT_BOUND: '0.001' });
    await seedShop(sys, 'r', shop(), SHOP_DAYS, NOW);
  });
  afterAll(() => sys?.close());

  it('keeps the previous version (one stored before model selection), says why, and a later accepted refit rewrites the predictions', async () => {
    const { scores } = sys.stores;
    // Given a version 1 record as stored before model selection (Pareto/NBD, no choice)
    expect(await scores.putModelParams({
      version: 1, fittedAt: '2026-11-15T02:00:00Z', paretoNbd: { r: 0.55, alpha: 10.5, s: 0.6, beta: 11.7 }, gammaGamma: { p: 6.25, q: 3.74, v: 15.44 },
      fit: { customers: 1200, repeatBuyers: 500, logLikelihood: -5000, gradNorm: 1e-7 },
    })).toBe(true);
    await sys.sweep(SWEEP);
    expect((await sys.stores.customers.getCustomer('r0'))?.prediction).toMatchObject({ modelVersion: 1 });

    // When the scheduled refit runs with the bound from its configuration
    const out = await refitRun(sys, NOW);
    expect(out).toMatchObject({ kind: 'kept', reasons: expect.arrayContaining([expect.stringMatching(/misses the hold-out by .*bound ±0\.1%/)]) });
    const stored = await scores.getStoreModel();
    expect(stored.params?.version).toBe(1);
    expect(stored.lastRefit).toMatchObject({ outcome: 'kept', currentVersion: 1, choice: { selection: { bound: 0.001 } } });
    const text = await engageModel(sys, 'show');
    expect(text).toMatch(/Model version 1 .*pareto-nbd, stored before model selection/);
    expect(text).toMatch(/Last refit .*: refused, version 1 stays/);
    expect(text).toMatch(/ {2}- \S+ misses the hold-out by/);

    // A refit within the bound makes version 2, and the next sweep rewrites every prediction once
    expect(await refitSteps(sys.stores, new Date(NOW.getTime() + 1000), { sampleLimit: 10_000, bound: 0.2, horizonDays: 90 })).toMatchObject({ kind: 'updated', version: 2 });
    await sys.sweep(new Date(SWEEP.getTime() + 86_400_000));
    const customers = await allCustomers(sys);
    expect(customers.filter((c) => c.prediction?.modelVersion === 2)).toHaveLength(1200);
  }, 180_000);
});
