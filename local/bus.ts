/**
 * The local stand-in for EventBridge + SQS + Lambda. It serves the PutEvents API on loopback,
 * so the real EventBridge adapter (AWS SDK v3) publishes to it unchanged, and delivers each
 * event with `routesFor` — the same routing list the CDK rules are built from — to that route's
 * queue. Queues invoke the real handlers in SQS batches, redeliver failed records, and move a
 * record to the route's dead-letter list after maxReceiveCount receives, as SQS redrive does.
 *
 * Backpressure: queues live in memory, so a shop publishing faster than the handlers keep up
 * would grow them without bound. The shop-facing endpoint answers PutEvents only once the queues
 * are below `maxPending` messages again (a slow answer, as a throttled API gives). The functions'
 * own publishes go to a second endpoint that never waits: a handler blocked on the queue it feeds
 * would never let it drain (and EventBridge does not push back on them either).
 * A send lane's queue runs at most its maxConcurrency invocations at once, as its event source
 * mapping does in AWS; the SQS calls a lane makes (ChangeMessageVisibility, SendMessage) are served
 * on the same loopback endpoint, so a held record comes back after its visibility timeout.
 */
import { createServer, type Server } from 'node:http';
import { createHash, randomUUID } from 'node:crypto';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { routes, routesFor, type FunctionName, type Route } from '../shared/platform/contracts/functions.js';

type SqsHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;
export type HandlerLoader = (fn: FunctionName) => Promise<SqsHandler>;

interface Message {
  messageId: string;
  body: string;
  receiveCount: number;
}

export interface DeadLetter {
  route: string;
  body: string;
  receiveCount: number;
}

