/**
 * The path a customer would take through a flow if it started now and nothing happened meanwhile
 * (no order, no unsubscribe, no risk change): for `engage campaigns path`, so a marketer sees
 * which steps a given customer reaches, when, and why. Pure: the same decision the runner makes.
 */
import type { CustomerView } from '../customers/view.js';
import { factsOf } from '../customers/facts.js';
import { audienceOf, matchesAudience } from '../campaigns/audience.js';
import { isHoldout } from '../campaigns/policy.js';
import type { Occasion } from '../platform/contracts/events.js';
import { decideStep, type FlowEntry } from './decide.js';
import type { Flow } from './schema.js';

export interface PathStep {
  at: string;
  step: string;
  what: string;
}

export function flowPath(flow: Flow, customer: CustomerView, now: Date, opts: { shopTimeZone?: string } = {}): PathStep[] {
  const out: PathStep[] = [];
  const note = (at: Date, step: string, what: string) => out.push({ at: at.toISOString(), step, what });
  if (customer.profile) {
    const audience = matchesAudience(audienceOf(flow), factsOf({ ...customer, profile: customer.profile }, now), now);
    if (!audience.ok) return [{ at: now.toISOString(), step: '(entry)', what: `does not enter: audience filter ${audience.reason}` }];
  }
  if (isHoldout(flow.id, customer.customerId, flow.holdoutPercent)) return [{ at: now.toISOString(), step: '(entry)', what: `enters the control group (${flow.holdoutPercent} %): no step` }];
  const trigger: Occasion = { type: flow.trigger.type, customerId: customer.customerId, occurrence: 'path', vars: {}, match: {} } as Occasion;
  let entry: FlowEntry = { flowId: flow.id, customerId: customer.customerId, entry: 'path', trigger, enteredAt: now.toISOString(), status: 'active', at: flow.steps[0]!.id, path: [], v: 0 };
  let t = now;
  for (let i = 0; i < 60; i++) {
    const d = decideStep({ flow, entry, customer, wake: { kind: 'due' }, now: t, ...(opts.shopTimeZone ? { shopTimeZone: opts.shopTimeZone } : {}) });
    const step = flow.steps.find((s) => s.id === entry.at);
    if (d.kind === 'done') return (note(t, 'end', 'done'), out);
    if (d.kind === 'exit') return (note(t, entry.at, `exits: ${d.reason}`), out);
    if (d.kind === 'unchanged') return (note(t, entry.at, 'stops here (nothing more would happen)'), out);
    if (d.kind === 'suspend') {
      note(t, entry.at, d.waitingFor ? `waits for ${d.waitingFor.type}${'level' in d.waitingFor ? ` ${d.waitingFor.level}` : ''} until ${d.until.toISOString()}; if none comes, takes the timeout branch` : `waits until ${d.until.toISOString()}`);
      entry = { ...entry, status: 'waiting', until: d.until.toISOString() };
      t = d.until;
      continue;
    }
    if (d.kind === 'send') note(t, entry.at, `sends "${d.step.id}"${d.step.coupon ? ' with a single-use coupon' : ''}${d.step.survey ? ' with a survey' : ''} (if the sending policy lets it: consent, caps, quiet hours)`);
    else if (step?.type === 'split') note(t, entry.at, `split: the condition ${d.next === step.then ? 'holds' : 'does not hold'} → ${d.next}`);
    else if (step?.type === 'ab-split') note(t, entry.at, `A/B: variant ${d.variant?.id} (stable for this customer) → ${d.next}`);
    else if (step?.type === 'wait-for') note(t, entry.at, `timeout → ${d.next}`);
    entry = { ...entry, status: 'active', at: d.kind === 'send' ? d.next : d.next };
    delete entry.until;
  }
  return out;
}
