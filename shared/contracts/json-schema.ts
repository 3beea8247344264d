/** JSON Schemas of the event details, generated from the zod contracts, for shops' integrations. */
import { z } from 'zod';
import { contracts, type DetailTypeName } from './events.js';

export function eventJsonSchemas(): Record<DetailTypeName, object> {
  const out = {} as Record<DetailTypeName, object>;
  for (const [type, { source, schema }] of Object.entries(contracts) as [DetailTypeName, (typeof contracts)[DetailTypeName]][]) {
    out[type] = {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      title: type,
      description: `Detail of an EventBridge event with source "${source}" and detail-type "${type}".`,
      ...z.toJSONSchema(schema, { io: 'input' }),
    };
  }
  return out;
}
