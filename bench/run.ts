// All speed benches: npm run bench (tsx bench/run.ts [name ...]). Prints figure / measured /
// target / pass per bench. These are figures, not timed tests: missing a target does not fail the
// run (exit 0); only a bench that throws makes the exit code non-zero.
//
// To add a bench, implement `Bench` (bench/bench.ts) and append it to BENCHES.
import { pathToFileURL } from 'node:url';
import { passes, type Bench, type BenchFigure } from './bench.js';
import { scoringBench } from './scoring.js';
import { runTemplateBench } from './templates.js';
import { loopBench } from './loop.js';
import { bundlesBench } from './bundles.js';
import { lanesBench } from './lanes.js';
import { sweepScaleBench } from './sweep-scale.js';
import { refitScaleBench } from './refit-scale.js';
import { sweepLocalBench } from './sweep-local.js';
import { recordResults } from './results.js';
import { importBench } from './import.js';
import { dynamodbCeilingBench } from './dynamodb-ceiling.js';
import { dynamodbOpsBench } from './dynamodb-ops.js';
import { ingestCostBench } from './ingest-cost.js';
import { flowCostBench } from './flow-cost.js';

const templateBench: Bench = {
  name: 'templates',
  async run() {
    const r = await runTemplateBench();
    return [
      { figure: 'personalised win-back emails rendered (1 core)', value: r.rendersPerSecond, unit: 'emails/s', target: 5000 },
      { figure: 'MJML compile + template checks, once per campaign', value: r.compileMs / 1000, unit: 's' },
    ];
  },
};

export type { Bench, BenchFigure } from './bench.js';

export const BENCHES: Bench[] = [scoringBench, templateBench, loopBench, bundlesBench, dynamodbCeilingBench, dynamodbOpsBench, importBench, ingestCostBench, flowCostBench, lanesBench, sweepScaleBench, refitScaleBench, sweepLocalBench];

function fmt(v: number): string {
  if (v === 0 || !Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  return a >= 1000 ? Math.round(v).toLocaleString('en-US') : a >= 1 ? v.toFixed(3) : v.toPrecision(3);
}

function row(cells: string[], widths: number[]): string {
  return cells.map((c, i) => (i === 0 || i === 1 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
}

export function formatTable(results: { bench: string; figures: BenchFigure[] }[]): string {
  const header = ['bench', 'figure', 'measured', 'target', 'pass'];
  const rows = results.flatMap(({ bench, figures }) =>
    figures.map((f) => {
      const ok = passes(f);
      const dir = (f.better ?? (f.unit.endsWith('/s') ? 'higher' : 'lower')) === 'higher' ? '≥' : '≤';
      return [
        bench,
        f.figure,
        `${fmt(f.value)} ${f.unit}`,
        f.target === undefined ? '—' : `${dir} ${f.target} ${f.unit}`,
        ok === undefined ? '' : ok ? 'yes' : 'NO',
      ];
    }),
  );
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [row(header, widths), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map((r) => row(r, widths))].join('\n');
}

export async function runBenches(names: string[] = []): Promise<number> {
  const chosen = names.length ? BENCHES.filter((b) => names.includes(b.name)) : BENCHES;
  const unknown = names.filter((n) => !BENCHES.some((b) => b.name === n));
  if (unknown.length) console.error(`unknown bench(es): ${unknown.join(', ')}; known: ${BENCHES.map((b) => b.name).join(', ')}`);
  const results: { bench: string; figures: BenchFigure[] }[] = [];
  let crashed = unknown.length > 0;
  for (const b of chosen) {
    const t0 = performance.now();
    try {
      results.push({ bench: b.name, figures: await b.run() });
      console.error(`${b.name}: done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    } catch (e) {
      crashed = true;
      console.error(`${b.name}: failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    }
  }
  console.log(formatTable(results));
  if (results.length) recordResults(results);
  return crashed ? 1 : 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'; // as npm start and the CLI
  process.exitCode = await runBenches(process.argv.slice(2));
}
