/** The per-recipient links of one mail, and the RFC 8058 one-click unsubscribe headers. */
import type { Campaign } from '../campaigns/schema.js';
import { SCALES, scaleScores } from '../surveys/scale.js';
import { signToken, TOKEN_TTL_DAYS, type TokenKeyring } from './token.js';

export interface SurveyLink {
  score: number;
  url: string;
}

/** Exposed to templates as `links`: `{{ links.unsubscribe }}`, `{% for l in links.survey %}`,
 * `{{ links.surveyByScore[5] }}`. */
export interface EmailLinks {
  unsubscribe: string;
  /** Rating links in scale order (CSAT 1..5, NPS 0..10); empty without a survey action. */
  survey: SurveyLink[];
  surveyByScore: Record<string, string>;
}

export const surveyIdOf = (campaignId: string, occurrence: string): string => `${campaignId}:${occurrence}`;

/** One survey token per mail; the score is a plain query parameter since the customer picks it. */
export function buildLinks(baseUrl: string, customerId: string, campaign: Campaign, occurrence: string, keys: TokenKeyring, now: Date): EmailLinks {
  const base = baseUrl.replace(/\/+$/, '');
  const unsubscribe = `${base}/u/${signToken('unsubscribe', { sub: customerId, ref: campaign.id }, keys, now)}`;
  if (!campaign.survey) return { unsubscribe, survey: [], surveyByScore: {} };
  const ttl = campaign.survey.expiresInDays * 86_400;
  const token = signToken('survey', { sub: customerId, ref: surveyIdOf(campaign.id, occurrence) }, keys, now, ttl);
  const survey = scaleScores(SCALES[campaign.survey.kind]).map((score) => ({ score, url: `${base}/s/${token}?score=${score}` }));
  return { unsubscribe, survey, surveyByScore: Object.fromEntries(survey.map((l) => [String(l.score), l.url])) };
}

export { TOKEN_TTL_DAYS };

/**
 * RFC 8058 one-click unsubscribe (required by Gmail/Yahoo for bulk marketing). The URL must be
 * HTTPS; plain HTTP is accepted only for loopback, for the local runtime.
 */
export function listUnsubscribeHeaders(url: string): { 'List-Unsubscribe': string; 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' } {
  const u = new URL(url);
  const loopback = u.hostname === 'localhost' || u.hostname === '127.0.0.1';
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && loopback)) throw new Error('List-Unsubscribe needs an https URL');
  return { 'List-Unsubscribe': `<${u.href}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' };
}
