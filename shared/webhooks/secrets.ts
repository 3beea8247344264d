/**
 * The endpoint's configuration from the function's config groups. The signing secrets are JSON
 * `{ "shopify": ["<current>", "<previous>"], "woocommerce": ["<current>"] }` (a single string is
 * a one-secret list; a platform left out or empty is not served: 404) — a Secrets Manager secret
 * in AWS, a generated file locally. Rotation: put the new secret first, keep the old one second
 * until the platform has switched (Shopify may sign with the old one for up to an hour).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { z } from 'zod';
import { EnvVar, type ShopConfig, type WebhookConfig } from '../platform/config.js';
import type { EndpointConfig } from './endpoint.js';

const Secrets = z.union([z.string().min(16).transform((s) => [s]), z.array(z.string().min(16)).max(2)]).optional();
const SecretsJson = z.object({ shopify: Secrets, woocommerce: Secrets });
export type WebhookSecrets = { shopify?: string[]; woocommerce?: string[] };

export function parseWebhookSecrets(json: string): WebhookSecrets {
  const parsed = SecretsJson.safeParse(JSON.parse(json));
  if (!parsed.success) throw new Error(`webhook secrets: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return { ...(parsed.data.shopify?.length ? { shopify: parsed.data.shopify } : {}), ...(parsed.data.woocommerce?.length ? { woocommerce: parsed.data.woocommerce } : {}) };
}

export async function webhookSecretsFrom(config: z.infer<typeof WebhookConfig>): Promise<WebhookSecrets> {
  const file = config[EnvVar.webhookSecretsFile];
  if (file) return parseWebhookSecrets(readFileSync(file, 'utf8'));
  const out = await new SecretsManagerClient({}).send(new GetSecretValueCommand({ SecretId: config[EnvVar.webhookSecretId]! }));
  if (!out.SecretString) throw new Error('webhook secrets secret has no string value');
  return parseWebhookSecrets(out.SecretString);
}

export function endpointConfigFrom(config: z.infer<typeof WebhookConfig> & z.infer<typeof ShopConfig>, secrets: WebhookSecrets, refundWindowDays: number): EndpointConfig {
  const shop = { timeZone: config[EnvVar.shopTimeZone], defaultLocale: config[EnvVar.webhookDefaultLocale] };
  return {
    maxBodyBytes: config[EnvVar.webhookMaxBodyBytes],
    refundWindowDays,
    ...(secrets.shopify ? { shopify: { secrets: secrets.shopify, settings: shop } } : {}),
    ...(secrets.woocommerce
      ? {
          woocommerce: {
            secrets: secrets.woocommerce,
            settings: {
              ...shop,
              ...(config[EnvVar.wooConsentMetaKey] ? { consentMetaKey: config[EnvVar.wooConsentMetaKey] } : {}),
              ...(config[EnvVar.wooLocaleMetaKey] ? { localeMetaKey: config[EnvVar.wooLocaleMetaKey] } : {}),
            },
          },
        }
      : {}),
  };
}

/** A local secrets file with fresh secrets for both platforms, created once per path. */
export function ensureLocalWebhookSecrets(path: string): WebhookSecrets {
  if (!existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true });
    const secret = () => randomBytes(24).toString('base64url');
    writeFileSync(path, `${JSON.stringify({ shopify: [secret()], woocommerce: [secret()] }, null, 2)}\n`, { mode: 0o600 });
  }
  return parseWebhookSecrets(readFileSync(path, 'utf8'));
}
