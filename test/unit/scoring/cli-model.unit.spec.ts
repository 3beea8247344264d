import { describe, it, expect } from 'vitest';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { registerModelCommands } from '../../../cli/model.js';
import { makeRng, simulateBgNbd, addGammaGammaSpend, roundToDayWeeks } from '../../../shared/scoring/simulate.js';
import { simulateShop } from '../../../shared/scoring/simulate-shop.js';
import { formatDay } from '../../../shared/scoring/csv.js';

async function run(args: string[]): Promise<string> {
  let out = '';
  const program = new Command().exitOverride();
  registerModelCommands(program, { stdout: { write: (s: string) => (out += s) } });
  await program.parseAsync(args, { from: 'user' });
  return out;
}

describe('cli model', () => {
  const dir = mkdtempSync(join(tmpdir(), 'engage-model-'));
  const cols = addGammaGammaSpend({ p: 6, q: 4, v: 15 }, simulateBgNbd({ r: 0.5, alpha: 5, a: 0.7, b: 2.5 }, 1500, makeRng(1), { round: roundToDayWeeks }), makeRng(2));
  const lines = ['customer_id,x,t_x,T,zbar'];
  for (let i = 0; i < cols.n; i++) lines.push(`c${i},${cols.x[i]},${cols.tx[i]},${cols.T[i]},${cols.zbar![i]}`);
  const input = join(dir, 'summary.csv');
  writeFileSync(input, lines.join('\n'));

  it('fits and prints model, params, logLikelihood and n', async () => {
    const fit = JSON.parse(await run(['model', 'fit', '--model', 'bgnbd', '--input', input]));
    expect(Object.keys(fit.params)).toEqual(['r', 'alpha', 'a', 'b']);
    const mbg = JSON.parse(await run(['model', 'fit', '--model', 'mbgnbd', '--input', input]));
    expect(mbg.model).toBe('mbgnbd');
    expect(mbg.n).toBe(1500);
    expect(fit.n).toBe(1500);
    expect(fit.logLikelihood).toBeLessThan(0);
    const gg = JSON.parse(await run(['model', 'fit', '--model', 'gamma-gamma', '--input', input]));
    expect(gg.n).toBe(Array.from(cols.x).filter((x) => x > 0).length);
  });

  it('scores with CLV columns when Gamma-Gamma params are given', async () => {
    const bg = JSON.parse(await run(['model', 'fit', '--model', 'bgnbd', '--input', input]));
    const gg = JSON.parse(await run(['model', 'fit', '--model', 'gamma-gamma', '--input', input]));
    const params = join(dir, 'params.json');
    writeFileSync(params, JSON.stringify({ bgnbd: bg, 'gamma-gamma': gg.params }));
    const outFile = join(dir, 'scores.csv');
    await run(['model', 'score', '--input', input, '--params', params, '--model', 'bgnbd', '--horizon', '39', '--output', outFile]);
    const csv = readFileSync(outFile, 'utf8').trim().split('\n');
    expect(csv[0]).toBe('customer_id,p_alive,expected_purchases,expected_avg_value,clv');
    expect(csv).toHaveLength(1501);
    writeFileSync(params, JSON.stringify({ bgnbd: bg.params }));
    const noValue = await run(['model', 'score', '--input', input, '--params', params, '--model', 'bgnbd', '--horizon', '39']);
    expect(noValue.split('\n')[0]).toBe('customer_id,p_alive,expected_purchases');
  });

  it('summarizes a transaction log and reports bad rows by number', async () => {
    const tx = join(dir, 'tx.csv');
    writeFileSync(tx, 'customer_id,date,amount\na,1997-01-01,10\na,19970108,5\nb,1997-01-02,3\n');
    const out = await run(['model', 'summarize', '--transactions', tx, '--calibration-end', '1997-01-15', '--time-unit', 'days']);
    expect(out).toBe('customer_id,x,t_x,T,zbar\na,1,7,14,5\nb,0,0,13,0\n');
    writeFileSync(tx, 'customer_id,date,amount\na,1997-01-01,10\na,not-a-date,5\n');
    await expect(run(['model', 'summarize', '--transactions', tx, '--calibration-end', '1997-01-15'])).rejects.toThrow(/row 3: date/);
    await expect(run(['model', 'fit', '--model', 'nope', '--input', input])).rejects.toThrow(/--model must be one of/);
  });
});