export function lambdaContext(functionName: string, timeoutMs: number): Context {
  const deadline = Date.now() + timeoutMs;
  return {
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    callbackWaitsForEmptyEventLoop: false,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

class LocalQueue {
  private readonly pending: Message[] = [];
  private inFlight = 0;
  /** Messages invisible until a timer (a visibility hold, a send delay). */
  private delayed = 0;
  private readonly holds = new Map<string, number>();
  delivered = 0;
  /** The most invocations that ran at once (a lane's maxConcurrency bounds it). */
  maxInFlight = 0;

  constructor(
    readonly route: Route,
    private readonly bus: LocalBus,
  ) {}

  enqueue(body: string, delaySeconds = 0): void {
    this.later({ messageId: randomUUID(), body, receiveCount: 0 }, delaySeconds);
  }

  /** ChangeMessageVisibility of a message in flight: it comes back after `seconds`, not at once. */
  hold(receiptHandle: string, seconds: number): void {
    this.holds.set(receiptHandle, seconds);
  }

  get busy(): boolean {
    return this.pending.length > 0 || this.inFlight > 0 || this.delayed > 0;
  }

  private get concurrency(): number {
    return this.route.lane ? Math.min(this.route.lane.maxConcurrency, this.bus.opts.laneConcurrency ?? Infinity) : this.bus.concurrency;
  }

  private later(m: Message, seconds: number): void {
    if (seconds <= 0) {
      this.pending.push(m);
      return this.pump();
    }
    this.delayed++;
    setTimeout(() => {
      this.delayed--;
      this.pending.push(m);
      this.pump();
    }, seconds * 1000);
  }

  get depth(): number {
    return this.pending.length;
  }

  private pump(): void {
    while (this.pending.length > 0 && this.inFlight < this.concurrency) {
      const batch = this.pending.splice(0, this.route.batchSize);
      this.inFlight++;
      this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
      void this.invoke(batch).finally(() => {
        this.inFlight--;
        this.pump();
        this.bus.settle();
      });
    }
  }

  private async invoke(batch: Message[]): Promise<void> {
    for (const m of batch) m.receiveCount++;
    const event: SQSEvent = {
      Records: batch.map((m) => ({
        messageId: m.messageId,
        receiptHandle: m.messageId,
        body: m.body,
        attributes: {
          ApproximateReceiveCount: String(m.receiveCount),
          SentTimestamp: String(Date.now()),
          SenderId: 'local',
          ApproximateFirstReceiveTimestamp: String(Date.now()),
        },
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: `arn:aws:sqs:local:000000000000:${this.route.id}`,
        awsRegion: 'local',
      })),
    };
    let failed: Set<string>;
    try {
      const handler = await this.bus.load(this.route.target);
      const res = await handler(event, lambdaContext(this.route.target, this.bus.timeoutMs));
      failed = new Set((res?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
    } catch (e) {
      failed = new Set(batch.map((m) => m.messageId)); // a thrown handler fails the whole batch
      this.bus.lastError = e as Error;
    }
    for (const m of batch) {
      const held = this.holds.get(m.messageId) ?? 0;
      this.holds.delete(m.messageId);
      if (!failed.has(m.messageId)) this.delivered++;
      else if (m.receiveCount >= this.route.maxReceiveCount) this.bus.deadLetters.push({ route: this.route.id, body: m.body, receiveCount: m.receiveCount });
      else this.later(m, held);
    }
  }
}

export class LocalBus {
  readonly deadLetters: DeadLetter[] = [];
  readonly queues: Map<string, LocalQueue>;
  published = 0;
  /** The last error a handler threw (not a per-record failure): for diagnostics. */
  lastError?: Error;
  private servers: Server[] = [];
  private waiters: Array<() => void> = [];
  private roomWaiters: Array<() => void> = [];
  /** Where the functions publish (no backpressure); set by listen(). */
  internalEndpoint = '';
  private readonly handlers = new Map<FunctionName, Promise<SqsHandler>>();

  constructor(
    private readonly loader: HandlerLoader,
    readonly opts: {
      concurrency?: number;
      timeoutMs?: number;
      maxPending?: number;
      /**
       * At most this many invocations per send lane (below its maxConcurrency). In AWS each runs in
       * its own container; here they all share one event loop, where 32 dispatchers only make each
       * other's SES slots late (a late wake-up takes a new slot: ~4 takes per send in the demo).
       */
      laneConcurrency?: number;
    } = {},
  ) {
    this.queues = new Map(routes.map((r) => [r.id, new LocalQueue(r, this)]));
  }

  get concurrency(): number {
    return this.opts.concurrency ?? 4;
  }
  get timeoutMs(): number {
    return this.opts.timeoutMs ?? 60_000;
  }
  get maxPending(): number {
    return this.opts.maxPending ?? 5_000;
  }

  /** Messages waiting in all queues (not counting those being handled). */
  get depth(): number {
    let n = 0;
    for (const q of this.queues.values()) n += q.depth;
    return n;
  }

  /** Resolves once the queues are short enough to take more from the shop. */
  private room(): Promise<void> {
    if (this.depth < this.maxPending) return Promise.resolve();
    return new Promise((ok) => this.roomWaiters.push(ok));
  }

  load(fn: FunctionName): Promise<SqsHandler> {
    let h = this.handlers.get(fn);
    if (!h) this.handlers.set(fn, (h = this.loader(fn)));
    return h;
  }

  /** Delivers one envelope to every matching route, as EventBridge would. */
  deliver(source: string, detailType: string, detail: unknown): string {
    const id = randomUUID();
    const body = JSON.stringify({
      version: '0', id, 'detail-type': detailType, source, account: '000000000000',
      time: new Date().toISOString(), region: 'local', resources: [], detail,
    });
    this.published++;
    for (const route of routesFor({ source, 'detail-type': detailType })) this.queues.get(route.id)?.enqueue(body);
    return id;
  }

  /** Serves PutEvents on 127.0.0.1: returns the shop-facing endpoint (with backpressure) and sets
   * `internalEndpoint`, the one for AWS_ENDPOINT_URL_EVENTBRIDGE of the functions. */
  async listen(): Promise<string> {
    this.internalEndpoint = await this.serve(false);
    return this.serve(true);
  }

  private async serve(backpressure: boolean): Promise<string> {
    const server = createServer((req, res) => {
      let raw = '';
      req.on('data', (c) => (raw += c));
      req.on('end', async () => {
        if (backpressure) await this.room();
        const reply = (status: number, body: unknown) => {
          res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
          res.end(JSON.stringify(body));
        };
        const target = String(req.headers['x-amz-target'] ?? '');
        if (target.startsWith('AmazonSQS.')) return this.sqs(target.slice('AmazonSQS.'.length), raw, reply);
        if (target !== 'AWSEvents.PutEvents') return reply(400, { __type: 'UnknownOperationException' });
        try {
          const { Entries } = JSON.parse(raw) as { Entries: Array<{ Source: string; DetailType: string; Detail: string }> };
          if (!Array.isArray(Entries) || Entries.length > 10) return reply(400, { __type: 'ValidationException', message: 'Entries: 1..10' });
          const out = Entries.map((e) => ({ EventId: this.deliver(e.Source, e.DetailType, JSON.parse(e.Detail)) }));
          reply(200, { FailedEntryCount: 0, Entries: out });
        } catch (e) {
          reply(400, { __type: 'ValidationException', message: (e as Error).message });
        }
      });
    });
    this.servers.push(server);
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    const addr = server.address();
    if (!addr || typeof addr === 'string') throw new Error('local bus did not bind');
    return `http://127.0.0.1:${addr.port}`;
  }

  /** The SQS calls a send lane makes, on the queue its QueueUrl names (…/<account>/<route id>). */
  private sqs(op: string, raw: string, reply: (status: number, body: unknown) => void): void {
    const input = JSON.parse(raw) as { QueueUrl?: string; ReceiptHandle?: string; VisibilityTimeout?: number; MessageBody?: string; DelaySeconds?: number };
    const queue = this.queues.get(String(input.QueueUrl ?? '').split('/').pop() ?? '');
    if (!queue) return reply(400, { __type: 'com.amazonaws.sqs#QueueDoesNotExist', message: `no queue ${input.QueueUrl}` });
    if (op === 'ChangeMessageVisibility') {
      queue.hold(String(input.ReceiptHandle), Number(input.VisibilityTimeout ?? 0));
      return reply(200, {});
    }
    if (op === 'SendMessage') {
      const body = String(input.MessageBody ?? '');
      queue.enqueue(body, Number(input.DelaySeconds ?? 0));
      return reply(200, { MessageId: randomUUID(), MD5OfMessageBody: createHash('md5').update(body).digest('hex') });
    }
    reply(400, { __type: 'UnknownOperationException', message: op });
  }

  /** Resolves when every queue is empty and nothing is in flight. */
  idle(): Promise<void> {
    if (![...this.queues.values()].some((q) => q.busy)) return Promise.resolve();
    return new Promise((ok) => this.waiters.push(ok));
  }

  settle(): void {
    // Half the limit before the shop may go on: it then publishes in bursts, not one by one.
    if (this.roomWaiters.length && this.depth <= this.maxPending / 2) {
      const w = this.roomWaiters;
      this.roomWaiters = [];
      for (const ok of w) ok();
    }
    if ([...this.queues.values()].some((q) => q.busy)) return;
    const w = this.waiters;
    this.waiters = [];
    for (const ok of w) ok();
  }

  async close(): Promise<void> {
    for (const w of this.roomWaiters.splice(0)) w();
    await Promise.all(this.servers.map((server) => new Promise<void>((ok) => server.close(() => ok()))));
  }
}
