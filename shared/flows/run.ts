/**
 * The flow runner: entries advanced one step at a time, each transition a write under the entry's
 * version, so at-least-once delivery moves an entry once.
 *
 *   trigger ──► enter (conditional create + lease) ──► steps … ──► waiting (in the due index)
 *           └─► enter waiting (a first step that only waits: one write) ──────┘
 *                                                                   │ due event / resuming event
 *                                                                   ▼
 *                                                     take (version + lease) ──► steps … ──► save
 *
 * - Entering is a conditional create: a duplicate trigger finds the entry and does nothing.
 * - Whoever wakes an entry (its due time, an order, a risk change) first takes it under its
 *   version; the other finds the version moved and does nothing — an event that races the
 *   timeout of a wait-for resumes it exactly once, on one branch.
 * - A send step is a send of the engine (shared/campaigns/dispatch.ts): claimed per (step
 *   campaign, customer, entry occurrence), so re-running a step after a crash sends nothing twice,
 *   and the whole sending policy (suppression, consent, caps, quiet hours) applies to it.
 * - A crash after taking leaves the entry in the due index at its lease: the due job wakes it.
 * - Single-shot campaigns are one-step flows: their send record is the entry (no flow state).
 */
import { DetailType, type Occasion } from '../platform/contracts/events.js';
import { dispatchFirst, type DispatchDeps, type DispatchOutcome } from '../campaigns/dispatch.js';
import { isHoldout } from '../campaigns/policy.js';
import { audienceOf, matchesAudience } from '../campaigns/audience.js';
import { factsOf } from '../customers/facts.js';
import { matchesTrigger, occasionOf, sendWindow, type TriggeringEvent } from '../campaigns/triggers.js';
import type { CustomerView } from '../customers/view.js';
import { DAY_MS, instantMs } from '../platform/time.js';
import { abWinner, clickCampaigns, variantCounts } from './ab.js';
import type { CompiledFlow } from './compile.js';
import { decideStep, entryTime, MAX_STEPS_PER_WAKE, waitingAtEntry, type FlowEntry, type Wake } from './decide.js';
import type { FlowCounts, FlowStore } from './port.js';

export interface FlowDeps extends DispatchDeps {
  flows: CompiledFlow[];
  flowStore: FlowStore;
}

export type FlowOutcome =
  | { flowId: string; outcome: 'entered' | 'advanced' | 'duplicate' | 'unchanged' | 'control'; entry?: string; status?: string }
  | { flowId: string; outcome: 'skipped'; reason: string };

export interface EngineResult {
  flows: FlowOutcome[];
  sends: DispatchOutcome[];
}

const LEASE_MS = 5 * 60_000;
const lease = (now: Date) => new Date(now.getTime() + LEASE_MS).toISOString();

/** Whether the order is the customer's first: the summary has not counted it yet, or counts only it. */
export function isFirstOrder(customer: CustomerView | null, orderDay: string): boolean {
  const s = customer?.summary;
  return !s || s.orders === 0 || (s.orders === 1 && s.firstDay === orderDay);
}

/** A trigger: wakes the customer's entries it concerns, then enters every flow it starts. */
export async function runTrigger(deps: FlowDeps, event: TriggeringEvent): Promise<EngineResult> {
  const o = occasionOf(event);
  const result: EngineResult = { flows: [], sends: [] };
  const wake = wakeOf(event, o);
  if (wake && wakeConcerns(deps.flows, wake)) await wakeEntries(deps, o.customerId, wake, result);
  if (event.type === DetailType.CartUpdated) await refreshCarts(deps, o, result);
  let customer: CustomerView | null | undefined;
  const readCustomer = async () => (customer === undefined ? (customer = await deps.customers.readCustomer(o.customerId)) : customer);
  for (const cf of deps.flows.filter((f) => f.flow.enabled && matchesTrigger(f.flow.trigger, o, f.flow.id))) {
    const t = cf.flow.trigger;
    if (t.type === 'order-placed' && (t.first || t.repeat) && isFirstOrder(await readCustomer(), String(o.vars.orderDay)) !== t.first) {
      result.flows.push({ flowId: cf.flow.id, outcome: 'skipped', reason: t.first ? 'not-first-order' : 'first-order' });
      continue;
    }
    if (cf.single) result.sends.push(await dispatchFirst(deps, cf.sends.values().next().value!, o));
    else await enterFlow(deps, cf, o, await readCustomer(), result);
  }
  return result;
}

