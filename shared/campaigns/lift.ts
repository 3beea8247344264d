/**
 * Campaign lift against its holdout (control) group.
 *
 * The 95 % interval of the difference in conversion rates is Newcombe's hybrid score interval
 * (Newcombe 1998, method 10): it combines the two groups' Wilson score intervals. Unlike the Wald
 * interval it stays inside [-1, 1] and keeps its coverage for small groups and rates near 0,
 * which is where campaign conversion rates live (a 10 % holdout of a small shop is tiny).
 */
export interface GroupOutcome {
  members: number;
  converters: number;
  revenue: number;
}

export interface GroupRates {
  members: number;
  conversionRate: number;
  revenuePerMember: number;
}

export type LiftReport =
  | {
      kind: 'report';
      recipients: GroupRates;
      control: GroupRates;
      /** Recipients' minus control's conversion rate, with its 95 % interval. */
      absoluteLift: { estimate: number; low: number; high: number };
      /** absoluteLift / control rate; null when the control converted nobody. */
      relativeLift: number | null;
      /** Revenue per member difference times the recipients: what the campaign added. */
      incrementalRevenue: number;
      /** The interval excludes zero. */
      significant: boolean;
    }
  | { kind: 'insufficient-data'; reason: 'no-recipients' | 'no-control' | 'invalid-counts' };

const Z95 = 1.959963984540054;

/** Wilson score interval of a binomial proportion. */
export function wilson(successes: number, n: number, z = Z95): { low: number; high: number } {
  const p = successes / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

const rates = (g: GroupOutcome): GroupRates => ({
  members: g.members,
  conversionRate: g.converters / g.members,
  revenuePerMember: g.revenue / g.members,
});

const valid = (g: GroupOutcome) => Number.isInteger(g.members) && Number.isInteger(g.converters) && g.converters >= 0 && g.converters <= g.members;

export function liftReport(recipients: GroupOutcome, control: GroupOutcome): LiftReport {
  if (!valid(recipients) || !valid(control)) return { kind: 'insufficient-data', reason: 'invalid-counts' };
  if (recipients.members === 0) return { kind: 'insufficient-data', reason: 'no-recipients' };
  if (control.members === 0) return { kind: 'insufficient-data', reason: 'no-control' };
  const r = rates(recipients);
  const c = rates(control);
  const p1 = r.conversionRate;
  const p2 = c.conversionRate;
  const w1 = wilson(recipients.converters, recipients.members);
  const w2 = wilson(control.converters, control.members);
  const d = p1 - p2;
  const low = d - Math.sqrt((p1 - w1.low) ** 2 + (w2.high - p2) ** 2);
  const high = d + Math.sqrt((w1.high - p1) ** 2 + (p2 - w2.low) ** 2);
  return {
    kind: 'report',
    recipients: r,
    control: c,
    absoluteLift: { estimate: d, low, high },
    relativeLift: p2 > 0 ? d / p2 : null,
    incrementalRevenue: (r.revenuePerMember - c.revenuePerMember) * recipients.members,
    significant: low > 0 || high < 0,
  };
}
