/**
 * Every stored customer as the campaign engine sees them (facts plus recent send history), for
 * dry runs and previews against the live table. Operator tooling: it reads the whole base.
 */
import type { CustomerFacts } from './audience.js';
import type { PolicyState } from './plan.js';
import type { CustomerStore } from '../platform/ports.js';
import { factsOf } from '../customers/facts.js';
import { forEachCustomerPage, recentSends } from '../customers/scan.js';

export async function liveAudience(store: CustomerStore, now: Date): Promise<{ facts: CustomerFacts[]; state: Map<string, PolicyState> }> {
  const facts: CustomerFacts[] = [];
  const state = new Map<string, PolicyState>();
  await forEachCustomerPage(store, async (customers) => {
    for (const c of customers) {
      if (!c.profile) continue;
      facts.push(factsOf({ ...c, profile: c.profile }, now));
      const history = recentSends(await store.listSends(c.customerId), now);
      state.set(c.customerId, { history, ...(c.summary.lastDay ? { entry: { lastOrderDay: c.summary.lastDay } } : {}) });
    }
  });
  return { facts, state };
}

export async function customerFacts(store: CustomerStore, customerId: string, now: Date): Promise<CustomerFacts | null> {
  const c = await store.getCustomer(customerId);
  return c?.profile ? factsOf({ ...c, profile: c.profile }, now) : null;
}