/**
 * Whether a wake can move any entry: an order always (exit goals, conversions); a delivery or a
 * risk level only where some flow's wait-for waits for it. The others would read the customer's
 * entries for nothing (the daily sweep's every risk change); an exit goal they might have found is
 * found at the entry's next wake, before any step runs.
 */
export function wakeConcerns(flows: readonly CompiledFlow[], wake: Wake): boolean {
  if (wake.kind !== 'event' || wake.event.type === 'order-placed') return true;
  const ev = wake.event;
  return flows.some((cf) => cf.flow.steps.some((s) => s.type === 'wait-for' && s.event.type === ev.type && (s.event.type !== 'risk-entered' || (ev.type === 'risk-entered' && s.event.level === ev.level))));
}

function wakeOf(event: TriggeringEvent, o: Occasion): Wake | undefined {
  if (event.type === DetailType.OrderPlaced) return { kind: 'event', event: { type: 'order-placed', at: event.detail.occurredAt, occurrence: o.occurrence, total: event.detail.total } };
  if (event.type === DetailType.OrderFulfilled) return { kind: 'event', event: { type: 'order-delivered', at: event.detail.occurredAt, orderId: event.detail.orderId } };
  if (event.type === DetailType.CustomerRiskChanged) return { kind: 'event', event: { type: 'risk-entered', level: event.detail.to, at: event.detail.occurredAt } };
  return undefined;
}

async function enterFlow(deps: FlowDeps, cf: CompiledFlow, o: Occasion, customer: CustomerView | null, result: EngineResult): Promise<void> {
  const { flow } = cf;
  const now = deps.clock();
  const skip = (reason: string) => result.flows.push({ flowId: flow.id, outcome: 'skipped', reason });
  const { notBefore, notAfter } = sendWindow(flow.trigger, o);
  if (notAfter && now.getTime() > notAfter.getTime()) return void skip('stale');
  if (customer?.profile) {
    const audience = matchesAudience(audienceOf(flow), factsOf({ ...customer, profile: customer.profile }, now), now);
    if (!audience.ok) return void skip(audience.reason);
  }
  const control = isHoldout(flow.id, o.customerId, flow.holdoutPercent);
  const re = flow.reEntry;
  const entry: FlowEntry = {
    flowId: flow.id,
    customerId: o.customerId,
    entry: re.type === 'once' ? 'once' : o.occurrence,
    trigger: o,
    enteredAt: now.toISOString(),
    status: control ? 'control' : 'active',
    at: control ? 'end' : flow.steps[0]!.id,
    // An abandoned cart is reminded of only after it stayed idle (the trigger's window).
    ...(notBefore && notBefore.getTime() > now.getTime() && !control ? { until: notBefore.toISOString() } : {}),
    path: [],
    v: 0,
  };
  const reEntry = re.type === 'every' ? { notSince: new Date(now.getTime() - re.days * DAY_MS).toISOString() } : re.type === 'once' ? {} : undefined;
  const waiting = control ? undefined : waitingAtEntry({ flow, entry, customer, now, ...(deps.shop.timeZone ? { shopTimeZone: deps.shop.timeZone } : {}) });
  const counts: FlowCounts = control ? { entered: 1, control: 1 } : waiting?.entry.status === 'waiting' ? { entered: 1, waiting: 1 } : { entered: 1 };
  const entered = await deps.flowStore.enter(waiting?.entry ?? entry, waiting?.dueAt ?? lease(now), counts, reEntry);
  if (entered === 'taken') return void result.flows.push({ flowId: flow.id, outcome: 'duplicate', entry: entry.entry });
  if (entered === 'erased' || entered === 'not-again') return void skip(entered);
  if (control) return void result.flows.push({ flowId: flow.id, outcome: 'control', entry: entry.entry });
  if (waiting) return void result.flows.push({ flowId: flow.id, outcome: 'entered', entry: entry.entry, status: waiting.entry.status });
  await advance(deps, cf, entry, { kind: 'due' }, result, 'entered');
}

