import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { EnvVar } from '../shared/platform/config.js';
import { FunctionName, routes } from '../shared/platform/contracts/routing.js';
import { EngageBus } from './constructs/event-bus.js';
import { EventConsumer } from './constructs/event-consumer.js';
import { EngageFunction, REPO_ROOT, type EngageFunctionProps } from './constructs/function.js';
import { Mail } from './constructs/mail.js';
import { Monitoring } from './constructs/monitoring.js';
import { JobSchedule, scheduledRunPayload } from './constructs/job-schedule.js';
import { campaignSchedules } from './campaign-schedules.js';
import path from 'node:path';
import { LINKS_TIMEOUT, ShopperLinks } from './constructs/shopper-links.js';
import { EngageTable } from './constructs/table.js';
import type { EngageSettings } from './settings.js';

export interface EngageStackProps extends StackProps {
  readonly settings: EngageSettings;
}

type FunctionKey = keyof typeof FunctionName;

/** Composition only: each capability, and its permissions, lives in its construct. */
export class EngageStack extends Stack {
  readonly table: EngageTable;
  readonly bus: EngageBus;
  readonly mail: Mail;
  readonly monitoring: Monitoring;
  readonly functions: Record<FunctionName, EngageFunction>;
  readonly consumers: EventConsumer[];
  readonly sweep: JobSchedule;
  readonly refit: JobSchedule;
  readonly due: JobSchedule;
  readonly campaignSchedules: JobSchedule[];
  readonly links: ShopperLinks;

