/**
 * The links function answers only requests that came through its CloudFront distribution (and so
 * through the WebACL): CloudFront adds ORIGIN_HEADER with a secret, replacing any value a viewer
 * sent. The secret is JSON `{ "current": "…", "previous"?: "…" }`; both are accepted, so it can be
 * rotated without refusing anyone (README runbook). Lambda Function URL IAM auth (CloudFront OAC)
 * cannot be used instead: it refuses POST bodies unless the client signs their hash, which the
 * RFC 8058 one-click POST of a mail provider never does.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { z } from 'zod';
import type { Clock } from '../ports.js';
import { cached, type Cached } from './cache.js';

export const ORIGIN_HEADER = 'x-engage-origin';
/** A rotated origin secret reaches warm containers within this long. */
export const ORIGIN_SECRET_TTL_MS = 5 * 60_000;

const OriginSecret = z.object({ current: z.string().min(32), previous: z.string().min(32).optional() });

export interface OriginGuard {
  allows(headers: Record<string, string | undefined>): Promise<boolean>;
}

// Hashing first gives equal-length inputs, so the comparison time says nothing about the secret.
const digest = (v: string) => createHash('sha256').update(v).digest();
const same = (a: string, b: string) => timingSafeEqual(digest(a), digest(b));

export function originGuard(read: () => Promise<string>, opts: { ttlMs?: number; clock?: Clock } = {}): OriginGuard {
  const secrets: Cached<string[]> = cached(
    async () => {
      const s = OriginSecret.parse(JSON.parse(await read()));
      return [s.current, ...(s.previous ? [s.previous] : [])];
    },
    { ttlMs: opts.ttlMs ?? ORIGIN_SECRET_TTL_MS, retryMs: 30_000, what: 'links origin secret', ...(opts.clock ? { clock: opts.clock } : {}) },
  );
  return {
    async allows(headers) {
      const presented = headers[ORIGIN_HEADER];
      if (!presented) return false;
      const accepted = await secrets.get();
      return accepted.some((s) => same(s, presented));
    },
  };
}

export const originGuardFromSecret = (secretId: string, opts: { ttlMs?: number; clock?: Clock } = {}): OriginGuard =>
  originGuard(async () => {
    const out = await new SecretsManagerClient({}).send(new GetSecretValueCommand({ SecretId: secretId }));
    if (!out.SecretString) throw new Error('links origin secret has no string value');
    return out.SecretString;
  }, opts);
