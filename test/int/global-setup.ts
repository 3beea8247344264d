import type { TestProject } from 'vitest/node';
import { startEmulators } from '../../local/emulators.js';

declare module 'vitest' {
  export interface ProvidedContext {
    endpoints: { dynamodbEndpoint: string; sesEndpoint: string };
  }
}

export default async function setup(project: TestProject) {
  const emulators = await startEmulators({ handleSignals: true, startTimeoutMs: 90_000 });
  project.provide('endpoints', { dynamodbEndpoint: emulators.dynamodbEndpoint, sesEndpoint: emulators.sesEndpoint });
  return async () => emulators.stop();
}
