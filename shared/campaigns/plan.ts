/** Dry-run planning and preview: what a campaign would do, without sending anything. */
import type { Locale } from '../platform/contracts/events.js';
import type { CustomerFacts } from './audience.js';
import { decideDelivery, type DeliveryDecision, type MailKind, type ShopPolicy } from './policy.js';
import { pickLocale, renderEmail, type CompiledCampaign, type RenderedEmail } from './render.js';
import type { Campaign } from './schema.js';
import { sampleInput, templateVars, type ShopInfo, type TemplateInput } from './templates.js';

/** Per customer, what the store knows for policy: recent sends and, for exits, the entry state. */
export interface PolicyState {
  history: ReadonlyArray<{ at: string; kind: MailKind }>;
  entry?: { lastOrderDay?: string };
}

export type PlanRow = { customerId: string } & DeliveryDecision;

export interface PlanSummary {
  rows: PlanRow[];
  counts: { send: number; defer: number; skip: Record<string, number> };
}

export function planCampaign(
  campaign: Campaign,
  customers: readonly CustomerFacts[],
  policyState: ReadonlyMap<string, PolicyState> | Record<string, PolicyState>,
  now: Date,
  shop?: ShopPolicy,
): PlanSummary {
  const stateOf = (id: string) => (policyState instanceof Map ? policyState.get(id) : (policyState as Record<string, PolicyState>)[id]);
  const counts: PlanSummary['counts'] = { send: 0, defer: 0, skip: {} };
  const rows = customers.map((facts): PlanRow => {
    const s = stateOf(facts.customerId);
    const d = decideDelivery({ campaign, facts, history: s?.history ?? [], now, ...(shop ? { shop } : {}), ...(s?.entry ? { entry: s.entry } : {}) });
    if (d.decision === 'skip') counts.skip[d.reason] = (counts.skip[d.reason] ?? 0) + 1;
    else counts[d.decision]++;
    return { customerId: facts.customerId, ...d };
  });
  return { rows, counts };
}

/**
 * Renders one campaign for one customer, strictly (an unknown variable fails). `vars` overrides
 * parts of the sample context (links, coupon, trigger data); a real customer plugs in as `facts`.
 */
export function previewCampaign(
  c: CompiledCampaign,
  facts: CustomerFacts,
  vars: Partial<Omit<TemplateInput, 'facts' | 'locale'>> & { shop?: ShopInfo } = {},
  locale?: Locale,
): RenderedEmail & { locale: Locale } {
  const chosen = pickLocale(c, locale ?? facts.locale);
  const input = { ...sampleInput(c.campaign, chosen, facts, vars.shop), ...vars, facts: { ...facts, locale: chosen }, locale: chosen };
  return { locale: chosen, ...renderEmail(c, chosen, templateVars(input), { strict: true }) };
}
