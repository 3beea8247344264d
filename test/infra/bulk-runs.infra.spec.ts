/**
 * Bulk runs on Step Functions (issue 10, item 2): one state machine per job, a Distributed Map
 * over the segments with MaxConcurrency and a tolerated-failure percentage, each segment's Task
 * looping on its cursor, alarms on failed executions, starters that may only start their own runs
 * (by name), and the deployed definition identical to the one the local runner executes.
 */
import { describe, expect, it } from 'vitest';
import { BULK_JOBS, type BulkJob } from '../../shared/platform/bulk.js';
import { FunctionName, finisherOf, functionNames, runFunctionsOf, specOf, tasksOf } from '../../shared/platform/contracts/functions.js';
import { DEFAULT_BULK_LIMITS, SEGMENTS_STATE } from '../../infra/bulk-definition.js';
import { localDefinitions } from '../../local/stepfunctions.js';
import { asList, synthesized, type Json } from './template.js';

const { stack, template, logicalId, fnId, resource, statementsOf } = synthesized();
const topic = [{ Ref: logicalId(stack.monitoring.topic) }];
const machineOf = (job: BulkJob) => resource(logicalId(stack.bulkRuns[job].stateMachine));

/** The DefinitionString with each Task function's ARN replaced by `arnOf(function name)`. */
function definitionOf(job: BulkJob, arnOf: (fn: string) => string): Json {
  const byId = new Map(functionNames.map((n) => [fnId(n), n]));
  const def = machineOf(job).Properties.DefinitionString as Json;
  const parts = def['Fn::Join'][1] as unknown[];
  return JSON.parse(parts.map((p) => (typeof p === 'string' ? p : arnOf(byId.get((p as Json)['Fn::GetAtt'][0])!))).join(''));
}

describe.each(BULK_JOBS)('bulk run %s', (job) => {
  const def = () => definitionOf(job, (fn) => `arn:aws:lambda:us-east-1:000000000000:function:${fn}`);
  const segments = () => def().States[SEGMENTS_STATE] as Json;

  it('is a STANDARD state machine whose Map is Distributed over $.segments, bounded and failure-tolerant', () => {
    expect(machineOf(job).Properties.StateMachineType).toBe('STANDARD');
    expect(def().StartAt).toBe(SEGMENTS_STATE);
    expect(segments()).toMatchObject({
      Type: 'Map',
      ItemsPath: '$.segments',
      MaxConcurrency: DEFAULT_BULK_LIMITS.maxConcurrency,
      ToleratedFailurePercentage: DEFAULT_BULK_LIMITS.toleratedFailurePercentage,
      ResultPath: null,
      ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' } },
    });
  });

  it('runs each Task of the job in turn per segment, looping on the Task while it returns a cursor', () => {
    const states = segments().ItemProcessor.States as Json;
    const tasks = tasksOf(job);
    expect(segments().ItemProcessor.StartAt).toBe(tasks[0]);
    tasks.forEach((fn, i) => {
      expect(states[fn]).toMatchObject({ Type: 'Task', Resource: `arn:aws:lambda:us-east-1:000000000000:function:${fn}`, Next: `${fn} more?` });
      expect(states[`${fn} more?`]).toEqual({ Type: 'Choice', Choices: [{ Variable: '$.cursor', IsPresent: true, Next: fn }], Default: tasks[i + 1] ?? `${job} segment done` });
      // Malformed input is not retried; everything else is, with backoff.
      expect(states[fn].Retry).toEqual(expect.arrayContaining([{ ErrorEquals: ['MalformedEventError'], MaxAttempts: 0 }, expect.objectContaining({ ErrorEquals: ['States.ALL'], MaxAttempts: 4, BackoffRate: 2 })]));
    });
  });

  it('gives every Task its function timeout and a margin, in the stack and in the local runner (whose default is 60 s)', () => {
    const tasks = (d: Json) => [...Object.entries(d.ItemProcessor?.States ?? {}), ...Object.entries(d.States ?? {})] as Array<[string, Json]>;
    for (const d of [def(), segments(), localDefinitions()[job] as Json, (localDefinitions()[job] as Json).States[SEGMENTS_STATE]]) {
      for (const [name, state] of tasks(d)) {
        if (state.Type !== 'Task') continue;
        expect(state.TimeoutSeconds, name).toBe(((specOf(name as FunctionName) as { timeoutSeconds?: number }).timeoutSeconds ?? 30) + 60);
      }
    }
  });

  it('ends after the Map with its finisher, if the job has one, given the run without its segments', () => {
    const fit = finisherOf(job);
    if (!fit) return expect(segments().End).toBe(true);
    expect(segments().Next).toBe(fit);
    expect(def().States[fit]).toMatchObject({
      Type: 'Task',
      Resource: `arn:aws:lambda:us-east-1:000000000000:function:${fit}`,
      Parameters: { 'job.$': '$.job', 'runKey.$': '$.runKey', 'scheduledTime.$': '$.scheduledTime', 'totalSegments.$': '$.totalSegments' },
      End: true,
    });
    expect(def().States[fit].Retry).toEqual(expect.arrayContaining([{ ErrorEquals: ['MalformedEventError'], MaxAttempts: 0 }, expect.objectContaining({ ErrorEquals: ['States.ALL'], MaxAttempts: 4 })]));
  });

  it('may invoke exactly the functions of its job (segment Tasks and finisher)', () => {
    const role = machineOf(job).Properties.RoleArn['Fn::GetAtt'][0] as string;
    const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((p: Json) => asList(p.Properties.Roles).some((r: Json) => r.Ref === role)) as Json[];
    const invoked = policies.flatMap((p) => asList(p.Properties.PolicyDocument.Statement)).filter((s: Json) => asList(s.Action).includes('lambda:InvokeFunction'));
    const names = new Set(invoked.flatMap((s: Json) => asList(s.Resource)).map((r: Json) => (r['Fn::GetAtt'] ? r['Fn::GetAtt'][0] : r['Fn::Join'][1][0]['Fn::GetAtt'][0])));
    expect([...names].sort()).toEqual(runFunctionsOf(job).map(fnId).sort());
  });

  it('is the very definition the local runner executes', () => {
    expect(def()).toEqual(localDefinitions()[job]);
  });

  it('alarms to the topic on a failed, timed-out or aborted execution', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a: Json) => a.Properties as Json);
    for (const metric of ['ExecutionsFailed', 'ExecutionsTimedOut', 'ExecutionsAborted']) {
      const a = alarms.find((x) => x.MetricName === metric && JSON.stringify(x.Dimensions) === JSON.stringify([{ Name: 'StateMachineArn', Value: { Ref: logicalId(stack.bulkRuns[job].stateMachine) } }]));
      expect(a, metric).toMatchObject({ Namespace: 'AWS/States', Threshold: 0, AlarmActions: topic });
    }
  });

  it('logs every event without execution data (cursors hold customer keys), traced', () => {
    expect(machineOf(job).Properties).toMatchObject({ LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: false }, TracingConfiguration: { Enabled: true } });
  });
});

