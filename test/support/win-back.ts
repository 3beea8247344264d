/**
 * Shoppers for the churn → win-back loop (churn, campaigns, coupons and links files): profiles the
 * win-back templates greet by name, an order history that drifts into "at risk" at NOW, and ids on
 * either side of the win-back holdout.
 */
import { isHoldout } from '../../shared/campaigns/policy.js';
import { orderEvent, profileEvent } from './events.js';

/** The sweep's moment: 10:00 in London, 18:00 in Shanghai, 05:00 in New York (quiet hours there). */
export const NOW = new Date('2026-11-20T10:00:00Z');

/** A profile greeted as Ada Lovelace (en) or 王芳 (zh-CN), in the locale's time zone unless given. */
export const shopper = (customerId: string, locale: 'en' | 'zh-CN', consent: boolean, timeZone?: string) =>
  profileEvent(customerId, {
    name: locale === 'en' ? 'Ada Lovelace' : '王芳',
    locale,
    consent,
    ...(timeZone ? { timeZone } : {}),
    occurredAt: '2025-01-01T00:00:00Z',
  });

/** Buys every 30 days, last on 2026-09-01: 80 days silent at NOW, > 2 cycles → at risk. */
export const drifting = (customerId: string) =>
  ['2026-07-03', '2026-08-02', '2026-09-01'].map((d, i) => orderEvent(customerId, `${customerId}-o${i}`, `${d}T10:00:00Z`));

/** A consenting (unless told) shopper with that history: at risk by the rule at NOW. */
export const driftingShopper = (customerId: string, locale: 'en' | 'zh-CN' = 'en', consent = true, timeZone?: string) => [
  shopper(customerId, locale, consent, timeZone),
  ...drifting(customerId),
];

/** An id the win-back holdout (10 %) does not select, so a test does not depend on the hash. */
export const mailable = (base: string) => {
  for (let i = 0; ; i++) if (!isHoldout('win-back', `${base}${i}`, 10)) return `${base}${i}`;
};

/** And one it does select. */
export const control = (base: string) => {
  for (let i = 0; ; i++) if (isHoldout('win-back', `${base}${i}`, 10)) return `${base}${i}`;
};