describe('cli model: selection, evaluation and robust scoring', () => {
  const dir = mkdtempSync(join(tmpdir(), 'engage-model-eval-'));
  // a simulated shop's transaction log: MBG/NBD with the CDNOW estimates (BTYDplus via lifetimes)
  const shop = simulateShop({ model: 'mbgnbd', params: { r: 0.525, alpha: 6.183, a: 0.891, b: 1.614 } }, { customers: 3000, acquisitionDays: 150, endDay: 400 }, makeRng(3));
  const txLines = ['customer_id,date,amount'];
  shop.forEach((days, i) => days.forEach((d) => txLines.push(`c${i},${formatDay(d + 9862)},10`)));
  const txFile = join(dir, 'tx.csv');
  writeFileSync(txFile, txLines.join('\n'));

  it('prints the refit decision and writes a choice file that model score accepts', async () => {
    const choiceFile = join(dir, 'choice.json');
    const text = await run(['model', 'select', '--transactions', txFile, '--end', formatDay(250 + 9862), '--output', choiceFile]);
    expect(text).toMatch(/Model selection on the hold-out/);
    expect(text).toMatch(/bgnbd[\s\S]*mbgnbd[\s\S]*pareto-nbd/);
    expect(text).toMatch(/chosen: \S+ \(accepted\)|refused/);
    // every candidate is also shown on the hold-out before the latest one, unless --origins 1
    expect(text).toMatch(/class error\s+to \d{4}-\d{2}-\d{2}\s+x=0/);
    const single = await run(['model', 'select', '--transactions', txFile, '--end', formatDay(250 + 9862), '--origins', '1']);
    expect(single).toMatch(/class error\s+x=0/);
    await expect(run(['model', 'select', '--transactions', txFile, '--origins', '1.5'])).rejects.toThrow(/--origins must be a whole number/);
    const choice = JSON.parse(readFileSync(choiceFile, 'utf8'));
    const summary = join(dir, 'summary.csv');
    writeFileSync(summary, await run(['model', 'summarize', '--transactions', txFile, '--calibration-end', formatDay(250 + 9862)]));
    const csv = (await run(['model', 'score', '--input', summary, '--params', choiceFile, '--model', choice.model, '--horizon', '13'])).trim().split('\n');
    expect(csv[0]).toBe('customer_id,p_alive,expected_purchases,p_lapse,level');
    expect(csv.slice(1).every((l) => /,(active|at-risk|churned)$/.test(l))).toBe(true);
  });

  it('evaluates levels against the days-since-last-purchase baseline, as a table or JSON', async () => {
    const args = ['model', 'evaluate', '--transactions', txFile, '--calibration-end', formatDay(250 + 9862)];
    const text = await run(args);
    expect(text).toMatch(/AUC for "no purchase in the outcome window"/);
    expect(text).toMatch(/days since last purchase, cut alike/);
    const report = JSON.parse(await run([...args, '--json']));
    expect(report.rankings.map((r: { id: string }) => r.id)).toContain('recency');
    expect(report.forecasts).toHaveLength(3);
    await expect(run([...args.slice(0, 4), '--calibration-end', '1997-02-30'])).rejects.toThrow(/--calibration-end must be YYYY-MM-DD/);
  });

  it('scores every customer with parameters a young shop ran off to, and takes a fit output as --params', async () => {
    const params = join(dir, 'runoff.json');
    writeFileSync(params, JSON.stringify({ model: 'pareto-nbd', params: { r: 0.48, alpha: 9.4, s: 1.4e7, beta: 4.6e8 } }));
    const input = join(dir, 'all.csv');
    writeFileSync(input, await run(['model', 'summarize', '--transactions', txFile, '--calibration-end', formatDay(400 + 9862)]));
    let err = '';
    const program = new Command().exitOverride();
    let out = '';
    registerModelCommands(program, { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) } });
    await program.parseAsync(['model', 'score', '--input', input, '--params', params, '--model', 'pareto-nbd', '--horizon', '13'], { from: 'user' });
    const lines = out.trim().split('\n');
    expect(lines).toHaveLength(3001);
    expect(lines.slice(1).every((l) => l.split(',').slice(1).every((v) => Number.isFinite(Number(v)) && v !== ''))).toBe(true);
    expect(err).toBe('');
  });
});