describe('starting bulk runs', () => {
  it('only the scheduled starters may start them, each only its own jobs, and never synchronously', () => {
    const starters = functionNames.filter((n) => specOf(n).grants.startRuns);
    expect(starters.map((n) => [n, specOf(n).grants.startRuns])).toEqual([
      [FunctionName.SweepStart, ['daily-sweep', 'tier-review']],
      [FunctionName.ModelRefit, ['model-refit']],
      [FunctionName.CampaignSchedule, ['campaign-run']],
    ]);
    for (const n of starters) expect(specOf(n).trigger.kind).toBe('schedule');
    const policies = JSON.stringify(template.findResources('AWS::IAM::Policy'));
    expect(policies).not.toContain('states:StartSyncExecution');
  });

  it('no schedule starts a state machine itself: the starter names the execution from the scheduled time', () => {
    for (const s of Object.values(template.findResources('AWS::Scheduler::Schedule')) as Json[]) {
      expect(JSON.stringify(s.Properties.Target.Arn)).not.toContain('StateMachine');
    }
    // Each starter gets its state machines' ARNs by job.
    const env = resource(fnId(FunctionName.SweepStart)).Properties.Environment.Variables as Json;
    const json = asList(env.BULK_RUN_STATE_MACHINES['Fn::Join'][1]).map((p: unknown) => (typeof p === 'string' ? p : `"${(p as Json).Ref}"`)).join('').replace(/""/g, '"');
    expect(JSON.parse(json)).toEqual({ 'daily-sweep': logicalId(stack.bulkRuns['daily-sweep'].stateMachine), 'tier-review': logicalId(stack.bulkRuns['tier-review'].stateMachine) });
  });
});

describe('the refit run', () => {
  const s3Of = (fn: FunctionName) =>
    statementsOf(fn)
      .filter((s) => asList(s.Action).some((a: string) => a.startsWith('s3:')))
      .map((s) => [asList(s.Action).sort(), JSON.stringify(s.Resource), s.Condition]);
  const bucket = () => logicalId(stack.refitPartials.bucket);

  it('samples each segment with refit-sample and fits once with refit-fit; the old single-function refit only starts it', () => {
    expect(tasksOf('model-refit')).toEqual([FunctionName.RefitSample]);
    expect(finisherOf('model-refit')).toBe(FunctionName.RefitFit);
    expect(specOf(FunctionName.ModelRefit).trigger.kind).toBe('schedule');
    expect(specOf(FunctionName.ModelRefit).grants.table).toEqual({ access: 'read', indexes: [], partitions: ['store'] });
  });

  it('the segments may read and write partials under refit/ of the refit bucket, the fit only read them; both list only that prefix', () => {
    const list = [['s3:ListBucket'], expect.stringContaining(bucket()), { StringLike: { 's3:prefix': ['refit/*'] } }];
    expect(s3Of(FunctionName.RefitSample)).toEqual([[['s3:GetObject', 's3:PutObject'], expect.stringMatching(new RegExp(`${bucket()}.*/refit/\\*`)), undefined], list]);
    expect(s3Of(FunctionName.RefitFit)).toEqual([[['s3:GetObject'], expect.stringMatching(new RegExp(`${bucket()}.*/refit/\\*`)), undefined], list]);
    for (const fn of functionNames.filter((n) => n !== FunctionName.RefitSample && n !== FunctionName.RefitFit)) expect(JSON.stringify(statementsOf(fn))).not.toContain(bucket());
  });

  it('keeps partials in a private bucket for 7 days', () => {
    const b = resource(bucket());
    expect(b.Properties.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
    expect(b.Properties.LifecycleConfiguration.Rules).toEqual([expect.objectContaining({ Prefix: 'refit/', ExpirationInDays: 7, Status: 'Enabled' })]);
  });

  it('the fit may read customer items (purchase days) but write only STORE', () => {
    const dynamo = statementsOf(FunctionName.RefitFit).filter((s) => asList(s.Action).some((a: string) => a.startsWith('dynamodb:')));
    expect(dynamo.map((s) => [asList(s.Action).some((a: string) => /Put|Update|Delete|Write/.test(a)), s.Condition])).toEqual([
      [true, { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['STORE'] } }],
      [false, { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['CUST#*'] } }],
    ]);
  });
});
