/**
 * The demo's flows: after the live days, the clock is moved forward through the next three days
 * and the real due job runs at each stop (as its 15-minute schedule would), so abandoned-checkout
 * reminders, welcome mails and deferred sends go out; then each flow's counters are read back
 * (entered, sent per step, exited by goal, waiting) for the summary.
 */
import { runClockFrom } from '../shared/platform/ports.js';
import type { CompiledFlow } from '../shared/flows/compile.js';
import type { FlowCounts } from '../shared/flows/port.js';
import type { LocalSystem } from './system.js';

const HOUR = 3_600_000;
/** Stops of the fast-forward: just after the checkout reminders' hour, half a day, then daily for 3 days. */
export const FAST_FORWARD_HOURS = [1.1, 12, 24.2, 48.2, 72.2];

export async function fastForwardFlows(sys: LocalSystem, now: Date, onStop: (hours: number) => void = () => {}): Promise<Date> {
  let t = now;
  for (const h of FAST_FORWARD_HOURS) {
    t = new Date(now.getTime() + h * HOUR);
    runClockFrom(t);
    await sys.runScheduled('dispatch-due', t);
    await sys.bus.idle();
    onStop(h);
  }
  return t;
}

export interface FlowSummary {
  entered: number;
  control: number;
  waiting: number;
  done: number;
  exited: Record<string, number>;
  /** Per step: sent, skipped, deferred, … (the send outcomes). */
  steps: Record<string, Record<string, number>>;
  /** Per A/B step and variant: recipients and conversions. */
  ab: Record<string, Record<string, { recipients: number; conversions: number }>>;
}

/** One flow's counters as the summary shows them. */
export function flowSummaryOf(counts: FlowCounts): FlowSummary {
  const s: FlowSummary = { entered: counts.entered ?? 0, control: counts.control ?? 0, waiting: counts.waiting ?? 0, done: counts.done ?? 0, exited: {}, steps: {}, ab: {} };
  for (const [k, v] of Object.entries(counts)) {
    const [kind, a, b, c] = k.split(':');
    if (kind === 'exit' && a) s.exited[a] = v;
    else if (kind === 'ab' && a && b) {
      const variant = ((s.ab[a] ??= {})[b] ??= { recipients: 0, conversions: 0 });
      if (c === 'n') variant.recipients = v;
      if (c === 'won') variant.conversions = v;
    } else if (a && b === undefined && !['entered', 'control', 'waiting', 'done'].includes(kind!)) (s.steps[a] ??= {})[kind!] = v;
  }
  return s;
}

export async function flowSummaries(sys: LocalSystem, flows: readonly CompiledFlow[]): Promise<Record<string, FlowSummary>> {
  const out: Record<string, FlowSummary> = {};
  for (const f of flows.filter((x) => !x.single)) out[f.flow.id] = flowSummaryOf(await sys.stores.flows.counters(f.flow.id));
  return out;
}
