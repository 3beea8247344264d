/**
 * The flow step decision, pure: given a flow, one entry's state, the customer as stored now, what
 * woke the entry up and the time, what happens at the entry's current step. The runner (./run.ts)
 * loads, calls this, acts, and stores the entry under its version.
 *
 * Exit goals come first, before every step: a customer who ordered since entry (when the flow says
 * so) or unsubscribed leaves, whatever step they are at — unless the step is waiting for exactly
 * that order (a `wait-for order-placed` takes its `onEvent` branch instead).
 */
import type { Occasion } from '../platform/contracts/events.js';
import type { CustomerView } from '../customers/view.js';
import { factsOf } from '../customers/facts.js';
import { matchesAudience } from '../campaigns/audience.js';
import { addCalendarDays, resolveTimeZone, wallClock, zonedInstant } from '../platform/time.js';
import { assignVariant } from './ab.js';
import { durationMs, WEEKDAYS, type Condition, type Flow, type SendStep, type WaitEvent, type WaitStep } from './schema.js';

export type EntryStatus = 'active' | 'waiting' | 'done' | 'exited' | 'control';

/** One customer's way through one flow, for one entry (the trigger's occurrence). */
export interface FlowEntry {
  flowId: string;
  customerId: string;
  /** The occurrence that entered (or, for re-entry rules, the entry key). */
  entry: string;
  trigger: Occasion;
  enteredAt: string;
  status: EntryStatus;
  /** The step to run next ('end' when done). */
  at: string;
  /** Waiting: when the step's wait (or the wait-for's timeout) is over. Active: not before then
   * (after a send deferred by quiet hours or the cap, the next step waits for it). */
  until?: string;
  /** A wait-for step is pending on this event. */
  waitingFor?: WaitEvent;
  /** Variant per ab-split step. */
  variants?: Record<string, string>;
  /** When the first variant was given: an order counts as its conversion within the step's
   * `windowDays` from then, also after the flow has ended. */
  assignedAt?: string;
  /** The campaign id of the last send step reached (engagement splits read its record). */
  lastSend?: string;
  /** Steps sent (or decided: skipped, deferred) so far, in order. */
  path: string[];
  exitReason?: string;
  /** Whether the customer ordered after entry (A/B conversion, counted once). */
  converted?: boolean;
  v: number;
}

/** What woke the entry: its due time, or an event for this customer. */
export type Wake =
  | { kind: 'due' }
  | {
      kind: 'event';
      event:
        | { type: 'order-placed'; at: string; occurrence: string; total?: number }
        | { type: 'order-delivered'; at: string; orderId: string }
        | { type: 'risk-entered'; level: string; at: string };
    };

export interface StepInput {
  flow: Flow;
  entry: FlowEntry;
  customer: CustomerView | null;
  wake: Wake;
  /** Engagement with the entry's last mail (for `openedPrevious` / `clickedPrevious` splits). */
  previous?: { opened: boolean; clicked: boolean };
  /** The A/B winner of a step, once there is one. */
  winner?: (stepId: string) => string | undefined;
  shopTimeZone?: string;
  now: Date;
}

export type StepDecision =
  | { kind: 'exit'; reason: 'ordered' | 'unsubscribed' }
  | { kind: 'send'; step: SendStep; next: string }
  | { kind: 'suspend'; until: Date; waitingFor?: WaitEvent }
  | { kind: 'go'; next: string; variant?: { step: string; id: string } }
  | { kind: 'done' }
  /** The wake-up means nothing for this entry (an order while waiting, with no goal on orders). */
  | { kind: 'unchanged' };

const dayOf = (iso: string) => iso.slice(0, 10);

/** When the entry's occasion happened (the checkout, the order), else when it entered: an order
 * is "since entry" by the shop's times, also when a backlog delivers both late. */
export const entryTime = (e: Pick<FlowEntry, 'trigger' | 'enteredAt'>): string => e.trigger.at ?? e.enteredAt;

/** Whether the customer left by a flow goal. */
export function exitGoal(input: Pick<StepInput, 'flow' | 'entry' | 'customer' | 'wake'>, waitingForOrder: boolean): 'ordered' | 'unsubscribed' | undefined {
  const { flow, entry, customer, wake } = input;
  if (flow.exit.unsubscribed && flow.kind === 'marketing' && customer?.profile && (customer.suppressed || !customer.profile.marketingConsent)) return 'unsubscribed';
  if (!flow.exit.orderedSinceEntry || waitingForOrder) return undefined;
  const ordered = wake.kind === 'event' && wake.event.type === 'order-placed' && wake.event.occurrence !== entry.trigger.occurrence && wake.event.at >= entryTime(entry);
  // Without the event (it may have come while the entry was busy), the summary's last purchase day
  // after the entry's day is proof; an order later on the entry's own day is only seen as an event.
  const lastDay = customer?.summary.lastDay;
  return ordered || (lastDay !== undefined && lastDay > dayOf(entryTime(entry))) ? 'ordered' : undefined;
}

function eventMatches(w: WaitEvent, wake: Wake, entry: FlowEntry): boolean {
  // (A delivery may be dated before the entry was processed: the order came first, its event late.)
  if (wake.kind !== 'event' || (wake.event.type !== 'order-delivered' && wake.event.at < entryTime(entry))) return false;
  if (w.type === 'order-placed') return wake.event.type === 'order-placed' && wake.event.occurrence !== entry.trigger.occurrence;
  if (w.type === 'order-delivered') return wake.event.type === 'order-delivered' && wake.event.orderId === entry.trigger.vars.orderId;
  return wake.event.type === 'risk-entered' && wake.event.level === w.level;
}