/**
 * A later update of a cart that entered a cart-abandoned flow and has not been reminded of yet:
 * its idle time starts again and the reminder shows the new lines; an emptied cart ends the
 * entry. An older update arriving late changes nothing (compared as instants).
 */
async function refreshCarts(deps: FlowDeps, o: Occasion, result: EngineResult): Promise<void> {
  for (const cf of deps.flows) {
    const t = cf.flow.trigger;
    if (cf.single || !cf.flow.enabled || t.type !== 'cart-abandoned') continue;
    const stored = await deps.flowStore.getEntry(o.customerId, cf.flow.id, cf.flow.reEntry.type === 'once' ? 'once' : o.occurrence);
    if (!stored || stored.trigger.occurrence !== o.occurrence || stored.status !== 'active' || stored.path.length || !o.at || !stored.trigger.at || instantMs(o.at) <= instantMs(stored.trigger.at)) continue;
    const held = await deps.flowStore.take(stored, lease(deps.clock()));
    const emptied = (o.match.lines ?? 0) === 0;
    const next: FlowEntry | undefined = !held ? undefined
      : emptied ? { ...held, status: 'exited', exitReason: 'cart-emptied', at: 'end' }
      : { ...held, trigger: o, until: new Date(instantMs(o.at) + t.idleMinutes * 60_000).toISOString() };
    const saved = next ? await deps.flowStore.save(next, emptied ? { 'exit:cart-emptied': 1 } : {}) : false;
    result.flows.push({ flowId: cf.flow.id, outcome: saved ? 'advanced' : 'duplicate', entry: stored.entry, ...(next ? { status: next.status } : {}) });
  }
}

/** A flow entry's due time has come (its wait is over, or the lease of a run that died ran out). */
export async function runDue(deps: FlowDeps, due: { customerId: string; flowId: string; entry: string; dueAt: string }): Promise<EngineResult> {
  const result: EngineResult = { flows: [], sends: [] };
  const cf = deps.flows.find((f) => f.flow.id === due.flowId);
  const stored = await deps.flowStore.getEntry(due.customerId, due.flowId, due.entry);
  if (!stored) return result;
  const held = await deps.flowStore.take(stored, lease(deps.clock()), due.dueAt);
  if (!held) return { ...result, flows: [{ flowId: due.flowId, outcome: 'duplicate', entry: due.entry }] };
  // A flow removed from the config since: its entries end.
  if (!cf) {
    await deps.flowStore.save({ ...held, status: 'done', at: 'end', exitReason: 'flow-removed' }, { 'exit:flow-removed': 1 });
    return { ...result, flows: [{ flowId: due.flowId, outcome: 'advanced', entry: due.entry, status: 'done' }] };
  }
  await advance(deps, cf, held, { kind: 'due' }, result, 'advanced');
  return result;
}

/** An order or a risk change: ends entries by their goal, resumes wait-fors, counts conversions. */
async function wakeEntries(deps: FlowDeps, customerId: string, wake: Wake, result: EngineResult): Promise<void> {
  const entries = await deps.flowStore.listEntries(customerId);
  const now = deps.clock();
  // An A/B variant's mail usually ends its flow; the order it brought comes later.
  for (const e of entries) if (e.status === 'done' && convertsAfterEnd(deps, e, wake)) await countLateConversion(deps, e, wake, result);
  const live = entries.filter((e) => e.status === 'active' || e.status === 'waiting');
  if (!live.length) return;
  const customer = await deps.customers.readCustomer(customerId);
  for (const e of live) {
    const cf = deps.flows.find((f) => f.flow.id === e.flowId);
    if (!cf) continue;
    // Decided first on the stored entry: an event that changes nothing writes nothing.
    const d = decideStep({ flow: cf.flow, entry: e, customer, wake, now, ...(deps.shop.timeZone ? { shopTimeZone: deps.shop.timeZone } : {}) });
    const converts = isConversion(e, wake);
    if (d.kind === 'unchanged' && !converts) continue;
    const held = await deps.flowStore.take(e, lease(now));
    if (!held) {
      result.flows.push({ flowId: e.flowId, outcome: 'duplicate', entry: e.entry });
      continue;
    }
    await advance(deps, cf, held, wake, result, 'advanced');
  }
}

