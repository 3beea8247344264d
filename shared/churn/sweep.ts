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
import { decideScores, scoreCustomer, type RiskConfig, type ScoreDecision } from './scores.js';
import type { StoreModel } from './model.js';
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
  /** Customers left as stored because their data could not be judged (logged by id). */
  invalid: number;
  /** Customers whose risk level or segment changed and were written. */
  written: number;
  transitions: Record<string, number>;
  /** true when the rest of the segment was handed on as a continuation event. */
  continued: boolean;
}

export async function sweepSegment(
  deps: SweepDeps,
  req: SweepSegmentRequested,
  opts: { pageSize: number; shouldYield: () => boolean },
): Promise<SegmentResult> {
  // "now" is the scheduled time, not the wall clock: a re-run of the same schedule judges alike.
  const now = new Date(req.scheduledTime);
  const model = await deps.scores.getStoreModel();
  const result: SegmentResult = { scanned: 0, invalid: 0, written: 0, transitions: {}, continued: false };
  const paged = await pageThroughSegment(
    deps.customers,
    req,
    opts,
    async (customers) => {
      const decided = customers.flatMap((c) => {
        const d = judge(c, model, deps.risk, req.runKey, now);
        if (d === 'invalid') result.invalid++;
        return d && d !== 'invalid' && d.kind === 'update' ? [{ customer: c, d }] : [];
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

/** Scores one customer and checks the transition against its contract; 'invalid' when their
 * data cannot be judged (an exception, or an event the contract refuses). */
function judge(c: CustomerView, model: StoreModel, risk: RiskConfig, runKey: string, now: Date): ScoreDecision | null | 'invalid' {
  try {
    const scored = scoreCustomer(c, model, risk, now);
    if (!scored) return null;
    const d = decideScores(c, scored, runKey, now);
    if (d.kind === 'update' && d.event) {
      const checked = CustomerRiskChanged.safeParse(d.event);
      if (!checked.success) {
        logger.warn('customer not judged: invalid transition', { customerId: c.customerId, issues: checked.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`) });
        return 'invalid';
      }
    }
    return d;
  } catch (e) {
    logger.warn('customer not judged', { customerId: c.customerId, error: (e as Error).name, reason: (e as Error).message });
    return 'invalid';
  }
}
