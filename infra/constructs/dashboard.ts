import { Duration } from 'aws-cdk-lib';
import { Dashboard, GraphWidget, type HorizontalAnnotation, MathExpression, type IMetric, TextWidget } from 'aws-cdk-lib/aws-cloudwatch';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE, METRICS_SERVICE, SendMetric, SKIP_REASON_DIMENSION } from '../../shared/platform/runtime/metrics.js';
import { sendMetric } from './monitoring.js';
import { reputationMetric } from './sending-guard.js';

export interface EngageDashboardProps {
  readonly stage: string;
  readonly functions: Record<string, LambdaFunction>;
  /** Work queues by route id, and every queue that should stay empty. */
  readonly queues: Record<string, IQueue>;
  readonly deadLetterQueues: Record<string, IQueue>;
  readonly reputation: { bounceAlarm: number; complaintAlarm: number; bouncePause: number; complaintPause: number };
}

const FIVE_MINUTES = Duration.minutes(5);
const line = (label: string, value: number, color: string): HorizontalAnnotation => ({ label, value, color });

/** One page for the operator: what was sent and why not, SES reputation, queues, functions. */
export class EngageDashboard extends Construct {
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: EngageDashboardProps) {
    super(scope, id);
    const perFunction = (metric: (fn: LambdaFunction, label: string) => IMetric) => Object.entries(props.functions).map(([name, fn]) => metric(fn, name));
    this.dashboard = new Dashboard(this, 'Dashboard', { dashboardName: `Engage-${props.stage}`, defaultInterval: Duration.hours(24) });
    this.dashboard.addWidgets(
      new TextWidget({ markdown: `# Engage (${props.stage})\nRunbook: README, "Operating Engage".`, width: 24, height: 2 }),
      new GraphWidget({
        title: 'Mail decisions',
        left: Object.entries(SendMetric).map(([kind, name]) => sendMetric(name).with({ label: kind })),
        width: 12,
      }),
      new GraphWidget({
        title: 'Skipped, by reason',
        left: [
          new MathExpression({
            expression: `SEARCH('{${METRICS_NAMESPACE},service,${SKIP_REASON_DIMENSION}} MetricName="${SendMetric.skipped}" service="${METRICS_SERVICE}"', 'Sum', 300)`,
            label: '',
            period: FIVE_MINUTES,
          }),
        ],
        width: 12,
      }),
      new GraphWidget({
        title: 'SES reputation (account)',
        left: [reputationMetric('Reputation.BounceRate'), reputationMetric('Reputation.ComplaintRate')],
        leftAnnotations: [
          line('bounce alarm', props.reputation.bounceAlarm, '#ff7f0e'),
          line('bounce pause', props.reputation.bouncePause, '#d62728'),
          line('complaint alarm', props.reputation.complaintAlarm, '#ff7f0e'),
          line('complaint pause', props.reputation.complaintPause, '#d62728'),
        ],
        width: 12,
      }),
      new GraphWidget({
        title: 'Age of the oldest message (s)',
        left: Object.entries(props.queues).map(([name, q]) => q.metricApproximateAgeOfOldestMessage({ period: FIVE_MINUTES, statistic: 'Maximum', label: name })),
        width: 12,
      }),
      new GraphWidget({
        title: 'Dead letters',
        left: Object.entries(props.deadLetterQueues).map(([name, q]) => q.metricApproximateNumberOfMessagesVisible({ period: FIVE_MINUTES, statistic: 'Maximum', label: name })),
        width: 12,
      }),
      new GraphWidget({ title: 'Function errors', left: perFunction((fn, label) => fn.metricErrors({ period: FIVE_MINUTES, statistic: 'Sum', label })), width: 12 }),
      new GraphWidget({ title: 'Function throttles', left: perFunction((fn, label) => fn.metricThrottles({ period: FIVE_MINUTES, statistic: 'Sum', label })), width: 12 }),
      new GraphWidget({ title: 'Function duration p99 (ms)', left: perFunction((fn, label) => fn.metricDuration({ period: FIVE_MINUTES, statistic: 'p99', label })), width: 12 }),
    );
  }
}