/** The occurrence a send step's send is claimed under: the entry's (a once-ever entry keeps the
 * occasion that entered, so its record says which order or checkout it was about). */
const sendOccurrence = (e: FlowEntry): string => (e.entry === 'once' ? `once:${e.trigger.occurrence}` : e.entry);

/** A finished entry with variants whose customer orders within the splits' window. */
function convertsAfterEnd(deps: FlowDeps, e: FlowEntry, wake: Wake): boolean {
  if (!e.variants || !isConversion(e, wake) || wake.kind !== 'event') return false;
  const flow = deps.flows.find((f) => f.flow.id === e.flowId)?.flow;
  const days = Math.max(0, ...(flow?.steps ?? []).flatMap((s) => (s.type === 'ab-split' && e.variants?.[s.id] ? [s.windowDays] : [])));
  // After the split (an order placed before it, delivered late, is no answer to it) and within its window.
  const since = instantMs(wake.event.at) - instantMs(e.assignedAt ?? entryTime(e));
  return since >= 0 && since <= days * DAY_MS;
}

/** Counts the conversion once (the entry's version guards it against a redelivered order); a
 * finished entry has no step to run, so it is marked, not taken. */
async function countLateConversion(deps: FlowDeps, e: FlowEntry, wake: Wake, result: EngineResult): Promise<void> {
  const marked = await deps.flowStore.markConverted(e, conversionCounts(e.variants!, wake));
  result.flows.push({ flowId: e.flowId, outcome: marked ? 'advanced' : 'duplicate', entry: e.entry, status: 'done' });
}

/** A conversion for each of the entry's variants, with the order's total for the revenue metric
 * (its sum and sum of squares: the mean and its variance per variant). */
function conversionCounts(variants: Record<string, string>, wake: Wake): FlowCounts {
  const total = wake.kind === 'event' && wake.event.type === 'order-placed' ? (wake.event.total ?? 0) : 0;
  return Object.fromEntries(Object.entries(variants).flatMap(([step, id]) => [[`ab:${step}:${id}:won`, 1], [`ab:${step}:${id}:rev`, total], [`ab:${step}:${id}:rev2`, total * total]]));
}

const isConversion = (e: FlowEntry, wake: Wake): boolean =>
  !e.converted && wake.kind === 'event' && wake.event.type === 'order-placed' && wake.event.occurrence !== e.trigger.occurrence && wake.event.at >= entryTime(e);

