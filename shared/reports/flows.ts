/**
 * Flows in the marketer's report: one flow definition and its counters (FlowStore.counters) give
 * who entered, is waiting, finished or left (by reason), what each send step sent, and per A/B
 * split each variant's rate with its 95 % interval, P(best) and — once the step's own threshold and
 * minimum are met — the winner, exactly as the runner decides it (shared/flows/run.ts). Pure,
 * except readFlowReports, which only reads the counters through the port.
 */
import { abWinner, clickCampaigns, compareVariants, DRAWS, statisticOf, variantCounts, type VariantStats } from '../flows/ab.js';
import type { CompiledFlow } from '../flows/compile.js';
import type { FlowCounts, FlowStore } from '../flows/port.js';
import type { AbSplitStep, Flow } from '../flows/schema.js';

/** The counters as they are, grouped by kind (also the demo's printed summary, local/summary.ts). */
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

const TOTALS = ['entered', 'control', 'waiting', 'done'];

/** One flow's counter keys (`entered`, `sent:<step>`, `exit:<reason>`, `ab:<step>:<variant>:n|won` …) parsed. */
export function flowSummaryOf(counts: FlowCounts): FlowSummary {
  const s: FlowSummary = { entered: counts.entered ?? 0, control: counts.control ?? 0, waiting: counts.waiting ?? 0, done: counts.done ?? 0, exited: {}, steps: {}, ab: {} };
  for (const [k, v] of Object.entries(counts)) {
    const [kind, a, b, c] = k.split(':');
    if (kind === 'exit' && a) s.exited[a] = v;
    else if (kind === 'ab' && a && b) {
      const variant = ((s.ab[a] ??= {})[b] ??= { recipients: 0, conversions: 0 });
      if (c === 'n') variant.recipients = v;
      if (c === 'won') variant.conversions = v;
    } else if (a && b === undefined && !TOTALS.includes(kind!)) (s.steps[a] ??= {})[kind!] = v;
  }
  return s;
}

export interface SendStepReport {
  stepId: string;
  sent: number;
  /** Every outcome counted for the step (sent, skipped, deferred, …). */
  outcomes: Record<string, number>;
}

export interface AbSplitReport {
  stepId: string;
  metric: AbSplitStep['metric'];
  threshold: number;
  minRecipients: number;
  /** In the step's order, as compareVariants gives them (successes: conversions or clicks, by
   * `metric`; with revenue, `rate` and `interval` are revenue per recipient). */
  variants: VariantStats[];
  /** The variant new entrants get, once P(best) ≥ threshold with every variant at its minimum. */
  winner: string | null;
}

export interface FlowReport {
  flowId: string;
  name: string;
  entered: number;
  control: number;
  waiting: number;
  done: number;
  exited: Record<string, number>;
  sends: SendStepReport[];
  abSplits: AbSplitReport[];
}

/** `clicks`: unique clicks per campaign, for splits judged by clicks (FlowStore.clicks). */
export function flowReportOf(flow: Flow, counts: FlowCounts, clicks: Readonly<Record<string, number>> = {}): FlowReport {
  const s = flowSummaryOf(counts);
  const sends: SendStepReport[] = [];
  const abSplits: AbSplitReport[] = [];
  for (const step of flow.steps) {
    if (step.type === 'send') {
      const outcomes = s.steps[step.id] ?? {};
      sends.push({ stepId: step.id, sent: outcomes.sent ?? 0, outcomes });
    } else if (step.type === 'ab-split') {
      const counted = variantCounts(flow.id, step, counts, clicks);
      abSplits.push({
        stepId: step.id,
        metric: step.metric,
        threshold: step.threshold,
        minRecipients: step.minRecipients,
        variants: compareVariants(counted, DRAWS, statisticOf(step.metric)),
        winner: abWinner(counted, step) ?? null,
      });
    }
  }
  return { flowId: flow.id, name: flow.name, entered: s.entered, control: s.control, waiting: s.waiting, done: s.done, exited: s.exited, sends, abSplits };
}

/** Every multi-step flow's report (single-shot campaigns keep no flow counters). */
export async function readFlowReports(flows: readonly CompiledFlow[], store: Pick<FlowStore, 'counters' | 'clicks'>): Promise<FlowReport[]> {
  const multi = flows.filter((f) => !f.single);
  return Promise.all(multi.map(async (f) => flowReportOf(f.flow, await store.counters(f.flow.id), await store.clicks(clickCampaigns(f.flow.id, f.flow.steps)))));
}
