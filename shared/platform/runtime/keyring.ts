/**
 * The link-signing keyring: JSON `{ "current": { "kid", "secret" }, "previous": [...] }` with
 * base64 secrets of ≥ 32 bytes. In AWS it is a Secrets Manager secret; locally a generated file.
 * Rotation: put a new `current`, move the old one to `previous` until its links have expired.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { z } from 'zod';
import { EnvVar, type KeyringConfig } from '../config.js';
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

export async function keyringFrom(config: z.infer<typeof KeyringConfig>): Promise<TokenKeyring> {
  const file = config[EnvVar.keyringFile];
  if (file) return parseKeyring(readFileSync(file, 'utf8'));
  const out = await new SecretsManagerClient({}).send(new GetSecretValueCommand({ SecretId: config[EnvVar.keyringSecretId]! }));
  if (!out.SecretString) throw new Error('token keyring secret has no string value');
  return parseKeyring(out.SecretString);
}

/** Creates a local keyring file once, so links in the local mail viewer keep working across runs. */
export function ensureLocalKeyring(path: string): void {
  if (existsSync(path)) return;
  mkdirSync(dirname(path), { recursive: true });
  const json = { current: { kid: 'local1', secret: randomBytes(32).toString('base64') } };
  writeFileSync(path, `${JSON.stringify(json, null, 2)}\n`, { mode: 0o600 });
}
