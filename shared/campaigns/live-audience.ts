/**
 * Every stored customer as the campaign engine sees them (facts plus recent send history), for
 * dry runs and previews against the live table. Operator tooling: it reads the whole base.
 */
import type { CustomerFacts } from './audience.js';
import type { PolicyState } from './plan.js';
import type { CustomerStore } from '../customers/port.js';
import { factsOf } from '../customers/facts.js';
import { forEachCustomerPage } from '../customers/scan.js';
import { recentSends } from './history.js';
import type { SendStore } from './port.js';

export async function liveAudience(deps: { customers: Pick<CustomerStore, 'scanCustomers'>; sends: Pick<SendStore, 'listSends'> }, now: Date): Promise<{ facts: CustomerFacts[]; state: Map<string, PolicyState> }> {
  const facts: CustomerFacts[] = [];
  const state = new Map<string, PolicyState>();
  await forEachCustomerPage(deps.customers, async (customers) => {
    for (const c of customers) {
      if (!c.profile) continue;
      facts.push(factsOf({ ...c, profile: c.profile }, now));
      const sends = await deps.sends.listSends(c.customerId);
      // Occurrences already decided: dispatch decides each once, so a plan must not count them again.
      const decided: Record<string, string[]> = {};
      for (const s of sends) (decided[s.campaignId] ??= []).push(s.occurrence);
      state.set(c.customerId, { history: recentSends(sends, now), decided, ...(c.summary.lastDay ? { entry: { lastOrderDay: c.summary.lastDay } } : {}) });
    }
  });
  return { facts, state };
}

export async function customerFacts(customers: Pick<CustomerStore, 'readCustomer'>, customerId: string, now: Date): Promise<CustomerFacts | null> {
  const c = await customers.readCustomer(customerId);
  return c?.profile ? factsOf({ ...c, profile: c.profile }, now) : null;
}
