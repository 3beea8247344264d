// What one request of each kind costs DynamoDB Local in CPU, with the JVM options the demo and
// the tests start it with (QUICK_START_JVM), through the SDK as the handlers send them. The
// demo's wall time is bound by this emulator's CPU (one core, nearly busy), so the figures say
// what cutting a request, or an item from a transaction, is worth there.
// BENCH_OPS_CALLS sets the calls per kind (default 2,000).
import { DynamoDBDocumentClient, GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Bench, BenchFigure } from './bench.js';
import { cpuSecondsOfPort } from './cpu.js';
import { LOCAL_CREDENTIALS, LOCAL_REGION, startEmulators } from '../local/emulators.js';
import { createTable } from '../local/table.js';

const TABLE = 'engage-bench-ops';
const IN_FLIGHT = 4;

/** An ADD and a ~300-byte SET on one of 500 customers' items, as a counter or state write is. */
const update = (i: number, sk: string) => ({
  TableName: TABLE,
  Key: { pk: `CUST#c${i % 500}`, sk },
  UpdateExpression: 'SET a = :a ADD n :one',
  ExpressionAttributeValues: { ':a': 'x'.repeat(300), ':one': 1 },
});

export const dynamodbOpsBench: Bench = {
  name: 'dynamodb-ops',
  async run() {
    const calls = Number(process.env.BENCH_OPS_CALLS ?? 2_000);
    const emulators = await startEmulators();
    const port = new URL(emulators.dynamodbEndpoint).port;
    const raw = new DynamoDBClient({ endpoint: emulators.dynamodbEndpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
    const db = DynamoDBDocumentClient.from(raw);
    const figures: BenchFigure[] = [];
    const timed = async (name: string, send: (i: number) => Promise<unknown>, record = true) => {
      const [java0, t0] = [cpuSecondsOfPort(port), performance.now()];
      let next = 0;
      await Promise.all(Array.from({ length: IN_FLIGHT }, async () => {
        while (next < calls) await send(next++);
      }));
      const [java, seconds] = [cpuSecondsOfPort(port) - java0, (performance.now() - t0) / 1000];
      if (!record) return;
      figures.push({ figure: `${name}: DynamoDB Local CPU per request`, value: (java / calls) * 1000, unit: 'ms' });
      figures.push({ figure: `${name}: requests per second (${IN_FLIGHT} in flight)`, value: calls / seconds, unit: 'req/s' });
    };
    try {
      await createTable(raw, TABLE);
      // Warm-up: the write, read and transaction paths compiled before anything is timed.
      await timed('warm-up', (i) => db.send(new TransactWriteCommand({ TransactItems: [{ Update: update(i, 'W1') }, { Update: update(i, 'W2') }] })), false);
      await timed('warm-up', (i) => db.send(new GetCommand({ TableName: TABLE, Key: { pk: `CUST#c${i % 500}`, sk: 'W1' } })), false);
      await timed('GetItem', (i) => db.send(new GetCommand({ TableName: TABLE, Key: { pk: `CUST#c${i % 500}`, sk: 'W1' }, ConsistentRead: true })));
      await timed('UpdateItem', (i) => db.send(new UpdateCommand(update(i, 'A'))));
      for (const n of [1, 2, 3]) {
        const sks = ['B', 'C', 'D'].slice(0, n);
        await timed(`TransactWriteItems of ${n} update${n > 1 ? 's' : ''}`, (i) => db.send(new TransactWriteCommand({ TransactItems: sks.map((sk) => ({ Update: update(i, sk) })) })));
      }
      return figures;
    } finally {
      raw.destroy();
      await emulators.stop();
    }
  },
};
