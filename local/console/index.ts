/** The console for a running local system: its stores, its campaigns, and the shop settings the
 * dispatch function itself gets (so previews show what customers would receive). */
import { loadConfig, ShopConfig, shopInfoFrom } from '../../shared/platform/config.js';
import { documentClient } from '../../shared/platform/table/dynamodb.js';
import { CounterKpiSource } from '../../shared/reports/index.js';
import type { LocalSystem } from '../system.js';
import { startConsole, type ConsoleHandle } from './server.js';

export { startConsole, type ConsoleHandle, type ConsoleOptions } from './server.js';

export function localKpiSource(sys: Pick<LocalSystem, 'dynamodb' | 'tableName' | 'envOf' | 'settings'>): { kpis: CounterKpiSource; shop: ReturnType<typeof shopInfoFrom> } {
  const shop = shopInfoFrom(loadConfig(ShopConfig, sys.envOf('campaign-dispatch')));
  const kpis = new CounterKpiSource(documentClient(sys.dynamodb), sys.tableName, { currency: shop.currency, timeZone: shop.timeZone });
  return { kpis, shop };
}

export async function startLocalConsole(sys: Pick<LocalSystem, 'stores' | 'dynamodb' | 'tableName' | 'envOf' | 'settings'>, opts: { lang?: 'zh-CN' | 'en'; port?: number } = {}): Promise<ConsoleHandle> {
  const { kpis, shop } = localKpiSource(sys);
  return startConsole({ stores: sys.stores, kpis, campaignsDir: sys.settings.campaignsDir, shop, ...opts });
}
