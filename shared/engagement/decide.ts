/**
 * Engagement from SES's event stream: which fact an SES event states about one Engage send, and
 * whether it counts. Pure: the event, the send as recorded, the rules.
 *
 * Counting rules (documented in the README, "KPIs and the report"):
 * - Each fact counts once per send (the first delivery, open, click, bounce, complaint); SES
 *   delivers its events at least once, so a repeat is recognised by the send's own record.
 * - A click within `botClickSeconds` of delivery, or from a user agent that names a link scanner,
 *   is flagged as a machine click: recorded on the send, not counted and not attributed. Mail
 *   security gateways (Microsoft Defender Safe Links, Proofpoint, Mimecast, Barracuda) follow
 *   every link seconds after delivery; people do not.
 * - Opens are counted as SES reports them; Apple Mail Privacy Protection loads the pixel for the
 *   recipient, so open rates are an upper bound (clicks are the signal to act on).
 */
import type { SesEmailEvent } from '../platform/contracts/events.js';
import { decodeTag } from '../mail/tags.js';

export type EngagementKind = 'delivered' | 'opened' | 'clicked' | 'bounced' | 'complained';

export interface EngagementFact {
  kind: EngagementKind;
  customerId: string;
  campaignId: string;
  occurrence: string;
  at: Date;
  userAgent?: string;
  link?: string;
}

export interface EngagementRules {
  /** A click sooner than this after delivery (or after sending, when no delivery is known yet). */
  botClickSeconds: number;
}

export const DEFAULT_ENGAGEMENT_RULES: EngagementRules = { botClickSeconds: 10 };

const SCANNER_AGENT = /bot\b|crawler|spider|headless|python-requests|curl\/|wget\/|go-http-client|scanner|proofpoint|mimecast|barracuda|safelinks/i;

const KIND_OF: Partial<Record<SesEmailEvent['eventType'], EngagementKind>> = {
  Delivery: 'delivered',
  Open: 'opened',
  Click: 'clicked',
  Complaint: 'complained',
};

/** The fact an SES event states about an Engage send, or why it states none. */
export function engagementOf(e: SesEmailEvent): { fact: EngagementFact } | { none: string } {
  const kind = e.eventType === 'Bounce' ? (e.bounce?.bounceType === 'Permanent' ? 'bounced' : undefined) : KIND_OF[e.eventType];
  if (!kind) return { none: e.eventType === 'Bounce' ? 'transient bounce' : e.eventType.toLowerCase() };
  const tag = (name: string) => {
    const v = e.mail.tags[name]?.[0];
    return v === undefined ? undefined : decodeTag(v);
  };
  const customerId = tag('customer');
  const campaignId = tag('campaign');
  const occurrence = tag('occurrence');
  // Mail sent before sends carried their occurrence cannot be matched to one send.
  if (!customerId || !campaignId || !occurrence) return { none: 'not an Engage send (no campaign, customer and occurrence tags)' };
  const detail: { timestamp: string; userAgent?: string } | undefined = kind === 'opened' ? e.open : kind === 'clicked' ? e.click : kind === 'delivered' ? e.delivery : undefined;
  const when = detail?.timestamp ?? e.mail.timestamp;
  if (!when) return { none: `${e.eventType.toLowerCase()} without a time` };
  const at = new Date(when);
  return {
    fact: {
      kind,
      customerId,
      campaignId,
      occurrence,
      at,
      ...(detail?.userAgent ? { userAgent: detail.userAgent } : {}),
      ...(kind === 'clicked' && e.click?.link ? { link: e.click.link } : {}),
    },
  };
}

export type ClickJudgement = { counted: true } | { counted: false; reason: 'too-fast' | 'scanner-agent' };

/** Whether a click is a person's (see the rules above). `deliveredAt` falls back to the send time. */
export function judgeClick(fact: EngagementFact, deliveredAt: Date | undefined, rules: EngagementRules): ClickJudgement {
  if (fact.userAgent && SCANNER_AGENT.test(fact.userAgent)) return { counted: false, reason: 'scanner-agent' };
  if (deliveredAt && fact.at.getTime() - deliveredAt.getTime() < rules.botClickSeconds * 1000) return { counted: false, reason: 'too-fast' };
  return { counted: true };
}
