/**
 * What a production stage must have before it may mail customers: every problem at once, each
 * naming its context key, so one failed synth tells the operator everything left to do.
 */
import { DEFAULTS } from '../shared/platform/config.js';
import type { EngageSettings } from './settings.js';

/** Values the demo and the local runtime use; a production stage must never send them. */
const DEMO_VALUES = new Set(
  [DEFAULTS.shopName, DEFAULTS.shopAddress, DEFAULTS.shopUrl, 'Engage Demo Shop', '88 Demo Road, Hangzhou 310000, China'].map((v) => v.toLowerCase()),
);

/** RFC 2606 / 6761 names: documentation and test domains that no shop owns. */
const RESERVED_DOMAIN = /(^|\.)(example\.(com|net|org)|example|test|invalid|localhost|local)$/i;
const reserved = (domain: string | undefined) => domain !== undefined && RESERVED_DOMAIN.test(domain);
const domainOf = (address: string) => address.split('@')[1]?.toLowerCase() ?? '';
const hostOf = (url: string) => {
  try {
    return new URL(url).hostname;
  } catch {
    return '';
  }
};
const isDemo = (v: string | undefined) => v !== undefined && DEMO_VALUES.has(v.trim().toLowerCase());

export function productionProblems(s: EngageSettings): string[] {
  const p: string[] = [];
  const k = (key: string) => `engage:${key}`;
  if (!s.account) p.push(`${k('account')}: pin the stage to its AWS account (a deploy with other credentials then fails)`);
  if (!s.region) p.push(`${k('region')}: pin the stage to its AWS region`);

  if (!s.senderDomain) p.push(`${k('senderDomain')}: the shop's sending domain, verified with Easy DKIM and a custom MAIL FROM (Gmail/Yahoo bulk-sender rules)`);
  else if (reserved(s.senderDomain)) p.push(`${k('senderDomain')}: "${s.senderDomain}" is a reserved example domain`);
  if (reserved(domainOf(s.senderEmail))) p.push(`${k('senderEmail')}: "${s.senderEmail}" is a demo address; use one at your sending domain`);
  else if (s.senderDomain && domainOf(s.senderEmail) !== s.senderDomain && !domainOf(s.senderEmail).endsWith(`.${s.senderDomain}`)) {
    p.push(`${k('senderEmail')}: "${s.senderEmail}" is not at ${s.senderDomain} (DKIM would not align with the From address)`);
  }

  if (!s.shopName) p.push(`${k('shopName')}: the shop's name, shown in every mail`);
  else if (isDemo(s.shopName)) p.push(`${k('shopName')}: "${s.shopName}" is the demo shop's name`);
  if (!s.shopAddress) p.push(`${k('shopAddress')}: the shop's postal address, required in every marketing mail (CAN-SPAM)`);
  else if (isDemo(s.shopAddress)) p.push(`${k('shopAddress')}: "${s.shopAddress}" is the demo address`);
  if (!s.shopUrl) p.push(`${k('shopUrl')}: the shop's web address, linked from every mail`);
  else if (isDemo(s.shopUrl) || reserved(hostOf(s.shopUrl))) p.push(`${k('shopUrl')}: "${s.shopUrl}" is a demo address`);

  if (!s.alarmEmail) p.push(`${k('alarmEmail')}: who the alarms reach (dead letters, SES reputation, failed jobs)`);
  else if (reserved(domainOf(s.alarmEmail))) p.push(`${k('alarmEmail')}: "${s.alarmEmail}" is a demo address`);

  if (!s.linksDomain) {
    p.push(`${k('linksDomain')} and ${k('linksCertificateArn')}: the links in mail (unsubscribe for 400 days) must live on the shop's own domain, so they survive a rebuilt distribution`);
  }
  if (!s.wafWebAclArn && s.region && s.region !== 'us-east-1') {
    p.push(
      `${k('wafWebAclArn')}: CloudFront WebACLs exist only in us-east-1 and this stage is in ${s.region}: ` +
        `deploy the edge stack (npx cdk deploy -a "npx tsx infra/edge-app.ts" -c engage:stage=${s.stage} -c engage:account=…) and set its WebAclArn output`,
    );
  }
  return p;
}
