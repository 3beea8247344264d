/** Dry-run planning and preview: what a campaign would do, without sending anything. */
import type { Locale } from '../platform/contracts/events.js';
import type { CustomerFacts } from './audience.js';
import { plannability, triggerFor, type Plannability } from './plan-trigger.js';
import { decideDelivery, type DeliveryDecision, type MailKind, type ShopPolicy } from './policy.js';
import { pickLocale, renderEmail, type CompiledCampaign, type RenderedEmail } from './render.js';
import type { Campaign } from './schema.js';
import { sampleInput, templateVars, type ShopInfo, type TemplateInput } from './templates.js';

/** Per customer, what the store knows for policy: recent sends and, for exits, the entry state. */
export interface PolicyState {
  history: ReadonlyArray<{ at: string; kind: MailKind }>;
  entry?: { lastOrderDay?: string };
  /** Every occurrence already decided for the customer, by campaign id (any outcome). */
  decided?: Record<string, string[]>;
}

export type PlanRow = { customerId: string; occurrence: string } & DeliveryDecision;

export interface PlanSummary {
  campaignId: string;
  trigger: Plannability;
  counts: {
    /** Customers the trigger fires for now: the plan's population. */
    triggered: number;
    /** Customers it does not fire for (not their birthday, another risk level, entry decided…). */
    notTriggered: number;
    send: number;
    defer: number;
    skip: Record<string, number>;
  };
  rows: PlanRow[];
}

export function planCampaign(
  campaign: Campaign,
  customers: readonly CustomerFacts[],
  policyState: ReadonlyMap<string, PolicyState> | Record<string, PolicyState>,
  now: Date,
  shop?: ShopPolicy,
): PlanSummary {
  const stateOf = (id: string) => (policyState instanceof Map ? policyState.get(id) : (policyState as Record<string, PolicyState>)[id]);
  const trigger = plannability(campaign);
  const counts: PlanSummary['counts'] = { triggered: 0, notTriggered: 0, send: 0, defer: 0, skip: {} };
  const rows: PlanRow[] = [];
  if (!trigger.plannable) return { campaignId: campaign.id, trigger, counts: { ...counts, notTriggered: customers.length }, rows };
  for (const facts of customers) {
    const s = stateOf(facts.customerId);
    const fired = triggerFor(campaign, facts, new Set(s?.decided?.[campaign.id] ?? []), now);
    if (fired.kind !== 'fires') {
      counts.notTriggered++;
      continue;
    }
    counts.triggered++;
    // A risk entry is judged against the last order day it was entered with (exit conditions).
    const entry = campaign.trigger.type === 'risk-entered' && facts.lastOrderDay ? { lastOrderDay: facts.lastOrderDay } : s?.entry;
    const d = decideDelivery({ campaign, facts, history: s?.history ?? [], now, ...(shop ? { shop } : {}), ...(entry ? { entry } : {}) });
    if (d.decision === 'skip') counts.skip[d.reason] = (counts.skip[d.reason] ?? 0) + 1;
    else counts[d.decision]++;
    rows.push({ customerId: facts.customerId, occurrence: fired.occurrence, ...d });
  }
  return { campaignId: campaign.id, trigger, counts, rows };
}

/** One line a person reads; machine readers take the JSON instead. */
export function formatPlan(p: PlanSummary): string {
  if (!p.trigger.plannable) return `${p.campaignId}: not plannable — ${p.trigger.reason}`;
  const skips = Object.entries(p.counts.skip).map(([k, v]) => `${k} ${v}`).join(', ');
  return `${p.campaignId}: ${p.counts.triggered} triggered now (${p.trigger.population}); send ${p.counts.send}, defer ${p.counts.defer}, skip ${skips || 'none'}`;
}

/**
 * Renders one campaign for one customer, strictly (an unknown variable fails). `vars` overrides
 * parts of the sample context (links, coupon, trigger data); a real customer plugs in as `facts`.
 * Dates in the sample context are relative to `now` (a coupon expiring in its campaign's days).
 */
export function previewCampaign(
  c: CompiledCampaign,
  facts: CustomerFacts,
  vars: Partial<Omit<TemplateInput, 'facts' | 'locale'>> & { shop?: ShopInfo } = {},
  locale?: Locale,
  now: Date = new Date(),
): RenderedEmail & { locale: Locale } {
  const chosen = pickLocale(c, locale ?? facts.locale);
  const input = { ...sampleInput(c.campaign, chosen, facts, vars.shop, now), ...vars, facts: { ...facts, locale: chosen }, locale: chosen };
  return { locale: chosen, ...renderEmail(c, chosen, templateVars(input), { strict: true }) };
}
