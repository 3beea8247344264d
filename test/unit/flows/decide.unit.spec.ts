/**
 * The flow step decision as a specification: given a flow, an entry at a step, the customer as
 * stored and what woke the entry, when it is decided at `now`, then send / suspend / go / exit.
 * No store: the decision is a pure function of its input.
 */
import { describe, expect, it } from 'vitest';
import { decideStep, waitingAtEntry, waitUntil, type FlowEntry, type StepInput, type Wake } from '../../../shared/flows/decide.js';
import { Flow } from '../../../shared/flows/schema.js';
import { occasionOf } from '../../../shared/campaigns/triggers.js';
import { DetailType } from '../../../shared/platform/contracts/events.js';
import type { CustomerView } from '../../../shared/customers/view.js';
import { emptySummary } from '../../../shared/orders/decide.js';
import { wakeConcerns } from '../../../shared/flows/run.js';
import type { CompiledFlow } from '../../../shared/flows/compile.js';

const NOW = new Date('2026-11-20T10:00:00Z');
const t = { subject: 's', mjml: '<mjml><mj-body></mj-body></mjml>', text: 't' };
const flow = Flow.parse({
  id: 'checkout',
  name: 'Abandoned checkout',
  trigger: { type: 'checkout-started' },
  exit: { orderedSinceEntry: true },
  steps: [
    { id: 'idle', type: 'wait', for: { hours: 1 } },
    { id: 'remind', type: 'send', templates: { en: t } },
    { id: 'ordered', type: 'wait-for', event: { type: 'order-placed' }, timeout: { hours: 23 }, onEvent: 'end', onTimeout: 'vip' },
    { id: 'vip', type: 'split', when: { tiers: ['gold'] }, then: 'gold-offer', else: 'ab' },
    { id: 'ab', type: 'ab-split', variants: [{ id: 'a', next: 'gold-offer' }, { id: 'b', next: 'end' }] },
    { id: 'gold-offer', type: 'send', templates: { en: t } },
  ],
});
const trigger = occasionOf({ type: DetailType.CheckoutStarted, detail: { checkoutId: 'k1', customerId: 'c1', lines: [{ sku: 's', title: 'Tea', price: 10, quantity: 1 }], total: 10, currency: 'CNY', occurredAt: '2026-11-20T09:59:00.000Z' } });
const entry = (over: Partial<FlowEntry> = {}): FlowEntry => ({ flowId: 'checkout', customerId: 'c1', entry: trigger.occurrence, trigger, enteredAt: '2026-11-20T09:59:30.000Z', status: 'active', at: 'idle', path: [], v: 1, ...over });
const customer = (over: Partial<CustomerView> = {}): CustomerView => ({
  customerId: 'c1',
  summary: { ...emptySummary(), orders: 2, purchaseDays: 2, firstDay: '2026-05-01', lastDay: '2026-10-01', spend: 100, firstDaySpend: 50 },
  profile: { email: 'c1@example.com', name: 'Ada', locale: 'en', timeZone: 'Europe/London', marketingConsent: true, updatedAt: '2026-01-01T00:00:00Z' },
  ...over,
});
const due: Wake = { kind: 'due' };
const order = (at: string, occurrence = 'order:o-2'): Wake => ({ kind: 'event', event: { type: 'order-placed', at, occurrence } });
const decide = (over: Partial<StepInput> = {}) => decideStep({ flow, entry: entry(), customer: customer(), wake: due, now: NOW, ...over });

describe('wait', () => {
  it('given a new entry at a wait, when decided, then it suspends for the duration', () => {
    expect(decide()).toEqual({ kind: 'suspend', until: new Date('2026-11-20T11:00:00Z') });
  });
  it('given an entry waiting, when its due time comes, then it goes on to the next step', () => {
    expect(decide({ entry: entry({ status: 'waiting', until: '2026-11-20T10:00:00.000Z' }) })).toEqual({ kind: 'go', next: 'remind' });
  });
  it('given an entry waiting, when woken early (a leased due event), then nothing changes', () => {
    expect(decide({ entry: entry({ status: 'waiting', until: '2026-11-20T11:00:00.000Z' }) })).toEqual({ kind: 'unchanged' });
  });
  it('until a local time on a weekday: the next such moment in the customer\'s zone', () => {
    // Friday 20 Nov 2026 10:00Z; Monday 10:00 in Shanghai is 02:00Z on the 23rd
    expect(waitUntil({ until: { time: '10:00', weekdays: ['mon'] } }, NOW, 'Asia/Shanghai').toISOString()).toBe('2026-11-23T02:00:00.000Z');
    // two days, then 10:00 London (GMT in November)
    expect(waitUntil({ for: { days: 2 }, until: { time: '10:00' } }, NOW, 'Europe/London').toISOString()).toBe('2026-11-22T10:00:00.000Z');
  });
});