/** Runs with stdout and stderr captured; `error` is the thrown message (main prints it and exits 1). */
async function runAll(args: string[]): Promise<{ out: string; err: string; error?: string }> {
  let out = '', err = '';
  const program = new Command().exitOverride();
  registerModelCommands(program, { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) } });
  try {
    await program.parseAsync(args, { from: 'user' });
    return { out, err };
  } catch (e) {
    return { out, err, error: (e as Error).message };
  }
}

describe('cli model: one naming scheme, fit files score reads, non-convergence fails', () => {
  const dir = mkdtempSync(join(tmpdir(), 'engage-model-files-'));
  const cols = addGammaGammaSpend({ p: 6, q: 4, v: 15 }, simulateBgNbd({ r: 0.5, alpha: 5, a: 0.7, b: 2.5 }, 1500, makeRng(11), { round: roundToDayWeeks }), makeRng(12));
  const input = join(dir, 'summary.csv');
  writeFileSync(input, ['customer_id,x,t_x,T,zbar', ...Array.from({ length: cols.n }, (_, i) => `c${i},${cols.x[i]},${cols.tx[i]},${cols.T[i]},${cols.zbar![i]}`)].join('\n'));

  it('the README steps work: fit --output for pareto-nbd and gamma-gamma, then score --params with both files', async () => {
    const pareto = join(dir, 'pareto.json'), gg = join(dir, 'gg.json');
    expect(await runAll(['model', 'fit', '--model', 'pareto-nbd', '--input', input, '--output', pareto])).toEqual({ out: '', err: '' });
    expect((await runAll(['model', 'fit', '--model', 'gamma-gamma', '--input', input, '--output', gg])).error).toBeUndefined();
    const scored = await runAll(['model', 'score', '--input', input, '--params', pareto, gg, '--horizon', '39']);
    expect(scored.err).toBe('');
    const lines = scored.out.trim().split('\n');
    expect(lines[0]).toBe('customer_id,p_alive,expected_purchases,expected_avg_value,clv');
    expect(lines).toHaveLength(1501);
    expect(lines.slice(1).every((l) => l.split(',').slice(1).every((v) => Number.isFinite(Number(v)) && v !== ''))).toBe(true);
  });

  it('reads the old spellings (paretoNbd, gammaGamma keys; --model paretonbd) with a deprecation note', async () => {
    const fit = JSON.parse((await runAll(['model', 'fit', '--model', 'pareto-nbd', '--input', input])).out);
    const gg = JSON.parse((await runAll(['model', 'fit', '--model', 'gamma-gamma', '--input', input])).out);
    const old = join(dir, 'old.json');
    writeFileSync(old, JSON.stringify({ paretoNbd: fit.params, gammaGamma: gg.params }));
    const r = await runAll(['model', 'score', '--input', input, '--params', old, '--model', 'paretonbd', '--horizon', '39']);
    expect(r.error).toBeUndefined();
    expect(r.err).toMatch(/deprecated: --model "paretonbd" is now "pareto-nbd"/);
    expect(r.err).toMatch(/deprecated: .*key "paretoNbd" is now "pareto-nbd"/);
    expect(r.err).toMatch(/deprecated: .*key "gammaGamma" is now "gamma-gamma"/);
    expect(r.out.split('\n')[0]).toBe('customer_id,p_alive,expected_purchases,expected_avg_value,clv');
    // The new keys, no note.
    writeFileSync(old, JSON.stringify({ 'pareto-nbd': fit.params, 'gamma-gamma': gg.params }));
    expect((await runAll(['model', 'score', '--input', input, '--params', old, '--model', 'pareto-nbd', '--horizon', '39'])).err).toBe('');
    expect((await runAll(['model', 'score', '--input', input, '--params', old, '--model', 'bgnbd', '--horizon', '39'])).error).toMatch(/no bgnbd params/);
  });

  it('warns on stderr and fails when a fit does not converge, still writing the parameters', async () => {
    // One-time buyers only: the dropout process is unidentified, the optimum lies on a boundary.
    const once = join(dir, 'once.csv');
    writeFileSync(once, ['customer_id,x,t_x,T', ...Array.from({ length: 300 }, (_, i) => `o${i},0,0,${10 + (i % 30)}`)].join('\n'));
    const out = join(dir, 'once.json');
    const r = await runAll(['model', 'fit', '--model', 'bgnbd', '--input', once, '--output', out]);
    expect(r.error).toMatch(/bgnbd did not converge/);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toMatchObject({ model: 'bgnbd', converged: false });
  });
});
