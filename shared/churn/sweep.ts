/**
 * The churn sweep. `startSweep` fans a scheduled run out into parallel scan segments;
 * `sweepSegment` works through its segment page by page and, when its time budget runs low,
 * hands the rest on as a continuation event, so no invocation has to cover the whole base.
 *
 * Order of effects per transition: publish the event, then write the new level. A crash in
 * between re-detects the same transition next time and publishes it again with the same
 * (level, lastOrderDay) occurrence, which campaign dispatch deduplicates: nothing is lost.
 * The reverse order could lose the event for good.
 *
 * One customer's odd data never fails the page: each customer is scored and their event checked
 * against its contract on their own, and a customer who cannot be judged is left as stored
 * (counted in `invalid`, logged by id) while the others go on. Events are published and written
 * ten at a time (one PutEvents), so a failing publish holds back those ten, not the page.
 */
import { CustomerRiskChanged, DetailType, type OutgoingEvent, type SweepSegmentRequested, type ScheduledRun } from '../platform/contracts/events.js';
import { decideScores, scoreCustomer, scorerCache, type ModelScoring, type RiskConfig, type ScoreDecision, type ScoreFailure } from './scores.js';
import type { ModelParams, StoreModel } from './model.js';
import type { CustomerView } from '../customers/view.js';
import { logger } from '../platform/runtime/logger.js';
import type { EventPublisher } from '../platform/ports.js';
import type { CustomerStore } from '../customers/port.js';
import { pageThroughSegment } from '../customers/scan.js';
import type { ScoreStore } from './port.js';

export interface SweepDeps {
  customers: Pick<CustomerStore, 'scanCustomers'>;
  scores: ScoreStore;
  publisher: EventPublisher;
  risk: RiskConfig;
  /** One scorer per model version per container (scorerCache()); a fresh cache when absent. */
  scorers?: (params: ModelParams | undefined) => ModelScoring | null;
}

export const runKeyOf = (scheduledTime: string): string => new Date(scheduledTime).toISOString();

/** Fans the run out to both daily jobs, churn scoring and loyalty (reviews, expiry, birthdays). */
export async function startSweep(publisher: EventPublisher, input: ScheduledRun, totalSegments: number): Promise<number> {
  const runKey = runKeyOf(input.scheduledTime);
  const events: OutgoingEvent[] = [DetailType.SweepSegmentRequested, DetailType.LoyaltySegmentRequested].flatMap((detailType) =>
    Array.from({ length: totalSegments }, (_, segment) => ({ detailType, detail: { runKey, scheduledTime: input.scheduledTime, segment, totalSegments } })),
  );
  await publisher.publish(events);
  return totalSegments;
}

export interface SegmentResult {
  scanned: number;
  /** Customers whose risk level or segment changed and were written. */
  written: number;
  transitions: Record<string, number>;
  /** true when the rest of the segment was handed on as a continuation event. */
  continued: boolean;
  /** Customers that could not be scored (left as they were), with the first few reasons. */
  failed: number;
  failures: { customerId: string; error: string }[];
}

const FAILURES_KEPT = 5;

export async function sweepSegment(
  deps: SweepDeps,
  req: SweepSegmentRequested,
  opts: { pageSize: number; shouldYield: () => boolean },
): Promise<SegmentResult> {
  // "now" is the scheduled time, not the wall clock: a re-run of the same schedule judges alike.
  const now = new Date(req.scheduledTime);
  const model = await deps.scores.getStoreModel();
  const scoring = (deps.scorers ?? scorerCache())(model.params);
  const result: SegmentResult = { scanned: 0, written: 0, transitions: {}, continued: false, failed: 0, failures: [] };
  const fail = (customerId: string, error: string): void => {
    result.failed++;
    if (result.failures.length < FAILURES_KEPT) result.failures.push({ customerId, error });
  };
  const paged = await pageThroughSegment(
    deps.customers,
    req,
    opts,
    async (customers) => {
      const decided = customers.flatMap((c) => {
        const d = judge(c, model, deps.risk, req.runKey, now, scoring);
        if (d && 'failed' in d) {
          fail(c.customerId, d.failed);
          return [];
        }
        return d && d.kind === 'update' ? [{ customer: c, d }] : [];
      });
      for (let i = 0; i < decided.length; i += PUBLISH_CHUNK) {
        const chunk = decided.slice(i, i + PUBLISH_CHUNK);
        await deps.publisher.publish(chunk.flatMap(({ d }) => (d.event ? [{ detailType: DetailType.CustomerRiskChanged, detail: d.event }] : [])));
        for (const { customer, d } of chunk) {
          if (!(await deps.scores.putScores(customer.customerId, customer.risk, d))) continue;
          result.written++;
          if (d.event) {
            const k = `${d.event.from ?? 'new'}->${d.event.to}`;
            result.transitions[k] = (result.transitions[k] ?? 0) + 1;
          }
        }
      }
    },
    (cursor) => deps.publisher.publish([{ detailType: DetailType.SweepSegmentRequested, detail: { ...req, cursor } }]),
  );
  return { ...result, ...paged };
}

/** One PutEvents call: the unit that is published, then written. */
const PUBLISH_CHUNK = 10;

/** Scores one customer and checks the transition against its contract: a failure (logged by
 * id, the customer left as stored) when their data cannot be judged — an exception, a score that
 * fails, or an event the contract refuses — so one bad record never fails its page. */
function judge(c: CustomerView, model: StoreModel, risk: RiskConfig, runKey: string, now: Date, scoring: ModelScoring | null): ScoreDecision | null | ScoreFailure {
  try {
    const scored = scoreCustomer(c, model, risk, now, scoring);
    if (!scored || 'failed' in scored) return scored;
    const d = decideScores(c, scored, runKey, now);
    if (d.kind === 'update' && d.event) {
      const checked = CustomerRiskChanged.safeParse(d.event);
      if (!checked.success) {
        const issues = checked.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`);
        logger.warn('customer not judged: invalid transition', { customerId: c.customerId, issues });
        return { failed: `invalid transition: ${issues.join('; ')}` };
      }
    }
    return d;
  } catch (e) {
    logger.warn('customer not judged', { customerId: c.customerId, error: (e as Error).name, reason: (e as Error).message });
    return { failed: `scoring threw: ${(e as Error).message}` };
  }
}
