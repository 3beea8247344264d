/** Where the report reads its KPIs (the capability's one port). Today a scan of the table computes
 * them (./dynamodb.ts, an operator path like campaign results); the incremental counters of phase
 * 2 will answer the same query with a few Queries, and nothing that reads KPIs changes. */
import type { KpiData, KpiQuery } from './kpis.js';

export interface KpiSource {
  readKpis(q: KpiQuery): Promise<KpiData>;
}
