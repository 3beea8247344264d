/** JSON Schemas of the event details, generated from the zod contracts, for shops' integrations. */
import { z } from 'zod';
import { contracts, DetailType, ENGAGE_SOURCE, SHOP_SOURCE, type DetailTypeName } from './events.js';

/** Engage's own plumbing between its functions: not an integration surface. */
const INTERNAL: ReadonlySet<DetailTypeName> = new Set([DetailType.CampaignSendDue, DetailType.CampaignTransactionalSendDue, DetailType.FlowStepDue]);

/** What a shop sends (source engage.shop) and what Engage publishes for others (engage.core). */
export function eventJsonSchemas(): Partial<Record<DetailTypeName, object>> {
  const out: Partial<Record<DetailTypeName, object>> = {};
  for (const [type, { source, schema }] of Object.entries(contracts) as [DetailTypeName, (typeof contracts)[DetailTypeName]][]) {
    if (INTERNAL.has(type) || (source !== SHOP_SOURCE && source !== ENGAGE_SOURCE)) continue;
    out[type] = {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      title: type,
      description: `Detail of an EventBridge event with source "${source}" and detail-type "${type}".`,
      ...z.toJSONSchema(schema, { io: 'input' }),
    };
  }
  return out;
}
