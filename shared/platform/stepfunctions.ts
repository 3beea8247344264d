/**
 * BulkRunStarter over Step Functions StartExecution. The execution name is the run's identity
 * (shared/platform/bulk.ts): ExecutionAlreadyExists means this scheduled time already has its
 * run (running or finished), which is the expected answer to a duplicate trigger, not an error.
 */
import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { BulkJob, BulkRunInput, BulkRunStarter } from './bulk.js';
import { ConfigError } from './config.js';

export class StepFunctionsStarter implements BulkRunStarter {
  constructor(
    private readonly client: SFNClient,
    private readonly stateMachines: Record<string, string>,
  ) {}

  async start(job: BulkJob, name: string, input: BulkRunInput): Promise<'started' | 'already'> {
    const stateMachineArn = this.stateMachines[job];
    if (!stateMachineArn) throw new ConfigError(`no state machine configured for bulk run ${job}`);
    try {
      await this.client.send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }));
      return 'started';
    } catch (e) {
      // Same name and same input: Step Functions answers with the existing execution instead
      // (idempotent); a different input under an existing name is this error. Both: one run.
      if (e instanceof ExecutionAlreadyExists) return 'already';
      throw e;
    }
  }
}
