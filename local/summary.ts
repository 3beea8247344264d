/** What `npm start` prints at the end and writes to summary.json: counts by step, by campaign,
 * by risk level and tier, the model in use, and how long each step took. */
import type { TableReport } from './report.js';
import type { FlowSummary } from './flows-demo.js';

/** The table's read-back (./report.ts), plus how the run went. */
export interface DemoSummary extends TableReport {
  seed: number;
  version: string;
  /** The instant the demo runs at (history generated up to it, handlers' clock started there). */
  now: string;
  startedAt: string;
  runSeconds: number;
  imported: { customers: number; orders: number; items: number; rows: number; ordersPerSecond: number };
  liveEvents: number;
  deadLetters: number;
  model: Record<string, unknown>;
  emailsSent: number;
  /** From the process's start to the first email in the SES emulator (its clock counts whole seconds). */
  firstEmailSeconds?: number;
  stepsSeconds: Record<string, number>;
  /** Each flow: entered, sent per step, exited by goal, waiting. */
  flows: Record<string, FlowSummary>;
}

/** Floats as a person reads them: at most `digits` significant digits. */
export const roundTo = (v: number, digits = 4): number => (Number.isInteger(v) || !Number.isFinite(v) ? v : Number(v.toPrecision(digits)));

/** Every float in a JSON value rounded (the model's parameters would otherwise print 17 digits). */
export function rounded<T>(value: T, digits = 6): T {
  return JSON.parse(JSON.stringify(value, (_k, v: unknown) => (typeof v === 'number' ? roundTo(v, digits) : v))) as T;
}

export function summaryOf(parts: Omit<DemoSummary, keyof TableReport | 'model'> & { table: TableReport; model: Record<string, unknown> }): DemoSummary {
  const { table, ...rest } = parts;
  return rounded({ ...rest, ...table });
}

const n = (v: number) => v.toLocaleString('en-US');
const list = (m: Record<string, number>) =>
  Object.entries(m)
    .sort(([, a], [, b]) => b - a)
    .map(([k, v]) => `${k} ${n(v)}`)
    .join(' · ') || '—';

const MODEL_NAMES: Record<string, string> = { bgnbd: 'BG/NBD', mbgnbd: 'MBG/NBD', 'pareto-nbd': 'Pareto/NBD' };

/** The model in use as a line: which one won the hold-outs, its parameters, or why rules decide. */
function modelLine(model: Record<string, unknown>): string {
  const name = MODEL_NAMES[String(model.kind)];
  if (!name) return `rule-based (${String(model.why ?? 'no reliable fit yet')})`;
  const p = (model.params ?? {}) as Record<string, number>;
  const params = Object.entries(p).map(([k, v]) => `${k === 'alpha' ? 'α' : k === 'beta' ? 'β' : k} ${roundTo(v, 3)}`).join(' · ');
  const fit = model.fit as { customers?: number; repeatBuyers?: number } | undefined;
  return `${name} v${String(model.version)}: ${params}` + (fit ? ` (fitted on ${n(fit.customers ?? 0)} customers, ${n(fit.repeatBuyers ?? 0)} repeat buyers)` : '');
}

export function formatSummary(s: DemoSummary): string {
  const campaigns = Object.entries(s.byCampaign).sort(([a], [b]) => a.localeCompare(b));
  const width = Math.max(0, ...campaigns.map(([id]) => id.length));
  const lines = [
    `Engage demo · seed ${s.seed} · v${s.version} · at ${s.now.replace('T', ' ').slice(0, 16)} UTC`,
    `  Imported   ${n(s.imported.customers)} customers, ${n(s.imported.orders)} orders (${n(s.imported.items)} items) — ${n(s.imported.ordersPerSecond)} orders/s`,
    `  Live       ${n(s.liveEvents)} events of the last days through the bus and the handlers`,
    `  Customers  ${n(s.customers)} · buyers ${n(s.buyers)} · orders counted ${n(s.orders)}`,
    `  Model      ${modelLine(s.model)}`,
    `  Risk       ${list(s.byRiskLevel)}   (by ${list(s.byRiskMethod)})`,
    `  Segments   ${list(s.bySegment)}`,
    `  Tiers      ${list(s.byTier)} · points issued ${n(s.pointsIssued)} · on balances ${n(s.pointsBalance)}`,
    `  Campaigns  ${campaigns.length ? '' : '—'}`,
    ...campaigns.map(([id, c]) => `    ${id.padEnd(width)}  ${list(c)}`),
    `  Flows      ${Object.keys(s.flows).length ? '' : '—'}`,
    ...Object.entries(s.flows).map(([id, f]) => `    ${id}: entered ${n(f.entered)} · waiting ${n(f.waiting)} · done ${n(f.done)}${Object.keys(f.exited).length ? ` · exited ${list(f.exited)}` : ''}${Object.keys(f.steps).length ? ` · ${Object.entries(f.steps).map(([step, c]) => `${step}: ${list(c)}`).join(' · ')}` : ''}`),
    `  Emails     ${n(s.emailsSent)} sent · dead letters ${n(s.deadLetters)}${s.firstEmailSeconds === undefined ? '' : ` · the first ${s.firstEmailSeconds.toFixed(0)} s after start`}`,
    `  Steps      ${Object.entries(s.stepsSeconds).map(([k, v]) => `${k} ${v.toFixed(1)} s`).join(' · ')} · total ${s.runSeconds.toFixed(1)} s`,
  ];
  return lines.join('\n');
}