describe('exit goals, before every step', () => {
  it('given an order after entry, when any step is decided, then the entry exits as ordered', () => {
    expect(decide({ entry: entry({ at: 'remind' }), wake: order('2026-11-20T10:30:00.000Z') })).toEqual({ kind: 'exit', reason: 'ordered' });
  });
  it('given the summary shows a purchase day after the entry day (the event came while busy), then it exits too', () => {
    expect(decide({ entry: entry({ at: 'remind' }), customer: customer({ summary: { ...customer().summary, lastDay: '2026-11-21' } }), now: new Date('2026-11-21T12:00:00Z') })).toEqual({ kind: 'exit', reason: 'ordered' });
  });
  it('given the customer unsubscribed during a wait, when the wait is over, then it exits instead of sending', () => {
    expect(decide({ entry: entry({ status: 'waiting', until: '2026-11-20T10:00:00.000Z' }), customer: customer({ suppressed: true }) })).toEqual({ kind: 'exit', reason: 'unsubscribed' });
  });
  it('given a backlog delivered the checkout and its order late, then the order still counts by the shop\'s times', () => {
    // checkout 09:59, order 10:20, both processed at 12:00 (enteredAt)
    const late = entry({ at: 'remind', enteredAt: '2026-11-20T12:00:00.000Z' });
    expect(decide({ entry: late, wake: order('2026-11-20T10:20:00.000Z'), now: new Date('2026-11-20T12:00:05Z') })).toEqual({ kind: 'exit', reason: 'ordered' });
  });
  it('the order that entered is not a goal reached', () => {
    const entered = entry({ at: 'remind', trigger: { ...trigger, type: 'order-placed', occurrence: 'order:o-1' }, entry: 'order:o-1' });
    expect(decide({ entry: entered, wake: order('2026-11-20T10:30:00.000Z', 'order:o-1') }).kind).toBe('send');
  });
});

describe('wait-for', () => {
  const waiting = entry({ at: 'ordered', status: 'waiting', until: '2026-11-21T09:00:00.000Z', waitingFor: { type: 'order-placed' } });
  const noGoal = { ...flow, exit: { orderedSinceEntry: false, unsubscribed: true } };
  it('given a wait-for reached, then it suspends until the timeout, waiting for the event', () => {
    expect(decide({ entry: entry({ at: 'ordered' }) })).toEqual({ kind: 'suspend', until: new Date('2026-11-21T09:00:00Z'), waitingFor: { type: 'order-placed' } });
  });
  it('given the event arrives before the timeout, then it takes the event branch', () => {
    expect(decide({ flow: noGoal, entry: waiting, wake: order('2026-11-20T12:00:00.000Z'), now: new Date('2026-11-20T12:00:00Z') })).toEqual({ kind: 'go', next: 'end' });
  });
  it('given the timeout passes, when due, then it takes the timeout branch', () => {
    expect(decide({ flow: noGoal, entry: waiting, now: new Date('2026-11-21T09:00:00Z') })).toEqual({ kind: 'go', next: 'vip' });
  });
  it('given an event after the timeout (the due job is late), then it is not the event branch', () => {
    expect(decide({ flow: noGoal, entry: waiting, wake: order('2026-11-21T09:30:00.000Z'), now: new Date('2026-11-21T09:30:00Z') })).toEqual({ kind: 'unchanged' });
  });
  it('a goal on orders does not pre-empt a step waiting for that order', () => {
    expect(decide({ entry: waiting, wake: order('2026-11-20T12:00:00.000Z'), now: new Date('2026-11-20T12:00:00Z') })).toEqual({ kind: 'go', next: 'end' });
  });
});

describe('split and A/B', () => {
  it('a split follows the condition on the customer read model', () => {
    expect(decide({ entry: entry({ at: 'vip' }), customer: customer({ tier: 'gold' }) })).toEqual({ kind: 'go', next: 'gold-offer' });
    expect(decide({ entry: entry({ at: 'vip' }) })).toEqual({ kind: 'go', next: 'ab' });
  });
  it('an A/B split assigns by a stable hash, keeps an assignment, and gives the winner to new entrants', () => {
    const first = decide({ entry: entry({ at: 'ab' }) });
    expect(decide({ entry: entry({ at: 'ab' }) })).toEqual(first);
    expect(decide({ entry: entry({ at: 'ab', variants: { ab: 'b' } }), winner: () => 'a' })).toEqual({ kind: 'go', next: 'end', variant: { step: 'ab', id: 'b' } });
    expect(decide({ entry: entry({ at: 'ab' }), winner: () => 'a' })).toEqual({ kind: 'go', next: 'gold-offer', variant: { step: 'ab', id: 'a' } });
  });
  it('a split on engagement reads the previous mail', () => {
    const f = Flow.parse({ ...flow, steps: [{ id: 'opened', type: 'split', when: { openedPrevious: true }, then: 'x', else: 'end' }, { id: 'x', type: 'send', templates: { en: t } }] });
    expect(decideStep({ flow: f, entry: entry({ at: 'opened' }), customer: customer(), wake: due, now: NOW, previous: { opened: true, clicked: false } })).toEqual({ kind: 'go', next: 'x' });
    expect(decideStep({ flow: f, entry: entry({ at: 'opened' }), customer: customer(), wake: due, now: NOW, previous: { opened: false, clicked: false } })).toEqual({ kind: 'go', next: 'end' });
  });
});

