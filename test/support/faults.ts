/**
 * Fault injection for the integration suite: HTTP proxies in front of the two emulators, and a
 * local system whose handlers talk to DynamoDB and SES only through them. The real handlers, the
 * real SDK clients and the real emulators stay in the loop; the proxies only decide, request by
 * request, whether to pass, delay, refuse or cut a call.
 *
 * - SesProxy (SendEmail only): throttle (429 TooManyRequestsException, nothing stored), reject
 *   (400 MessageRejected), reset-after-accept (the emulator stores the mail, the reply is dropped
 *   by resetting the connection), slow (the emulator stores the mail, the reply comes late).
 * - SesProxy, an account like SES's (`account`): GetAccount answers with it; SendEmail is throttled
 *   (429) once more calls than its MaxSendRate began within the last second, and refused with
 *   SendingPausedException while its sending is disabled. Every SendEmail's arrival is timed.
 * - DynamoProxy: fail the next matching call (a non-retryable 400, as a crash at that point looks
 *   to the caller), or run a hook before forwarding it (to make something happen "meanwhile").
 */
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, inject, vi } from 'vitest';
import type { Context, SQSEvent } from 'aws-lambda';
import { startLocalSystem, type LocalSystem } from '../../local/system.js';
import { singleShotCampaignsDir } from './system.js';
import { lambdaContext } from '../../local/bus.js';
import type { FunctionName } from '../../shared/platform/contracts/functions.js';

const readBody = (req: IncomingMessage): Promise<Buffer> =>
  new Promise((ok, fail) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => ok(Buffer.concat(chunks)));
    req.on('error', fail);
  });

interface Upstreamed {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function forward(target: URL, req: IncomingMessage, body: Buffer): Promise<Upstreamed> {
  return new Promise((ok, fail) => {
    const up = request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => ok({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', fail);
      },
    );
    up.on('error', fail);
    up.end(body);
  });
}

/**
 * Answers carry the test's clock (vitest may fake Date; the emulators run on the real one). The
 * SDK corrects clock skew from the Date header and retries the request when it does, which would
 * silently retry the very failures a test injects.
 */
const testClock = () => new Date().toUTCString();

const reply = (res: ServerResponse, r: Upstreamed) => {
  const headers: Record<string, string | string[] | undefined> = { ...r.headers, date: testClock() };
  delete headers['transfer-encoding'];
  headers['content-length'] = String(r.body.length);
  res.writeHead(r.status, headers);
  res.end(r.body);
};

const json = (res: ServerResponse, status: number, headers: Record<string, string>, body: unknown) => {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), date: testClock(), ...headers });
  res.end(text);
};

async function listen(server: Server): Promise<string> {
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const addr = server.address();
  if (!addr || typeof addr === 'string') throw new Error('proxy did not bind');
  return `http://127.0.0.1:${addr.port}`;
}

export type SesFault =
  | { kind: 'throttle' }
  | { kind: 'reject'; name?: string }
  | { kind: 'reset-after-accept' }
  | { kind: 'slow'; ms: number };

const SEND_EMAIL = /^\/v2\/email\/outbound-emails\/?$/;
const GET_ACCOUNT = /^\/v2\/email\/account\/?$/;

/** The parts of an SES account the proxy plays (GetAccount's SendQuota, SendingEnabled). */
export interface ProxyAccount {
  maxSendRate: number;
  max24HourSend: number;
  sentLast24Hours: number;
  sendingEnabled: boolean;
}

export class SesProxy {
  private readonly faults: SesFault[] = [];
  /** Every SendEmail request body that reached the proxy, in order (parsed JSON). */
  readonly sendRequests: Array<Record<string, unknown>> = [];
  /** SendEmail requests the emulator received (and so stored). */
  accepted = 0;
  /** When each SendEmail request arrived (performance.now(): not affected by faked Dates). */
  readonly sendTimes: number[] = [];
  /** Throttled for going above the account's rate. */
  overRate = 0;
  /** Set: GetAccount answers with it, and SendEmail is held to its rate and its sending switch. */
  account?: ProxyAccount;

  private constructor(
    readonly url: string,
    private readonly server: Server,
  ) {}

