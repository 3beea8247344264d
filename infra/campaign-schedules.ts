/**
 * Scheduled campaigns (and flows), read from campaigns/*.yaml at synth with the same zod schema the runtime
 * uses: each gets its own EventBridge Scheduler schedule, so a broken cron fails `cdk synth`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { toSchedulerCron } from '../shared/campaigns/cron.js';
import { Campaign } from '../shared/campaigns/schema.js';
import { Flow, isFlowDocument } from '../shared/flows/schema.js';

export interface CampaignSchedule {
  campaignId: string;
  expression: string;
  timeZone?: string;
}

export function campaignSchedules(dir: string): CampaignSchedule[] {
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .flatMap((f) => {
      const doc = parse(readFileSync(path.join(dir, f), 'utf8')) as unknown;
      // A flow with a schedule trigger enters its audience on the schedule, like a campaign.
      const parsed = (isFlowDocument(doc) ? Flow : Campaign).safeParse(doc);
      if (!parsed.success) throw new Error(`campaigns/${f}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      const c = parsed.data;
      if (!c.enabled || c.trigger.type !== 'schedule') return [];
      return [{ campaignId: c.id, expression: toSchedulerCron(c.trigger.cron), ...(c.trigger.timeZone ? { timeZone: c.trigger.timeZone } : {}) }];
    });
}
