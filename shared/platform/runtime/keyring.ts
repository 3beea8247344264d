/**
 * The link-signing keyring: JSON `{ "current": { "kid", "secret" }, "previous": [...] }` with
 * base64 secrets of ≥ 32 bytes. In AWS it is a Secrets Manager secret; locally a generated file.
 * Rotation: put a new `current`, move the old one to `previous` until its links have expired.
 * Running containers re-read it after `KEYRING_TTL_MS` (cachedKeyring), so a rotation reaches
 * every warm function within minutes, without a deploy.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { z } from 'zod';
import { EnvVar, type KeyringConfig } from '../config.js';
import type { Clock } from '../ports.js';
import { cached, type Cached } from './cache.js';
import type { TokenKey, TokenKeyring } from '../../links/token.js';

const KeyJson = z.object({ kid: z.string().regex(/^[A-Za-z0-9_-]{1,16}$/), secret: z.string().min(43) });
const KeyringJson = z.object({ current: KeyJson, previous: z.array(KeyJson).optional() });

const toKey = (k: z.infer<typeof KeyJson>): TokenKey => {
  const secret = Buffer.from(k.secret, 'base64');
  if (secret.length < 32) throw new Error(`token key ${k.kid}: secret must be at least 32 bytes`);
  return { kid: k.kid, secret };
};

export function parseKeyring(json: string): TokenKeyring {
  const raw: unknown = JSON.parse(json);
  // A single generated key (what the CDK secret starts as) is a keyring with no previous keys.
  const k = KeyringJson.parse(KeyJson.safeParse(raw).success ? { current: raw } : raw);
  return { current: toKey(k.current), ...(k.previous ? { previous: k.previous.map(toKey) } : {}) };
}

/** The keyring's JSON, from the local file or from Secrets Manager. */
export async function readKeyringJson(config: z.infer<typeof KeyringConfig>): Promise<string> {
  const file = config[EnvVar.keyringFile];
  if (file) return readFileSync(file, 'utf8');
  const out = await new SecretsManagerClient({}).send(new GetSecretValueCommand({ SecretId: config[EnvVar.keyringSecretId]! }));
  if (!out.SecretString) throw new Error('token keyring secret has no string value');
  return out.SecretString;
}

export async function keyringFrom(config: z.infer<typeof KeyringConfig>): Promise<TokenKeyring> {
  return parseKeyring(await readKeyringJson(config));
}

/** How long a container trusts the keyring it read: the longest a rotation takes to arrive. */
export const KEYRING_TTL_MS = 5 * 60_000;
/** After a failed re-read, the last good keyring is kept and the read retried this much later. */
export const KEYRING_RETRY_MS = 30_000;

export type KeyringCache = Cached<TokenKeyring>;

/** The keyring with a time limit (see cache.ts): a failed re-read keeps the last good keyring. */
export const cachedKeyring = (read: () => Promise<string>, opts: { ttlMs?: number; retryMs?: number; clock?: Clock } = {}): KeyringCache =>
  cached(async () => parseKeyring(await read()), { ttlMs: opts.ttlMs ?? KEYRING_TTL_MS, retryMs: opts.retryMs ?? KEYRING_RETRY_MS, what: 'token keyring', ...(opts.clock ? { clock: opts.clock } : {}) });

/** A function's keyring from its configuration, re-read after the time limit. */
export const keyringCacheFrom = (config: z.infer<typeof KeyringConfig>, opts: { ttlMs?: number; clock?: Clock } = {}): KeyringCache =>
  cachedKeyring(() => readKeyringJson(config), opts);

/** Creates a local keyring file once, so links in the local mail viewer keep working across runs. */
export function ensureLocalKeyring(path: string): void {
  if (existsSync(path)) return;
  mkdirSync(dirname(path), { recursive: true });
  const json = { current: { kid: 'local1', secret: randomBytes(32).toString('base64') } };
  writeFileSync(path, `${JSON.stringify(json, null, 2)}\n`, { mode: 0o600 });
}