  static async start(upstream: string): Promise<SesProxy> {
    const target = new URL(upstream);
    let self: SesProxy | undefined;
    const server = createServer((req, res) => {
      void (async () => {
        const body = await readBody(req);
        const account = self!.account;
        if (account && req.method === 'GET' && GET_ACCOUNT.test(req.url ?? '')) return json(res, 200, {}, accountReply(account));
        if (req.method !== 'POST' || !SEND_EMAIL.test(req.url ?? '')) return reply(res, await forward(target, req, body));
        self!.sendRequests.push(JSON.parse(body.toString('utf8')) as Record<string, unknown>);
        const arrived = performance.now();
        self!.sendTimes.push(arrived);
        if (account && !account.sendingEnabled) return json(res, 400, { 'x-amzn-errortype': 'SendingPausedException' }, { message: 'Sending is paused for this account.' });
        if (account && self!.sendTimes.filter((t) => t > arrived - 1000).length > account.maxSendRate) {
          self!.overRate++;
          return json(res, 429, { 'x-amzn-errortype': 'TooManyRequestsException' }, { message: 'Maximum sending rate exceeded.' });
        }
        const fault = self!.faults.shift();
        if (fault?.kind === 'throttle') return json(res, 429, { 'x-amzn-errortype': 'TooManyRequestsException' }, { message: 'Maximum sending rate exceeded.' });
        if (fault?.kind === 'reject') return json(res, 400, { 'x-amzn-errortype': fault.name ?? 'MessageRejected' }, { message: 'Email address is not verified.' });
        const upstreamed = await forward(target, req, body);
        self!.accepted++;
        if (fault?.kind === 'reset-after-accept') return void req.socket.destroy();
        if (fault?.kind === 'slow') await new Promise((ok) => setTimeout(ok, fault.ms));
        if (!res.destroyed) reply(res, upstreamed);
      })().catch((e: Error) => {
        if (!res.headersSent) json(res, 502, {}, { message: e.message });
      });
    });
    self = new SesProxy(await listen(server), server);
    return self;
  }

  /** The most SendEmail requests that arrived within any one second. */
  maxPerSecond(): number {
    const t = [...this.sendTimes].sort((a, b) => a - b);
    let most = 0;
    for (let i = 0, j = 0; j < t.length; j++) {
      while (t[j]! - t[i]! >= 1000) i++;
      most = Math.max(most, j - i + 1);
    }
    return most;
  }

  /** Faults for the next SendEmail requests, one each, in order; later requests pass. */
  next(...faults: SesFault[]): this {
    this.faults.push(...faults);
    return this;
  }

  clear(): void {
    this.faults.length = 0;
  }

  close(): Promise<void> {
    return new Promise((ok) => this.server.close(() => ok()));
  }
}

const accountReply = (a: ProxyAccount) => ({
  DedicatedIpAutoWarmupEnabled: false,
  EnforcementStatus: 'HEALTHY',
  ProductionAccessEnabled: true,
  SendingEnabled: a.sendingEnabled,
  SendQuota: { Max24HourSend: a.max24HourSend, MaxSendRate: a.maxSendRate, SentLast24Hours: a.sentLast24Hours },
});

type Hook = () => Promise<void> | void;
interface DynamoRule {
  op: string;
  when: (body: string) => boolean;
  times: number;
  action: 'fail' | Hook;
}

export class DynamoProxy {
  private rules: DynamoRule[] = [];
  /** Calls seen per operation (PutItem, TransactWriteItems, …). */
  readonly calls = new Map<string, number>();
  /** Calls the proxy failed on purpose. */
  injected = 0;

  private constructor(
    readonly url: string,
    private readonly server: Server,
  ) {}

  static async start(upstream: string): Promise<DynamoProxy> {
    const target = new URL(upstream);
    let self: DynamoProxy | undefined;
    const server = createServer((req, res) => {
      void (async () => {
        const body = await readBody(req);
        const op = String(req.headers['x-amz-target'] ?? '').split('.').pop() ?? '';
        self!.calls.set(op, (self!.calls.get(op) ?? 0) + 1);
        const text = body.toString('utf8');
        const rule = self!.rules.find((r) => r.times > 0 && r.op === op && r.when(text));
        if (rule) {
          rule.times--;
          if (rule.action === 'fail') {
            self!.injected++;
            return json(res, 400, {}, { __type: 'com.amazonaws.dynamodb.v20120810#ValidationException', message: 'injected fault' });
          }
          await rule.action();
        }
        reply(res, await forward(target, req, body));
      })().catch((e: Error) => {
        if (!res.headersSent) json(res, 500, {}, { __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: e.message });
      });
    });
    self = new DynamoProxy(await listen(server), server);
    return self;
  }

