/** Campaign config as marketers write it in campaigns/*.yaml; one zod schema for runtime and editors. */
import { z } from 'zod';
import { Locale, RiskLevel } from '../contracts/events.js';

export const EmailTemplate = z
  .object({
    subject: z.string().min(1),
    preheader: z.string().optional(),
    html: z.string().min(1),
    text: z.string().min(1),
  })
  .strict();

export const Trigger = z.discriminatedUnion('type', [
  z.object({ type: z.literal('risk-entered'), level: RiskLevel }).strict(),
]);

export const Campaign = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'lowercase letters, digits and dashes'),
    name: z.string().min(1),
    kind: z.enum(['marketing', 'transactional']).default('marketing'),
    enabled: z.boolean().default(true),
    trigger: Trigger,
    /** Locale used when the customer's locale has no template. */
    fallbackLocale: Locale.default('en'),
    templates: z.partialRecord(Locale, EmailTemplate).refine((t) => Object.keys(t).length > 0, 'at least one locale'),
  })
  .strict()
  .refine((c) => c.templates[c.fallbackLocale] !== undefined, { message: 'fallbackLocale must have a template', path: ['fallbackLocale'] });
export type Campaign = z.infer<typeof Campaign>;
export type EmailTemplate = z.infer<typeof EmailTemplate>;
