/**
 * Bulk runs: the jobs that walk the whole base (the daily sweep, the monthly tier review, a
 * scheduled campaign's audience) run as Step Functions state machines (infra/constructs/bulk-run.ts):
 * a Map over parallel-scan segments, each segment a Task that pages until its time budget and
 * returns where it stopped, looped by a Choice until the segment is done.
 *
 * What is decided here, without AWS: how many segments a base needs, the segments' inputs, and
 * the execution name. The name is derived from the job and the scheduled time only, so the same
 * schedule fired twice (Scheduler's at-least-once delivery, a Lambda retry, an operator re-run)
 * asks Step Functions for an execution that already exists: one run, not two.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { Instant } from './contracts/primitives.js';

export const BULK_JOBS = ['daily-sweep', 'tier-review', 'campaign-run', 'model-refit'] as const;
export type BulkJob = (typeof BULK_JOBS)[number];

/** One segment's work as a Task receives it and returns it (with `cursor` while it is not done). */
export const SegmentTask = z.object({
  job: z.enum(BULK_JOBS),
  runKey: z.string().min(1),
  scheduledTime: Instant,
  segment: z.number().int().nonnegative(),
  totalSegments: z.number().int().positive().max(1000),
  /** Where the segment's previous invocation stopped (a LastEvaluatedKey); absent: start / done. */
  cursor: z.record(z.string(), z.string()).optional(),
  campaignId: z.string().min(1).optional(),
  /** model-refit: sample keys below this are candidates (shared/churn/sample.ts), fixed per run. */
  keepBelow: z.number().positive().max(1).optional(),
});
export type SegmentTask = z.infer<typeof SegmentTask>;

/** What a run's finishing Task receives once every segment is done (the execution input without its segments). */
export const RunFinish = SegmentTask.pick({ job: true, runKey: true, scheduledTime: true, totalSegments: true });
export type RunFinish = z.infer<typeof RunFinish>;

/** What a run's segments share beyond the job and time. */
export type RunParams = Pick<SegmentTask, 'campaignId' | 'keepBelow'>;

/** The execution input: the Map iterates `segments`. */
export interface BulkRunInput {
  job: BulkJob;
  runKey: string;
  scheduledTime: string;
  totalSegments: number;
  keepBelow?: number;
  segments: SegmentTask[];
}

/** Customers per segment the counts aim at: one segment's pages fit a few Task invocations. */
export const CUSTOMERS_PER_SEGMENT = 25_000;
export const MAX_SEGMENTS = 1000;

/** 4 (the configured minimum) for a small base, one per 25k customers above it, at most 1000. */
export function segmentCount(baseSize: number, minimum: number): number {
  return Math.min(MAX_SEGMENTS, Math.max(minimum, Math.ceil(Math.max(0, baseSize) / CUSTOMERS_PER_SEGMENT)));
}

/**
 * Step Functions execution names: ≤ 80 characters of letters, digits, '-' and '_'. A campaign id
 * that does not fit is shortened and suffixed with a hash of the whole id, so two long ids that
 * share a prefix still name different runs.
 */
export function runName(job: BulkJob, scheduledTime: string, campaignId?: string): string {
  const at = new Date(scheduledTime).toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
  if (!campaignId) return `${job}-${at}`;
  const safe = campaignId.replace(/[^A-Za-z0-9_-]/g, '_');
  const room = 80 - job.length - at.length - 2;
  const id = safe.length <= room && safe === campaignId ? safe : `${safe.slice(0, room - 9)}-${createHash('sha256').update(campaignId).digest('hex').slice(0, 8)}`;
  return `${job}-${id}-${at}`;
}

export function bulkRunInput(job: BulkJob, scheduledTime: string, totalSegments: number, params: RunParams = {}): BulkRunInput {
  const runKey = new Date(scheduledTime).toISOString();
  const shared = { ...(params.campaignId ? { campaignId: params.campaignId } : {}), ...(params.keepBelow !== undefined ? { keepBelow: params.keepBelow } : {}) };
  const segments = Array.from({ length: totalSegments }, (_, segment) => ({ job, runKey, scheduledTime: runKey, segment, totalSegments, ...shared }));
  return { job, runKey, scheduledTime: runKey, totalSegments, ...(params.keepBelow !== undefined ? { keepBelow: params.keepBelow } : {}), segments };
}

/** Starting an execution by name: `already` when one of that name exists (running or ended). */
export interface BulkRunStarter {
  start(job: BulkJob, name: string, input: BulkRunInput): Promise<'started' | 'already'>;
}

export type BulkRunStart = { run: string; outcome: 'started' | 'already'; segments: number };

export async function startBulkRun(
  starter: BulkRunStarter,
  run: { job: BulkJob; scheduledTime: string; baseSize: number; minSegments: number } & RunParams,
): Promise<BulkRunStart> {
  const segments = segmentCount(run.baseSize, run.minSegments);
  const name = runName(run.job, run.scheduledTime, run.campaignId);
  const params = { ...(run.campaignId ? { campaignId: run.campaignId } : {}), ...(run.keepBelow !== undefined ? { keepBelow: run.keepBelow } : {}) };
  const outcome = await starter.start(run.job, name, bulkRunInput(run.job, run.scheduledTime, segments, params));
  return { run: name, outcome, segments };
}
