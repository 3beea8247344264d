import { describe, expect, it } from 'vitest';
import { toSchedulerCron } from '../../../shared/campaigns/cron.js';

describe('campaign cron → Scheduler cron', () => {
  it.each([
    ['0 10 1 * *', 'cron(0 10 1 * ? *)'],
    ['30 9 * * 1', 'cron(30 9 ? * 2 *)'], // Monday: Unix 1, AWS 2
    ['0 8 * * 0', 'cron(0 8 ? * 1 *)'], // Sunday: Unix 0, AWS 1
    ['0 8 * * 1-5', 'cron(0 8 ? * 2-6 *)'],
    ['0 8 * * 6,0', 'cron(0 8 ? * 7,1 *)'],
    ['0 8 * * mon-fri', 'cron(0 8 ? * MON-FRI *)'],
    ['0 0 * * *', 'cron(0 0 * * ? *)'],
  ])('%s → %s', (cron, expected) => expect(toSchedulerCron(cron)).toBe(expected));

  it('refuses what Scheduler cannot express', () => {
    expect(() => toSchedulerCron('0 8 1 * 1')).toThrow(/both day-of-month and day-of-week/);
    expect(() => toSchedulerCron('0 8 *')).toThrow(/five cron fields/);
  });
});
