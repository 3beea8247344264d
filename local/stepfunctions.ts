/**
 * The local stand-in for Step Functions. It serves StartExecution on loopback, so the real
 * starter (shared/platform/stepfunctions.ts, AWS SDK v3) talks to it unchanged, and executes the
 * very definition the stack deploys (infra/bulk-definition.ts) with `aws-local-stepfunctions`, each
 * Task state mapped to the real handler built with its own environment. Names behave as in AWS:
 * a second StartExecution with a name already used answers ExecutionAlreadyExists (or, for the
 * same input while it still runs, the running execution), so a run fired twice is one run.
 */
import { createServer, type Server } from 'node:http';
import { App, Stack } from 'aws-cdk-lib';
import { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { StateMachine } from 'aws-local-stepfunctions';
import { bulkRunAsl, DEFAULT_BULK_LIMITS } from '../infra/bulk-definition.js';
import { BULK_JOBS, type BulkJob } from '../shared/platform/bulk.js';
import { runFunctionsOf, timeoutSecondsOf, type FunctionName } from '../shared/platform/contracts/functions.js';
import { lambdaContext } from './bus.js';
import { localStateMachineArn } from './env.js';
import type { FunctionHandler } from './handlers.js';
import './promise-with-resolvers.js';

export interface LocalExecution {
  name: string;
  job: BulkJob;
  input: string;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED';
  error?: string;
  /** What the execution returned (a finisher's outcome, e.g. the refit's). */
  output?: unknown;
  done: Promise<void>;
}

/** One Task invocation as the local runner made it, for tests (a segment processed once?). */
export interface TaskInvocation {
  execution: string;
  fn: FunctionName;
  segment: number;
  resumed: boolean;
  /** The built handler ("container") it ran in: concurrent segments have their own. */
  container: number;
}

const LOCAL_ACCOUNT_FN = (name: FunctionName) => `arn:aws:lambda:us-east-1:000000000000:function:${name}`;

/** The ASL of every bulk run, built from the same constructs as the stack's state machines. */
export function localDefinitions(): Record<BulkJob, Record<string, unknown>> {
  const stack = new Stack(new App(), 'EngageLocalBulkRuns', { env: { account: '000000000000', region: 'us-east-1' } });
  const fns = new Map<FunctionName, LambdaFunction | ReturnType<typeof LambdaFunction.fromFunctionArn>>();
  const fnOf = (name: FunctionName) => fns.get(name) ?? fns.set(name, LambdaFunction.fromFunctionArn(stack, `Fn-${name}`, LOCAL_ACCOUNT_FN(name))).get(name)!;
  return Object.fromEntries(
    BULK_JOBS.map((job) => {
      const scope = new Stack(stack, `Run-${job}`);
      return [job, stack.resolve(bulkRunAsl(scope, job, fnOf, DEFAULT_BULK_LIMITS)) as Record<string, unknown>];
    }),
  ) as Record<BulkJob, Record<string, unknown>>;
}

export class LocalStepFunctions {
  readonly executions = new Map<string, LocalExecution>();
  readonly invocations: TaskInvocation[] = [];
  private server?: Server;
  private readonly machines: Record<BulkJob, StateMachine>;
  private readonly jobByArn = new Map(BULK_JOBS.map((j) => [localStateMachineArn(j), j]));

  constructor(private readonly handlerOf: (fn: FunctionName, container?: number) => Promise<FunctionHandler>) {
    const defs = localDefinitions();
    this.machines = Object.fromEntries(BULK_JOBS.map((j) => [j, new StateMachine(defs[j] as never, { validationOptions: { checkArn: false } })])) as Record<BulkJob, StateMachine>;
  }

  /** StartExecution as Step Functions answers it. */
  start(stateMachineArn: string, name: string, input: string): { executionArn: string; startDate: number } | { error: string; message: string } {
    const job = this.jobByArn.get(stateMachineArn);
    if (!job) return { error: 'StateMachineDoesNotExist', message: `State Machine Does Not Exist: '${stateMachineArn}'` };
    const executionArn = `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
    const existing = this.executions.get(name);
    if (existing) {
      if (existing.status === 'RUNNING' && existing.input === input) return { executionArn, startDate: Date.now() / 1000 };
      return { error: 'ExecutionAlreadyExists', message: `Execution Already Exists: '${executionArn}'` };
    }
    const execution: LocalExecution = { name, job, input, status: 'RUNNING', done: Promise.resolve() };
    execution.done = this.run(execution).then(
      (output) => {
        execution.status = 'SUCCEEDED';
        execution.output = output;
      },
      (e: Error) => {
        execution.status = 'FAILED';
        execution.error = `${e.name}: ${e.message}`;
        console.warn(`local bulk run ${name} failed: ${execution.error}`);
      },
    );
    this.executions.set(name, execution);
    return { executionArn, startDate: Date.now() / 1000 };
  }

  private async run(execution: LocalExecution): Promise<unknown> {
    const handlers = Object.fromEntries(
      runFunctionsOf(execution.job).map((fn) => [
        fn,
        async (input: unknown) => {
          const task = input as { segment: number; cursor?: unknown };
          // Segments run at once in containers of their own, as many as the Map runs at once.
          const container = (task.segment ?? 0) % DEFAULT_BULK_LIMITS.maxConcurrency;
          this.invocations.push({ execution: execution.name, fn, segment: task.segment, resumed: task.cursor !== undefined, container });
          const handler = await this.handlerOf(fn, container);
          return handler(input, lambdaContext(fn, timeoutSecondsOf(fn) * 1000));
        },
      ]),
    );
    return this.machines[execution.job].run(JSON.parse(execution.input), { overrides: { taskResourceLocalHandlers: handlers } }).result;
  }

  /** Resolves when every execution started so far has ended. */
  async idle(): Promise<void> {
    await Promise.all([...this.executions.values()].map((e) => e.done));
  }

  /** Serves StartExecution on 127.0.0.1; returns the endpoint URL for AWS_ENDPOINT_URL_SFN. */
  async listen(): Promise<string> {
    this.server = createServer((req, res) => {
      let raw = '';
      req.on('data', (c) => (raw += c));
      req.on('end', () => {
        const reply = (status: number, body: unknown) => {
          res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
          res.end(JSON.stringify(body));
        };
        if (req.headers['x-amz-target'] !== 'AWSStepFunctions.StartExecution') return reply(400, { __type: 'UnknownOperationException' });
        try {
          const { stateMachineArn, name, input } = JSON.parse(raw) as { stateMachineArn: string; name: string; input?: string };
          const out = this.start(stateMachineArn, name, input ?? '{}');
          if ('error' in out) return reply(400, { __type: out.error, message: out.message });
          reply(200, out);
        } catch (e) {
          reply(400, { __type: 'InvalidExecutionInput', message: (e as Error).message });
        }
      });
    });
    await new Promise<void>((ok) => this.server!.listen(0, '127.0.0.1', ok));
    const addr = this.server.address();
    if (!addr || typeof addr === 'string') throw new Error('local Step Functions did not bind');
    return `http://127.0.0.1:${addr.port}`;
  }

  async close(): Promise<void> {
    await new Promise<void>((ok) => (this.server ? this.server.close(() => ok()) : ok()));
  }
}
