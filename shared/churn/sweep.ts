/**
 * The churn sweep, one segment of the daily bulk run (shared/platform/bulk.ts): `sweepSegment`
 * works through its segment page by page and, when its time budget runs low, returns the cursor
 * it stopped at; the state machine invokes it again from there, so no invocation has to cover
 * the whole base.
 *
 * Order of effects per transition: publish the event, then write the new level. A crash in
 * between re-detects the same transition next time and publishes it again with the same
 * (level, lastOrderDay) occurrence, which campaign dispatch deduplicates: nothing is lost.
 * The reverse order could lose the event for good.
 *
 * One customer's odd data never fails the page: each customer is scored and their event checked
 * against its contract on their own, and a customer who cannot be judged is left as stored
 * (counted in `failed`, logged by id) while the others go on. Events are published ten at a time
 * (one PutEvents), then those ten are written concurrently, with up to WRITE_LANES such chunks
 * in flight: a failing publish holds back its ten, not the page.
 */
import { CustomerRiskChanged, DetailType } from '../platform/contracts/events.js';
import type { SegmentTask } from '../platform/bulk.js';
import type { Cursor } from '../customers/port.js';
import { decideScores, scoreCustomer, scorerCache, type ModelScoring, type RiskConfig, type ScoreDecision, type ScoreFailure } from './scores.js';
import type { ModelParams, StoreModel } from './model.js';
import type { CustomerView } from '../customers/view.js';
import { logger } from '../platform/runtime/logger.js';
import type { EventPublisher } from '../platform/ports.js';
import type { CustomerStore } from '../customers/port.js';
import { inParallel, pageThroughSegment } from '../customers/scan.js';
import type { ScoreStore } from './port.js';
import { addToAggregate, emptyAggregate } from '../reports/base.js';

export interface SweepDeps {
  customers: Pick<CustomerStore, 'scanCustomers'>;
  scores: ScoreStore;
  publisher: EventPublisher;
  risk: RiskConfig;
  /** One scorer per model version per container (scorerCache()); a fresh cache when absent. */
  scorers?: (params: ModelParams | undefined) => ModelScoring | null;
}

export interface SegmentResult {
  scanned: number;
  /** Customers whose risk level or segment changed and were written. */
  written: number;
  transitions: Record<string, number>;
  /** Where the segment goes on from; absent when it is done. */
  cursor?: Cursor;
  /** Customers that could not be scored (left as they were), with the first few reasons. */
  failed: number;
  failures: { customerId: string; error: string }[];
}

const FAILURES_KEPT = 5;

export async function sweepSegment(
  deps: SweepDeps,
  req: SegmentTask,
  opts: { pageSize: number; shouldYield: () => boolean },
): Promise<SegmentResult> {
  // "now" is the scheduled time, not the wall clock: a re-run of the same schedule judges alike.
  const now = new Date(req.scheduledTime);
  const model = await deps.scores.getStoreModel();
  const scoring = (deps.scorers ?? scorerCache())(model.params);
  const result: SegmentResult = { scanned: 0, written: 0, transitions: {}, failed: 0, failures: [] };
  // The base as this invocation leaves it, for the report (shared/reports/base.ts).
  const base = emptyAggregate();
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
      const after = new Map(decided.map(({ customer, d }) => [customer.customerId, d]));
      addToAggregate(base, customers.map((c) => {
        const d = after.get(c.customerId);
        return d ? { ...c, risk: d.risk, ...(d.prediction ? { prediction: d.prediction } : {}) } : c;
      }), now, model.stats?.rfmCuts);
      const chunks = Array.from({ length: Math.ceil(decided.length / PUBLISH_CHUNK) }, (_, i) => decided.slice(i * PUBLISH_CHUNK, (i + 1) * PUBLISH_CHUNK));
      await inParallel(chunks, WRITE_LANES, async (chunk) => {
        await deps.publisher.publish(chunk.flatMap(({ d }) => (d.event ? [{ detailType: DetailType.CustomerRiskChanged, detail: d.event }] : [])));
        const written = await deps.scores.putScoresMany(chunk.map(({ customer, d }) => ({ customerId: customer.customerId, expected: customer.risk, next: d })));
        chunk.forEach(({ d }, i) => {
          if (!written[i]) return;
          result.written++;
          if (d.event) {
            const k = `${d.event.from ?? 'new'}->${d.event.to}`;
            result.transitions[k] = (result.transitions[k] ?? 0) + 1;
          }
        });
      });
    },
  );
  await deps.scores.putBaseAggregate({ runKey: req.runKey, scheduledTime: req.scheduledTime, segment: req.segment, totalSegments: req.totalSegments, ...(req.cursor ? { from: req.cursor } : {}), done: !paged.cursor }, base);
  return { ...result, ...paged };
}

/** One PutEvents call: the unit that is published, then written. */
const PUBLISH_CHUNK = 10;
/** Chunks in flight at once: up to 40 conditional writes, well inside one Lambda's sockets. */
const WRITE_LANES = 4;

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