const nextOf = (flow: Flow, stepId: string): string => {
  const i = flow.steps.findIndex((s) => s.id === stepId);
  const s = flow.steps[i]!;
  return (s.type === 'send' || s.type === 'wait') && s.next ? s.next : (flow.steps[i + 1]?.id ?? 'end');
};

export function decideStep(input: StepInput): StepDecision {
  const { flow, entry, wake, now } = input;
  if (entry.status === 'done' || entry.status === 'exited' || entry.status === 'control' || entry.at === 'end') return { kind: 'done' };
  const step = flow.steps.find((s) => s.id === entry.at);
  // A step removed from the config since the entry reached it: the entry ends.
  if (!step) return { kind: 'done' };
  const waitingForOrder = step.type === 'wait-for' && step.event.type === 'order-placed';
  const goal = exitGoal(input, waitingForOrder);
  if (goal) return { kind: 'exit', reason: goal };
  const due = entry.until === undefined || Date.parse(entry.until) <= now.getTime();
  // Only wait and wait-for suspend at their own step; anything else waits only to start.
  if (!due && (entry.status === 'active' || (step.type !== 'wait' && step.type !== 'wait-for'))) return { kind: 'unchanged' };
  switch (step.type) {
    case 'send':
      return { kind: 'send', step, next: nextOf(flow, step.id) };
    case 'wait': {
      if (entry.status === 'waiting') return due && wake.kind === 'due' ? { kind: 'go', next: nextOf(flow, step.id) } : { kind: 'unchanged' };
      const until = waitUntil(step, now, resolveTimeZone(input.customer?.profile?.timeZone, input.shopTimeZone));
      return until.getTime() <= now.getTime() ? { kind: 'go', next: nextOf(flow, step.id) } : { kind: 'suspend', until };
    }
    case 'wait-for': {
      if (entry.status === 'waiting') {
        // The event and the timeout race: whichever wakes the entry first under its version wins.
        const inTime = wake.kind === 'event' && (!entry.until || wake.event.at <= entry.until);
        if (inTime && eventMatches(step.event, wake, entry)) return { kind: 'go', next: step.onEvent };
        return due && wake.kind === 'due' ? { kind: 'go', next: step.onTimeout } : { kind: 'unchanged' };
      }
      return { kind: 'suspend', until: new Date(now.getTime() + durationMs(step.timeout)), waitingFor: step.event };
    }
    case 'split': {
      return { kind: 'go', next: conditionHolds(step.when, input) ? step.then : step.else };
    }
    case 'ab-split': {
      const id = entry.variants?.[step.id] ?? input.winner?.(step.id) ?? assignVariant(flow.id, step.id, entry.customerId, step.variants);
      const v = step.variants.find((x) => x.id === id) ?? step.variants[0]!;
      return { kind: 'go', next: v.next, variant: { step: step.id, id: v.id } };
    }
  }
}

/**
 * An entry whose first step only waits (a wait, a wait-for, a cart's idle time before its first
 * send) as it is stored by the write that enters it: waiting, in the due index at `dueAt`. One
 * write instead of entering under a lease and saving the wait; undefined when the first step
 * sends, splits or exits (those run after entering, under the lease).
 */
export function waitingAtEntry(input: Omit<StepInput, 'wake' | 'previous' | 'winner'>): { entry: FlowEntry; dueAt: string } | undefined {
  const { entry } = input;
  if (entry.status !== 'active') return undefined;
  const d = decideStep({ ...input, wake: { kind: 'due' } });
  if (d.kind === 'suspend') {
    const until = d.until.toISOString();
    return { entry: { ...entry, status: 'waiting', until, ...(d.waitingFor ? { waitingFor: d.waitingFor } : {}) }, dueAt: until };
  }
  // Active but not before `until` (an abandoned cart's idle time): due then, still active.
  if (d.kind === 'unchanged' && entry.until) return { entry, dueAt: entry.until };
  return undefined;
}

export function conditionHolds(c: Condition, input: Pick<StepInput, 'customer' | 'previous' | 'now'>): boolean {
  const { openedPrevious, clickedPrevious, ...audience } = c;
  if (openedPrevious !== undefined && (input.previous?.opened ?? false) !== openedPrevious) return false;
  if (clickedPrevious !== undefined && (input.previous?.clicked ?? false) !== clickedPrevious) return false;
  const customer = input.customer;
  if (!customer?.profile) return false;
  return matchesAudience(audience, factsOf({ ...customer, profile: customer.profile }, input.now), input.now).ok;
}

/** When a wait step is over: `for` from now, then the next `until` local time on an allowed weekday. */
export function waitUntil(step: Pick<WaitStep, 'for' | 'until'>, now: Date, timeZone: string): Date {
  const base = new Date(now.getTime() + (step.for ? durationMs(step.for) : 0));
  if (!step.until) return base;
  // Minutes, not seconds: two days after 10:00:01 is "10:00 that day", not the day after.
  const floor = Math.floor(base.getTime() / 60_000) * 60_000;
  const [hour, minute] = step.until.time.split(':').map(Number) as [number, number];
  const allowed = new Set(step.until.weekdays ?? WEEKDAYS);
  const today = wallClock(base, timeZone);
  for (let d = 0; d <= 7; d++) {
    const date = addCalendarDays({ ...today, hour, minute }, d);
    const at = zonedInstant(date, timeZone);
    const weekday = WEEKDAYS[(new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay() + 6) % 7]!;
    if (at.getTime() >= floor && allowed.has(weekday)) return at;
  }
  return base;
}

/** Every step reachable from `from` without suspending is at most this many: a guard for the runner. */
export const MAX_STEPS_PER_WAKE = 40;

