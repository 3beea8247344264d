/**
 * The shop as campaign dispatch sees it, for the CLI: the `shop` configuration group (SHOP_* and
 * SEND_CAP_* variables) over the local demo's values, so a preview shows the shop's real name and
 * address and a dry run applies the configured caps and time zone.
 */
import { capFrom, loadConfig, ShopConfig, shopInfoFrom } from '../shared/platform/config.js';
import type { ShopPolicy } from '../shared/campaigns/policy.js';
import type { ShopInfo } from '../shared/campaigns/templates.js';
import { LOCAL_SHOP } from '../local/env.js';

export function configuredShop(env: NodeJS.ProcessEnv = process.env): { info: ShopInfo; policy: ShopPolicy } {
  const c = loadConfig(ShopConfig, { ...LOCAL_SHOP, ...env });
  const info = shopInfoFrom(c);
  return { info, policy: { ...(info.timeZone ? { timeZone: info.timeZone } : {}), cap: capFrom(c) } };
}
