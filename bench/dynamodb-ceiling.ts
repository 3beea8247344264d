// DynamoDB Local's own ceiling for BatchWriteItem on this machine: how many small new items per
// second it stores when the client costs next to nothing (request bodies built before the clock
// starts, sent over keep-alive HTTP without the SDK), at a few concurrencies. The import cannot be
// faster than this, whatever it does in node; the import bench's figure is read against it.
// BENCH_CEILING_ITEMS sets the items per concurrency level (default 30,000).
import { Agent, request } from 'node:http';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Bench, BenchFigure } from './bench.js';
import { cpuSecondsOfPort } from './cpu.js';
import { startEmulators } from '../local/emulators.js';
import { createTable } from '../local/table.js';

const TABLE = 'engage-bench-ceiling';
// DynamoDB Local reads the region and key id from the header and does not check the signature.
const AUTH = 'AWS4-HMAC-SHA256 Credential=local/20261201/us-east-1/dynamodb/aws4_request, SignedHeaders=host;x-amz-target, Signature=0';

/** One BatchWriteItem body of 25 day-counter-sized items (pk, sk, two numbers, a version). */
function body(call: number, level: number): string {
  const items = Array.from({ length: 25 }, (_, i) => ({
    PutRequest: { Item: { pk: { S: `CUST#c${level}-${call}` }, sk: { S: `DAY#2026-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + i).padStart(2, '0')}` }, count: { N: '1' }, spend: { N: '168.5' }, v: { N: '1' } } },
  }));
  return JSON.stringify({ RequestItems: { [TABLE]: items } });
}

function send(endpoint: URL, agent: Agent, payload: string): Promise<void> {
  return new Promise((ok, fail) => {
    const req = request(
      { host: endpoint.hostname, port: endpoint.port, method: 'POST', path: '/', agent, headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.BatchWriteItem', authorization: AUTH, 'content-length': Buffer.byteLength(payload) } },
      (res) => {
        let out = '';
        res.on('data', (c) => (out += c));
        res.on('end', () => {
          const unprocessed = res.statusCode === 200 && Object.keys((JSON.parse(out) as { UnprocessedItems?: object }).UnprocessedItems ?? {}).length;
          if (res.statusCode !== 200 || unprocessed) fail(new Error(`BatchWriteItem: ${res.statusCode} ${out.slice(0, 300)}`));
          else ok();
        });
      },
    );
    req.on('error', fail);
    req.end(payload);
  });
}

export const dynamodbCeilingBench: Bench = {
  name: 'dynamodb-ceiling',
  async run() {
    const perLevel = Number(process.env.BENCH_CEILING_ITEMS ?? 30_000);
    const emulators = await startEmulators({ javaOptions: [] });
    const endpoint = new URL(emulators.dynamodbEndpoint);
    const client = new DynamoDBClient({ endpoint: emulators.dynamodbEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    const figures: BenchFigure[] = [];
    try {
      await createTable(client, TABLE);
      const warm = new Agent({ keepAlive: true, maxSockets: 4 });
      // Warm-up: the JIT compiles DynamoDB Local's write path before anything is timed.
      for (let c = 0; c < 400; c += 4) await Promise.all([0, 1, 2, 3].map((k) => send(endpoint, warm, body(c + k, 99))));
      warm.destroy();
      for (const concurrency of [1, 2, 4, 8]) {
        const calls = Math.ceil(perLevel / 25);
        const payloads = Array.from({ length: calls }, (_, c) => body(c, concurrency));
        const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
        const [java0, t0] = [cpuSecondsOfPort(endpoint.port), performance.now()];
        let next = 0;
        await Promise.all(Array.from({ length: concurrency }, async () => {
          while (next < calls) await send(endpoint, agent, payloads[next++]!);
        }));
        const seconds = (performance.now() - t0) / 1000;
        const java = cpuSecondsOfPort(endpoint.port) - java0;
        agent.destroy();
        figures.push({ figure: `BatchWriteItem, ${concurrency} in flight: new small items`, value: (calls * 25) / seconds, unit: 'items/s' });
        figures.push({ figure: `BatchWriteItem, ${concurrency} in flight: DynamoDB Local CPU per 1,000 items`, value: (java / (calls * 25)) * 1000, unit: 's' });
      }
      return figures;
    } finally {
      client.destroy();
      await emulators.stop();
    }
  },
};
