/**
 * One engine for campaigns and flows: a flow's `send` steps become campaigns of the send engine
 * (claim → decide → SES, with every guarantee of shared/campaigns/dispatch.ts), and a single-shot
 * campaign is the one-step flow whose send step is the campaign itself (same id, same records).
 */
import type { Campaign } from '../campaigns/schema.js';
import type { CompiledCampaign } from '../campaigns/render.js';
import type { Flow, SendStep } from './schema.js';

export interface CompiledFlow {
  flow: Flow;
  /** Each send step's campaign, by step id. */
  sends: Map<string, CompiledCampaign>;
  /** A single-shot campaign: no flow state is kept, its send record is the entry. */
  single: boolean;
}

/** The id of a send step's campaign: its send records, metrics, engagement and SES tags use it
 * (SES tag values allow letters, digits, `_` and `-` only, hence the double dash). */
export const stepCampaignId = (flowId: string, stepId: string): string => `${flowId}--${stepId}`;

/** The campaign a send step sends as: the flow's policy, the step's content. Audience and holdout
 * were decided at entry, so the step has neither; staleness too (the runner checked the trigger). */
export function stepCampaign(flow: Flow, step: SendStep): Campaign {
  return {
    id: stepCampaignId(flow.id, step.id),
    name: `${flow.name} · ${step.id}`,
    kind: flow.kind,
    enabled: flow.enabled,
    trigger: flow.trigger,
    audience: flow.kind === 'transactional' && flow.audience.requiresConsent === false ? { requiresConsent: false } : {},
    holdoutPercent: 0,
    onCapped: flow.onCapped,
    ...(flow.quietHours ? { quietHours: flow.quietHours } : {}),
    ...(step.coupon ? { coupon: step.coupon } : {}),
    ...(step.survey ? { survey: step.survey } : {}),
    // The flow checks its goals before every step itself (flows/decide.ts).
    exit: { orderedSinceEntry: false },
    fallbackLocale: flow.fallbackLocale,
    templates: step.templates,
  };
}

/** The step id of a single-shot campaign's one send. */
export const SINGLE_STEP = 'send';

/** A single-shot campaign as the one-step flow it is. */
export function singleStepFlow(c: CompiledCampaign): CompiledFlow {
  const k = c.campaign;
  const flow: Flow = {
    id: k.id,
    name: k.name,
    kind: k.kind,
    enabled: k.enabled,
    trigger: k.trigger,
    audience: k.audience,
    holdoutPercent: k.holdoutPercent,
    onCapped: k.onCapped,
    ...(k.quietHours ? { quietHours: k.quietHours } : {}),
    exit: { orderedSinceEntry: k.exit.orderedSinceEntry, unsubscribed: true },
    reEntry: { type: 'per-occasion' },
    fallbackLocale: k.fallbackLocale,
    steps: [{ id: SINGLE_STEP, type: 'send', templates: k.templates, ...(k.coupon ? { coupon: k.coupon } : {}), ...(k.survey ? { survey: k.survey } : {}) }],
  };
  return { flow, sends: new Map([[SINGLE_STEP, c]]), single: true };
}
