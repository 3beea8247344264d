import path from 'node:path';
import { Stack, type StackProps } from 'aws-cdk-lib';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { ScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import type { Construct } from 'constructs';
import { FunctionName, functionNames, manifest, routes } from '../shared/platform/contracts/functions.js';
import { campaignSchedules } from './campaign-schedules.js';
import { BULK_JOBS, type BulkJob } from '../shared/platform/bulk.js';
import { BulkRun } from './constructs/bulk-run.js';
import { RefitPartialsBucket } from './constructs/refit-partials.js';
import { EngageDashboard } from './constructs/dashboard.js';
import { EngageBus } from './constructs/event-bus.js';
import { EventConsumer } from './constructs/event-consumer.js';
import { EngageFunction, REPO_ROOT } from './constructs/function.js';
import { JobFailures } from './constructs/job-failures.js';
import { ReportArchive } from './constructs/report-archive.js';
import { JobSchedule, scheduledRunPayload } from './constructs/job-schedule.js';
import { LinksWebAcl } from './constructs/links-web-acl.js';
import { Mail } from './constructs/mail.js';
import { Monitoring } from './constructs/monitoring.js';
import { SendingGuard } from './constructs/sending-guard.js';
import { ShopperLinks } from './constructs/shopper-links.js';
import { EngageTable } from './constructs/table.js';
import { ShopWebhooks } from './constructs/webhooks.js';
import { wireFunction } from './function-wiring.js';
import type { EngageSettings } from './settings.js';

export interface EngageStackProps extends StackProps {
  readonly settings: EngageSettings;
}

const constructId = (name: FunctionName) => Object.entries(FunctionName).find(([, n]) => n === name)![0];

/** Composition only: every function comes from the manifest, every permission from its construct. */
export class EngageStack extends Stack {
  readonly settings: EngageSettings;
  readonly table: EngageTable;
  readonly bus: EngageBus;
  readonly mail: Mail;
  readonly monitoring: Monitoring;
  readonly functions: Record<FunctionName, EngageFunction>;
  readonly consumers: EventConsumer[];
  readonly scheduleGroup: ScheduleGroup;
  readonly sweep: JobSchedule;
  readonly refit: JobSchedule;
  readonly tierReview: JobSchedule;
  readonly bulkRuns: Record<BulkJob, BulkRun>;
  readonly due: JobSchedule;
  readonly campaignSchedules: JobSchedule[];
  readonly jobFailures: Partial<Record<FunctionName, JobFailures>>;
  readonly links: ShopperLinks;
  readonly reports: ReportArchive;
  readonly refitPartials: RefitPartialsBucket;
  readonly weeklyReport: JobSchedule;
  /** Only when the stage is in us-east-1 (CLOUDFRONT WebACLs live there) and none was given. */
  readonly webAcl?: LinksWebAcl;
  readonly sendingGuard: SendingGuard;
  readonly dashboard: EngageDashboard;
  readonly webhooks: ShopWebhooks;

  constructor(scope: Construct, id: string, props: EngageStackProps) {
    super(scope, id, props);
    const s = (this.settings = props.settings);

    this.table = new EngageTable(this, 'Data');
    this.bus = new EngageBus(this, 'Events', { eventBusName: s.eventBusName });
    this.mail = new Mail(this, 'Mail', {
      senderEmail: s.senderEmail,
      ...(s.senderDomain ? { senderDomain: s.senderDomain } : {}),
      ...(s.mailFromDomain ? { mailFromDomain: s.mailFromDomain } : {}),
      createIdentity: s.createEmailIdentity,
    });
    this.monitoring = new Monitoring(this, 'Monitoring', s.alarmEmail ? { alarmEmail: s.alarmEmail } : {});

    const fns = Object.fromEntries(functionNames.map((name) => [name, new EngageFunction(this, constructId(name), { name })])) as Record<FunctionName, EngageFunction>;
    this.functions = fns;
    if (!s.wafWebAclArn && s.region === 'us-east-1') this.webAcl = new LinksWebAcl(this, 'LinksWebAcl', { ratePerIp: s.linksRateLimit });
    const webAclArn = s.wafWebAclArn ?? this.webAcl?.arn;
    this.links = new ShopperLinks(this, 'ShopperLinks', {
      handler: fns.links,
      reservedConcurrency: s.linksReservedConcurrency,
      ...(s.linksDomain && s.linksCertificateArn ? { domain: { name: s.linksDomain, certificateArn: s.linksCertificateArn } } : {}),
      ...(webAclArn ? { webAclArn } : {}),
    });
    const limits = { maxConcurrency: s.bulkMaxConcurrency, toleratedFailurePercentage: s.bulkToleratedFailurePercentage };
    this.bulkRuns = Object.fromEntries(
      BULK_JOBS.map((job) => [job, new BulkRun(this, `BulkRun-${job}`, { job, fnOf: (name) => fns[name], limits })]),
    ) as Record<BulkJob, BulkRun>;
    for (const run of Object.values(this.bulkRuns)) this.monitoring.notify(...run.alarms);
    this.reports = new ReportArchive(this, 'Reports');
    this.refitPartials = new RefitPartialsBucket(this, 'RefitPartials');
    this.webhooks = new ShopWebhooks(this, 'ShopWebhooks', { handler: fns.webhooks });
    for (const fn of Object.values(fns)) wireFunction(fn, { table: this.table, bus: this.bus, mail: this.mail, links: this.links, reports: this.reports, refitPartials: this.refitPartials, webhooks: this.webhooks, bulkRuns: this.bulkRuns }, s);

    // SES publishes its sending events to the default bus only, for every configuration set in
    // the account: each stage's rule takes its own configuration set's events.
    const defaultBus = EventBus.fromEventBusName(this, 'DefaultBus', 'default');
    this.consumers = routes.map((route) => {
      const onDefault = route.bus === 'default';
      const consumer = new EventConsumer(this, `${route.id}Route`, {
        route,
        bus: onDefault ? defaultBus : this.bus.bus,
        fn: fns[route.target],
        ...(onDefault ? { detail: this.mail.eventDetailFilter } : {}),
      });
      this.monitoring.notify(...consumer.alarms);
      return consumer;
    });

    this.scheduleGroup = new ScheduleGroup(this, 'Schedules', { scheduleGroupName: `engage-${s.stage}` });
    const group = this.scheduleGroup;
    this.sweep = new JobSchedule(this, 'Sweep', { target: fns['sweep-start'], expression: s.sweepSchedule, description: 'Daily Engage churn sweep', group });
    this.due = new JobSchedule(this, 'Due', { target: fns['dispatch-due'], expression: 'rate(15 minutes)', description: 'Engage deferred sends', flexibleWindowMinutes: 5, group });
    this.tierReview = new JobSchedule(this, 'TierReview', {
      target: fns['sweep-start'],
      expression: s.tierReviewSchedule,
      timeZone: s.shopTimeZone,
      description: 'Monthly Engage tier review',
      payload: { ...scheduledRunPayload, job: 'tier-review' },
      group,
    });
    this.refit = new JobSchedule(this, 'Refit', { target: fns['model-refit'], expression: s.refitSchedule, description: 'Weekly Engage model refit', group });
    this.weeklyReport = new JobSchedule(this, 'WeeklyReportSchedule', { target: fns['weekly-report'], expression: s.reportSchedule, description: 'Weekly Engage report and KPI digest', group });
    this.campaignSchedules = campaignSchedules(path.join(REPO_ROOT, 'campaigns')).map(
      (c) =>
        new JobSchedule(this, `Campaign-${c.campaignId}`, {
          target: fns['campaign-schedule'],
          expression: c.expression,
          ...(c.timeZone ? { timeZone: c.timeZone } : {}),
          description: `Engage scheduled campaign ${c.campaignId}`,
          payload: { ...scheduledRunPayload, campaignId: c.campaignId },
          group,
        }),
    );
    for (const schedule of [this.sweep, this.tierReview, this.refit, this.due, this.weeklyReport, ...this.campaignSchedules]) this.monitoring.notify(...schedule.alarms);
    this.jobFailures = {};
    for (const name of functionNames.filter((n) => manifest[n].trigger.kind === 'schedule')) {
      const failures = new JobFailures(this, `${constructId(name)}Failures`, { fn: fns[name], description: `Engage job ${name}` });
      this.monitoring.notify(...failures.alarms);
      this.jobFailures[name] = failures;
    }

    this.sendingGuard = new SendingGuard(this, 'SendingGuard', {
      configurationSetName: this.mail.configurationSet.configurationSetName,
      configurationSetArn: this.mail.configurationSetArn,
      bounceRateAlarm: s.bounceRateAlarm,
      complaintRateAlarm: s.complaintRateAlarm,
      bounceRatePause: s.bounceRatePause,
      complaintRatePause: s.complaintRatePause,
    });
    this.monitoring.notify(...this.sendingGuard.alarms);
    this.monitoring.watchSending();
    for (const name of functionNames) this.monitoring.watchFunction(constructId(name), fns[name]);

    this.dashboard = new EngageDashboard(this, 'Operations', {
      stage: s.stage,
      functions: fns,
      queues: Object.fromEntries(this.consumers.map((c) => [c.node.id, c.queue])),
      deadLetterQueues: Object.fromEntries([
        ...this.consumers.map((c) => [c.node.id, c.deadLetterQueue] as const),
        ...Object.entries(this.jobFailures).map(([n, f]) => [`${n} failed runs`, f.queue] as const),
      ]),
      reputation: { bounceAlarm: s.bounceRateAlarm, complaintAlarm: s.complaintRateAlarm, bouncePause: s.bounceRatePause, complaintPause: s.complaintRatePause },
    });
  }
}
