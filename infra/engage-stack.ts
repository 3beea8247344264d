import path from 'node:path';
import { Stack, type StackProps } from 'aws-cdk-lib';
import { EventBus } from 'aws-cdk-lib/aws-events';
import type { Construct } from 'constructs';
import { FunctionName, functionNames, routes } from '../shared/platform/contracts/functions.js';
import { campaignSchedules } from './campaign-schedules.js';
import { EngageBus } from './constructs/event-bus.js';
import { EventConsumer } from './constructs/event-consumer.js';
import { EngageFunction, REPO_ROOT } from './constructs/function.js';
import { JobSchedule, scheduledRunPayload } from './constructs/job-schedule.js';
import { Mail } from './constructs/mail.js';
import { Monitoring } from './constructs/monitoring.js';
import { ShopperLinks } from './constructs/shopper-links.js';
import { EngageTable } from './constructs/table.js';
import { wireFunction } from './function-wiring.js';
import type { EngageSettings } from './settings.js';

export interface EngageStackProps extends StackProps {
  readonly settings: EngageSettings;
}

const constructId = (name: FunctionName) => Object.entries(FunctionName).find(([, n]) => n === name)![0];

/** Composition only: every function comes from the manifest, every permission from its construct. */
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

    const fns = Object.fromEntries(functionNames.map((name) => [name, new EngageFunction(this, constructId(name), { name })])) as Record<FunctionName, EngageFunction>;
    this.functions = fns;
    this.links = new ShopperLinks(this, 'ShopperLinks', { handler: fns.links });
    for (const fn of Object.values(fns)) wireFunction(fn, { table: this.table, bus: this.bus, mail: this.mail, links: this.links }, s);

    // SES publishes its sending events to the default bus only.
    const defaultBus = EventBus.fromEventBusName(this, 'DefaultBus', 'default');
    this.consumers = routes.map((route) => {
      const bus = route.bus === 'default' ? defaultBus : this.bus.bus;
      const consumer = new EventConsumer(this, `${route.id}Route`, { route, bus, fn: fns[route.target] });
      this.monitoring.notify(consumer.dlqAlarm);
      return consumer;
    });

    this.sweep = new JobSchedule(this, 'Sweep', { target: fns['sweep-start'], expression: s.sweepSchedule, description: 'Daily Engage churn sweep' });
    this.due = new JobSchedule(this, 'Due', { target: fns['dispatch-due'], expression: 'rate(15 minutes)', description: 'Engage deferred sends', flexibleWindowMinutes: 5 });
    this.refit = new JobSchedule(this, 'Refit', { target: fns['model-refit'], expression: s.refitSchedule, description: 'Weekly Engage model refit' });
    this.campaignSchedules = campaignSchedules(path.join(REPO_ROOT, 'campaigns')).map(
      (c) =>
        new JobSchedule(this, `Campaign-${c.campaignId}`, {
          target: fns['campaign-schedule'],
          expression: c.expression,
          ...(c.timeZone ? { timeZone: c.timeZone } : {}),
          description: `Engage scheduled campaign ${c.campaignId}`,
          payload: { ...scheduledRunPayload, campaignId: c.campaignId },
        }),
    );
    for (const schedule of [this.sweep, this.refit, this.due, ...this.campaignSchedules]) this.monitoring.notify(schedule.dlqAlarm);

    for (const name of functionNames) this.monitoring.watchFunction(constructId(name), fns[name]);
  }
}