  /** Fails the next `times` calls of `op` whose request body satisfies `when`. */
  failNext(op: string, when: (body: string) => boolean, times = 1): this {
    this.rules.push({ op, when, times, action: 'fail' });
    return this;
  }

  /** Runs `hook` (to completion) before forwarding the next call of `op` matching `when`. */
  beforeNext(op: string, when: (body: string) => boolean, hook: Hook): this {
    this.rules.push({ op, when, times: 1, action: hook });
    return this;
  }

  clear(): void {
    this.rules = [];
  }

  close(): Promise<void> {
    return new Promise((ok) => this.server.close(() => ok()));
  }
}

/** Request-body matchers: every string must occur in the body. */
export const containing = (...parts: string[]) => (body: string) => parts.every((p) => body.includes(p));

export type FaultySystem = LocalSystem & { tag: string; ses: SesProxy; dynamo: DynamoProxy };

/** The local system with every handler's DynamoDB and SES traffic going through the proxies. */
export async function systemWithFaults(extraEnv: Record<string, string> = {}, opts: { campaignsDir?: string } = {}): Promise<FaultySystem> {
  const upstream = inject('endpoints');
  const [ses, dynamo] = await Promise.all([SesProxy.start(upstream.sesEndpoint), DynamoProxy.start(upstream.dynamodbEndpoint)]);
  const tag = randomUUID().slice(0, 8);
  const sys = await startLocalSystem({ dynamodbEndpoint: dynamo.url, sesEndpoint: ses.url }, { tableName: `engage-test-${tag}`, extraEnv, ...opts, campaignsDir: opts.campaignsDir ?? singleShotCampaignsDir() });
  const close = sys.close.bind(sys);
  return Object.assign(sys, {
    tag,
    ses,
    dynamo,
    close: async () => {
      await close();
      await Promise.all([ses.close(), dynamo.close()]);
    },
  });
}

/** An SQS batch as the event source mapping hands it to a function, for direct (concurrent) invocations. */
export function sqsBatch(entries: Array<{ source: string; detailType: string; detail: unknown; messageId?: string }>): SQSEvent {
  return {
    Records: entries.map((e) => {
      const messageId = e.messageId ?? randomUUID();
      return {
        messageId,
        receiptHandle: messageId,
        body: JSON.stringify({ version: '0', id: randomUUID(), 'detail-type': e.detailType, source: e.source, account: '000000000000', time: new Date().toISOString(), region: 'local', resources: [], detail: e.detail }),
        attributes: { ApproximateReceiveCount: '1', SentTimestamp: String(Date.now()), SenderId: 'local', ApproximateFirstReceiveTimestamp: String(Date.now()) },
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: 'arn:aws:sqs:local:000000000000:test',
        awsRegion: 'local',
      };
    }),
  };
}

/** Invokes a queue function's real handler with one batch, as Lambda would. */
export async function invoke(sys: LocalSystem, fn: FunctionName, batch: SQSEvent): Promise<{ batchItemFailures: Array<{ itemIdentifier: string }> }> {
  const handler = await sys.handlerOf(fn);
  return (await handler(batch, lambdaContext(fn, 60_000) as Context)) as { batchItemFailures: Array<{ itemIdentifier: string }> };
}

/** The moment the guarantee suite's files pin the clock to (Date only; timers run). */
export const T0 = new Date('2026-11-20T10:00:00Z');

/**
 * One faulty system per test file with the clock pinned at T0: started before the file's tests,
 * its fault queues cleared and the clock put back after each test, closed after the file.
 * `use` receives the system (the file keeps its own `sys` variable).
 */
export function pinnedFaultySystem(use: (sys: FaultySystem) => void, extraEnv: Record<string, string> = {}): void {
  let sys: FaultySystem | undefined;
  beforeAll(async () => {
    vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
    vi.setSystemTime(T0);
    sys = await systemWithFaults(extraEnv);
    use(sys);
  });
  afterEach(() => {
    sys?.ses.clear();
    sys?.dynamo.clear();
    vi.setSystemTime(T0);
  });
  afterAll(async () => {
    await sys?.close();
    vi.useRealTimers();
  });
}