describe('send', () => {
  it('a send step sends, then goes to the following step', () => {
    expect(decide({ entry: entry({ at: 'remind' }) })).toMatchObject({ kind: 'send', step: { id: 'remind' }, next: 'ordered' });
  });
  it('after a deferred send the next step waits for it (active, not before)', () => {
    expect(decide({ entry: entry({ at: 'vip', until: '2026-11-20T11:00:00.000Z' }) })).toEqual({ kind: 'unchanged' });
  });
  it('an entry past its last step is done', () => {
    expect(decide({ entry: entry({ at: 'end' }) })).toEqual({ kind: 'done' });
  });
});

describe('entering', () => {
  const fresh = entry({ v: 0, enteredAt: NOW.toISOString() });
  it('an entry whose first step waits is stored waiting, in the due index at the end of the wait: one write', () => {
    expect(waitingAtEntry({ flow, entry: fresh, customer: customer(), now: NOW })).toEqual({
      entry: { ...fresh, status: 'waiting', until: '2026-11-20T11:00:00.000Z' },
      dueAt: '2026-11-20T11:00:00.000Z',
    });
  });
  it('a wait-for first step is stored waiting for its event until the timeout', () => {
    expect(waitingAtEntry({ flow, entry: entry({ v: 0, at: 'ordered' }), customer: customer(), now: NOW })).toMatchObject({
      entry: { status: 'waiting', waitingFor: { type: 'order-placed' }, until: '2026-11-21T09:00:00.000Z' },
      dueAt: '2026-11-21T09:00:00.000Z',
    });
  });
  it('a first send not before a time (a cart\'s idle time) is stored active, due then', () => {
    const later = entry({ v: 0, at: 'remind', until: '2026-11-20T11:00:00.000Z' });
    expect(waitingAtEntry({ flow, entry: later, customer: customer(), now: NOW })).toEqual({ entry: later, dueAt: '2026-11-20T11:00:00.000Z' });
  });
  it('a first step that sends, splits or exits is left to the run after entering', () => {
    expect(waitingAtEntry({ flow, entry: entry({ v: 0, at: 'remind' }), customer: customer(), now: NOW })).toBeUndefined();
    expect(waitingAtEntry({ flow, entry: entry({ v: 0, at: 'vip' }), customer: customer(), now: NOW })).toBeUndefined();
    const unsubscribed = customer({ profile: { ...customer().profile!, marketingConsent: false } });
    expect(waitingAtEntry({ flow: { ...flow, kind: 'marketing' }, entry: fresh, customer: unsubscribed, now: NOW })).toBeUndefined();
  });
});

describe('which wakes read the entries', () => {
  const waiting = (event: object): CompiledFlow => ({ flow: Flow.parse({ ...flow, steps: [{ id: 'w', type: 'wait-for', event, timeout: { days: 1 }, onEvent: 'end', onTimeout: 'end' }] }), sends: new Map() }) as unknown as CompiledFlow;
  const risk = (level: string): Wake => ({ kind: 'event', event: { type: 'risk-entered', level, at: NOW.toISOString() } });
  const delivered: Wake = { kind: 'event', event: { type: 'order-delivered', at: NOW.toISOString(), orderId: 'o1' } };
  it('a risk level or a delivery only where a wait-for waits for it', () => {
    const flows = [waiting({ type: 'risk-entered', level: 'churned' })];
    expect(wakeConcerns(flows, risk('churned'))).toBe(true);
    expect(wakeConcerns(flows, risk('at-risk'))).toBe(false);
    expect(wakeConcerns(flows, delivered)).toBe(false);
    expect(wakeConcerns([waiting({ type: 'order-delivered' })], delivered)).toBe(true);
  });
  it('an order always (exit goals, conversions), and the due job always', () => {
    expect(wakeConcerns([], order('2026-11-20T10:00:00Z'))).toBe(true);
    expect(wakeConcerns([], due)).toBe(true);
  });
});
