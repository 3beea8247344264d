/**
 * Every stored customer as the campaign engine sees them (facts plus recent send history), for
 * dry runs and previews against the live table. Operator tooling: it reads the whole base.
 */
import type { CustomerFacts } from '../campaigns/audience.js';
import type { PolicyState } from '../campaigns/plan.js';
import type { CustomerStore } from '../ports.js';
import { factsOf } from './facts.js';

const SEGMENTS = 4;
const HISTORY_MS = 7 * 86_400_000;

export async function liveAudience(store: CustomerStore, now: Date): Promise<{ facts: CustomerFacts[]; state: Map<string, PolicyState> }> {
  const facts: CustomerFacts[] = [];
  const state = new Map<string, PolicyState>();
  const since = new Date(now.getTime() - HISTORY_MS).toISOString();
  for (let segment = 0; segment < SEGMENTS; segment++) {
    let cursor: Record<string, string> | undefined;
    do {
      const page = await store.scanCustomers({ segment, totalSegments: SEGMENTS, limit: 500, ...(cursor ? { cursor } : {}) });
      for (const c of page.customers) {
        if (!c.profile) continue;
        facts.push(factsOf({ ...c, profile: c.profile }, now));
        const history = (await store.listSends(c.customerId)).filter((s) => s.status === 'sent' && s.at >= since).map((s) => ({ at: s.at, kind: s.kind ?? 'marketing' }));
        state.set(c.customerId, { history, ...(c.summary.lastDay ? { entry: { lastOrderDay: c.summary.lastDay } } : {}) });
      }
      cursor = page.cursor;
    } while (cursor);
  }
  return { facts, state };
}

export async function customerFacts(store: CustomerStore, customerId: string, now: Date): Promise<CustomerFacts | null> {
  const c = await store.getCustomer(customerId);
  return c?.profile ? factsOf({ ...c, profile: c.profile }, now) : null;
}