  constructor(scope: Construct, id: string, props: EngageStackProps) {
    super(scope, id, props);
    const s = props.settings;

    this.table = new EngageTable(this, 'Data');
    this.bus = new EngageBus(this, 'Events', { eventBusName: s.eventBusName });
    this.mail = new Mail(this, 'Mail', {
      senderEmail: s.senderEmail,
      ...(s.senderDomain ? { senderDomain: s.senderDomain } : {}),
      createIdentity: s.createEmailIdentity,
    });
    this.monitoring = new Monitoring(this, 'Monitoring', s.alarmEmail ? { alarmEmail: s.alarmEmail } : {});

    const specs: Record<FunctionKey, Omit<EngageFunctionProps, 'name'>> = {
      OrderEvents: {},
      CustomerUpsert: { memorySize: 256 },
      SweepStart: { memorySize: 256, environment: { [EnvVar.sweepSegments]: String(s.sweepSegments) } },
      // A segment page scan plus its writes; time out well before the queue's visibility timeout.
      ChurnSweep: {
        memorySize: 1024,
        timeout: Duration.minutes(5),
        environment: {
          [EnvVar.atRiskMultiple]: String(s.atRiskMultiple),
          [EnvVar.churnedMultiple]: String(s.churnedMultiple),
          [EnvVar.defaultGapDays]: String(s.defaultGapDays),
          [EnvVar.sweepSegments]: String(s.sweepSegments),
        },
      },
      // Scans every summary and fits on up to refitSampleLimit customers: memory buys CPU.
      ModelRefit: { memorySize: 3008, timeout: Duration.minutes(15), environment: { [EnvVar.refitSampleLimit]: String(s.refitSampleLimit) } },
      Links: { memorySize: 256, timeout: LINKS_TIMEOUT },
      DispatchDue: { memorySize: 256, timeout: Duration.minutes(2) },
      SesFeedback: { memorySize: 256 },
      CampaignSchedule: { timeout: Duration.minutes(15), memorySize: 1024, bundleCampaigns: true },
      CustomerErase: { memorySize: 256, timeout: Duration.minutes(2) },
      Loyalty: { bundleFiles: ['loyalty.yaml'], environment: { [EnvVar.loyaltyConfig]: '/var/task/loyalty.yaml' } },
      LoyaltySweep: { memorySize: 1024, timeout: Duration.minutes(5), bundleFiles: ['loyalty.yaml'], environment: { [EnvVar.loyaltyConfig]: '/var/task/loyalty.yaml' } },
      CampaignDispatch: {
        timeout: Duration.seconds(60),
        bundleCampaigns: true,
        environment: {
          ...(s.shopName ? { [EnvVar.shopName]: s.shopName } : {}),
          ...(s.shopAddress ? { [EnvVar.shopAddress]: s.shopAddress } : {}),
          ...(s.shopUrl ? { [EnvVar.shopUrl]: s.shopUrl } : {}),
          [EnvVar.shopCurrency]: s.shopCurrency,
          [EnvVar.shopTimeZone]: s.shopTimeZone,
        },
      },
    };
    const keys = Object.keys(FunctionName) as FunctionKey[];
    const fns = Object.fromEntries(
      keys.map((key) => [FunctionName[key], new EngageFunction(this, key, { name: FunctionName[key], ...specs[key] })]),
    ) as Record<FunctionName, EngageFunction>;
    this.functions = fns;

    // Least privilege: each function gets exactly what its handler does.
    this.table.grantReadWrite(fns[FunctionName.OrderEvents]);
    this.table.grantReadWrite(fns[FunctionName.CustomerUpsert]);
    this.table.grantReadWrite(fns[FunctionName.ChurnSweep]);
    this.bus.grantPut(fns[FunctionName.ChurnSweep]);
    this.bus.grantPut(fns[FunctionName.SweepStart]);
    this.table.grantReadWrite(fns[FunctionName.CampaignDispatch]);
    this.mail.grantSend(fns[FunctionName.CampaignDispatch]);
    this.table.grantReadWrite(fns[FunctionName.ModelRefit]);
    for (const fn of [fns[FunctionName.Loyalty], fns[FunctionName.LoyaltySweep]]) {
      this.table.grantReadWrite(fn);
      this.bus.grantPut(fn);
    }
    this.links = new ShopperLinks(this, 'ShopperLinks', { handler: fns[FunctionName.Links] });
    this.table.grantReadWrite(fns[FunctionName.Links]);
    this.bus.grantPut(fns[FunctionName.Links]); // survey.low-score
    this.links.grantLinkBuilding(fns[FunctionName.CampaignDispatch]);

    // SES publishes its sending events to the default bus only.
    const defaultBus = EventBus.fromEventBusName(this, 'DefaultBus', 'default');
    this.table.grantReadWrite(fns[FunctionName.SesFeedback]);
    this.table.grantReadWrite(fns[FunctionName.CustomerErase]);
    // One consumer per route: the routing list is the only place routes are declared.
    this.consumers = routes.map((route) => {
      const bus = route.bus === 'default' ? defaultBus : this.bus.bus;
      const consumer = new EventConsumer(this, `${route.id}Route`, { route, bus, fn: fns[route.target] });
      this.monitoring.notify(consumer.dlqAlarm);
      return consumer;
    });

    this.sweep = new JobSchedule(this, 'Sweep', { target: fns[FunctionName.SweepStart], expression: s.sweepSchedule, description: 'Daily Engage churn sweep' });
    this.table.grantRead(fns[FunctionName.DispatchDue]);
    this.bus.grantPut(fns[FunctionName.DispatchDue]);
    this.due = new JobSchedule(this, 'Due', { target: fns[FunctionName.DispatchDue], expression: 'rate(15 minutes)', description: 'Engage deferred sends', flexibleWindowMinutes: 5 });
    this.refit = new JobSchedule(this, 'Refit', { target: fns[FunctionName.ModelRefit], expression: s.refitSchedule, description: 'Weekly Engage model refit' });
    this.table.grantRead(fns[FunctionName.CampaignSchedule]);
    this.bus.grantPut(fns[FunctionName.CampaignSchedule]);
    this.campaignSchedules = campaignSchedules(path.join(REPO_ROOT, 'campaigns')).map(
      (c) =>
        new JobSchedule(this, `Campaign-${c.campaignId}`, {
          target: fns[FunctionName.CampaignSchedule],
          expression: c.expression,
          ...(c.timeZone ? { timeZone: c.timeZone } : {}),
          description: `Engage scheduled campaign ${c.campaignId}`,
          payload: { ...scheduledRunPayload, campaignId: c.campaignId },
        }),
    );
    for (const schedule of [this.sweep, this.refit, this.due, ...this.campaignSchedules]) this.monitoring.notify(schedule.dlqAlarm);

    for (const key of keys) this.monitoring.watchFunction(key, fns[FunctionName[key]]);
  }
}
