/**
 * The demo's flows: after the live days, the clock is moved forward through the next three days
 * and the real due job runs at each stop (as its 15-minute schedule would), so abandoned-checkout
 * reminders, welcome mails and deferred sends go out; then each flow's counters are read back
 * (entered, sent per step, exited by goal, waiting) for the summary.
 */
import { runClockFrom } from '../shared/platform/ports.js';
import type { CompiledFlow } from '../shared/flows/compile.js';
import type { LocalSystem } from './system.js';
import { flowSummaryOf, type FlowSummary } from '../shared/reports/flows.js';

// The counter keys have one parser, the report's; the demo's summary shows the same figures.
export { flowSummaryOf, type FlowSummary };

const HOUR = 3_600_000;
/** Stops of the fast-forward: just after the checkout reminders' hour, half a day, then daily for 3 days. */
export const FAST_FORWARD_HOURS = [1.1, 12, 24.2, 48.2, 72.2];
const DUE_PERIOD = 15 * 60_000;
const MAX_RUNS_PER_STOP = 8;

export async function fastForwardFlows(sys: LocalSystem, now: Date, onStop: (hours: number) => void = () => {}): Promise<Date> {
  let t = now;
  for (const h of FAST_FORWARD_HOURS) {
    t = new Date(now.getTime() + h * HOUR);
    // As the 15-minute schedule would: a run that left a customer's later items due (one each
    // per run) is followed by the next one.
    for (let runs = 0; runs < MAX_RUNS_PER_STOP; runs++, t = new Date(t.getTime() + DUE_PERIOD)) {
      runClockFrom(t);
      const out = (await sys.runScheduled('dispatch-due', t)) as { held?: number } | undefined;
      await sys.bus.idle();
      if (!out?.held) break;
    }
    onStop(h);
  }
  return t;
}

export async function flowSummaries(sys: LocalSystem, flows: readonly CompiledFlow[]): Promise<Record<string, FlowSummary>> {
  const out: Record<string, FlowSummary> = {};
  for (const f of flows.filter((x) => !x.single)) out[f.flow.id] = flowSummaryOf(await sys.stores.flows.counters(f.flow.id));
  return out;
}
