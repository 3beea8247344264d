import { describe, it, expect } from 'vitest';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { registerModelCommands } from '../../../cli/model.js';
import { makeRng, simulateBgNbd, addGammaGammaSpend, roundToDayWeeks } from '../../../shared/scoring/simulate.js';

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
    expect(fit.n).toBe(1500);
    expect(fit.logLikelihood).toBeLessThan(0);
    const gg = JSON.parse(await run(['model', 'fit', '--model', 'gamma-gamma', '--input', input]));
    expect(gg.n).toBe(Array.from(cols.x).filter((x) => x > 0).length);
  });

  it('scores with CLV columns when Gamma-Gamma params are given', async () => {
    const bg = JSON.parse(await run(['model', 'fit', '--model', 'bgnbd', '--input', input]));
    const gg = JSON.parse(await run(['model', 'fit', '--model', 'gamma-gamma', '--input', input]));
    const params = join(dir, 'params.json');
    writeFileSync(params, JSON.stringify({ bgnbd: bg, gammaGamma: gg.params }));
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