/** Runs steps from the held entry until it suspends or ends, then saves it under its version. */
async function advance(deps: FlowDeps, cf: CompiledFlow, held: FlowEntry, firstWake: Wake, result: EngineResult, label: 'entered' | 'advanced'): Promise<void> {
  const { flow } = cf;
  const now = deps.clock();
  let customer = await deps.customers.readCustomer(held.customerId);
  const entry: FlowEntry = { ...held, path: [...(held.path ?? [])], ...(held.variants ? { variants: { ...held.variants } } : {}) };
  const counts: FlowCounts = {};
  const add = (k: string, n = 1) => (counts[k] = (counts[k] ?? 0) + n);
  const wasWaiting = held.status === 'waiting';
  if (isConversion(entry, firstWake) && entry.variants) {
    entry.converted = true;
    for (const [k, n] of Object.entries(conversionCounts(entry.variants, firstWake))) add(k, n);
  }
  let wake = firstWake;
  for (let i = 0; i < MAX_STEPS_PER_WAKE; i++) {
    const winner = await winnersFor(deps, cf, entry);
    const previous = await previousEngagement(deps, cf, entry);
    const d = decideStep({ flow, entry, customer, wake, now, winner, ...(previous ? { previous } : {}), ...(deps.shop.timeZone ? { shopTimeZone: deps.shop.timeZone } : {}) });
    if (d.kind === 'unchanged') break;
    if (d.kind === 'done') {
      Object.assign(entry, { status: 'done', at: 'end' });
      add('done');
      break;
    }
    if (d.kind === 'exit') {
      Object.assign(entry, { status: 'exited', exitReason: d.reason });
      add(`exit:${d.reason}`);
      break;
    }
    if (d.kind === 'suspend') {
      Object.assign(entry, { status: 'waiting', until: d.until.toISOString() });
      if (d.waitingFor) entry.waitingFor = d.waitingFor;
      break;
    }
    wake = { kind: 'due' };
    delete entry.until;
    delete entry.waitingFor;
    entry.status = 'active';
    if (d.kind === 'go') {
      if (d.variant && !entry.variants?.[d.variant.step]) {
        entry.variants = { ...entry.variants, [d.variant.step]: d.variant.id };
        entry.assignedAt ??= now.toISOString();
        add(`ab:${d.variant.step}:${d.variant.id}:n`);
      }
      entry.at = d.next;
      continue;
    }
    // A send step: one send of the engine, keyed by the step's campaign and the entry occurrence.
    const campaign = cf.sends.get(d.step.id)!;
    const { at: _at, ...occasion } = entry.trigger;
    const sent = await dispatchFirst(deps, campaign, { ...occasion, occurrence: sendOccurrence(entry) });
    result.sends.push(sent);
    add(`${sent.outcome === 'duplicate' ? 'resent' : sent.outcome}:${d.step.id}`);
    entry.path.push(d.step.id);
    entry.lastSend = campaign.campaign.id;
    entry.at = d.next;
    // Deferred (quiet hours, the cap): the next step waits for the send.
    if (sent.outcome === 'deferred' && sent.until) entry.until = sent.until;
    // The send read the customer afresh (a profile that arrived meanwhile): later steps judge by it too.
    customer = await deps.customers.readCustomer(held.customerId);
  }
  if (wasWaiting !== (entry.status === 'waiting')) add('waiting', entry.status === 'waiting' ? 1 : -1);
  const saved = await deps.flowStore.save(entry, counts);
  result.flows.push({ flowId: flow.id, outcome: saved ? label : 'duplicate', entry: entry.entry, status: entry.status });
}

// A/B winners per flow, re-read at most once a minute per container: counters move slowly.
const winnerCache = new Map<string, { at: number; winners: Map<string, string | undefined> }>();

async function winnersFor(deps: FlowDeps, cf: CompiledFlow, entry: FlowEntry): Promise<(stepId: string) => string | undefined> {
  const step = cf.flow.steps.find((s) => s.id === entry.at);
  if (step?.type !== 'ab-split' || entry.variants?.[step.id]) return () => undefined;
  const key = cf.flow.id;
  const nowMs = deps.clock().getTime();
  let cached = winnerCache.get(key);
  if (!cached || nowMs - cached.at > 60_000) {
    const [counts, clicks] = await Promise.all([deps.flowStore.counters(cf.flow.id), deps.flowStore.clicks(clickCampaigns(cf.flow.id, cf.flow.steps))]);
    const winners = new Map<string, string | undefined>();
    for (const s of cf.flow.steps) if (s.type === 'ab-split') winners.set(s.id, abWinner(variantCounts(cf.flow.id, s, counts, clicks), s));
    winnerCache.set(key, (cached = { at: nowMs, winners }));
  }
  const winners = cached.winners;
  return (id) => winners.get(id);
}

/** Opened/clicked of the entry's last mail, read only when a split asks. */
async function previousEngagement(deps: FlowDeps, cf: CompiledFlow, entry: FlowEntry): Promise<{ opened: boolean; clicked: boolean } | undefined> {
  const step = cf.flow.steps.find((s) => s.id === entry.at);
  if (step?.type !== 'split' || (step.when.openedPrevious === undefined && step.when.clickedPrevious === undefined) || !entry.lastSend) return undefined;
  const occurrence = sendOccurrence(entry);
  const record = (await deps.sends.listSends(entry.customerId)).find((r) => r.campaignId === entry.lastSend && r.occurrence === occurrence);
  return { opened: !!record?.openedAt || !!record?.clickedAt, clicked: !!record?.clickedAt };
}

