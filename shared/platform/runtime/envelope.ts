/** Turns an SQS record body (an EventBridge envelope) into a validated, typed event. */
import { Envelope, contracts, type DetailTypeName } from '../contracts/events.js';
import type { TypedEvent } from '../contracts/functions.js';
import { MalformedEventError } from '../errors.js';

export function parseEnvelope<T extends DetailTypeName>(body: string, accepted: readonly T[]): TypedEvent<T> {
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch {
    throw new MalformedEventError('message body is not JSON');
  }
  const env = Envelope.safeParse(raw);
  if (!env.success) throw new MalformedEventError(`not an EventBridge event: ${describe(env.error.issues)}`);
  const type = env.data['detail-type'] as T;
  if (!accepted.includes(type)) throw new MalformedEventError(`unexpected detail-type "${type}"`);
  const contract = contracts[type];
  // (An event type's source is fixed by its contract; a route can only deliver that pair.)
  if (env.data.source !== contract.source) throw new MalformedEventError(`unexpected source "${env.data.source}" for ${type}`);
  const detail = contract.schema.safeParse(env.data.detail);
  if (!detail.success) throw new MalformedEventError(`${type} ${env.data.id}: ${describe(detail.error.issues, 'detail')}`);
  return { type, detail: detail.data } as TypedEvent<T>;
}

function describe(issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>, prefix?: string): string {
  return issues.map((i) => `${[prefix, ...i.path.map(String)].filter(Boolean).join('.')}: ${i.message}`).join('; ');
}
