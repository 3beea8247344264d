// An HTTP recorder between the handlers and DynamoDB Local that prices every request by the
// published rules (bench/write-units.ts), for the cost benches: each Put is sized from its
// request, each Update/Delete/ConditionCheck from the item it touched (the larger of before and
// after), transactional writes doubled; each read from the items it read — a Get by its item
// (absent: the minimum unit), a Query or Scan by the items it evaluated (re-read without its
// filter and projection, which DynamoDB bills before applying), eventually consistent at half
// price, transactional at double. Cancelled transactions and failed conditions are billed too.
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import { itemBytes, readUnits, writeUnits, type ReadMode } from './write-units.js';

export type Av = Record<string, Record<string, unknown>>;

export interface PricedWrite {
  /** The request's operation: PutItem, UpdateItem, DeleteItem, TransactWriteItems, BatchWriteItem. */
  op: string;
  kind: 'Put' | 'Update' | 'Delete' | 'ConditionCheck';
  table: string;
  key: Av;
  units: number;
}

export interface PricedRead {
  /** GetItem, Query, Scan, BatchGetItem, TransactGetItems. */
  op: string;
  table: string;
  index?: string;
  /** The key read (Get), or the values of a Query's key condition. */
  key: Av;
  items: number;
  units: number;
}

export interface RecorderSinks {
  /** All writes of one request (one transaction or batch, or one single write). */
  writes?(request: PricedWrite[]): void;
  reads?(r: PricedRead[]): void;
}

type Headers = IncomingHttpHeaders;

function forward(target: string, url: URL, body: string, headers: Headers): Promise<{ status: number; body: string }> {
  return new Promise((ok, fail) => {
    const { 'content-length': _length, ...rest } = headers;
    const req = httpRequest({ host: url.hostname, port: url.port, path: '/', method: 'POST', headers: { ...rest, host: url.host, 'x-amz-target': target, 'content-length': Buffer.byteLength(body) } }, (res) => {
      let out = '';
      res.on('data', (c) => (out += c));
      res.on('end', () => ok({ status: res.statusCode ?? 0, body: out }));
    });
    req.on('error', fail);
    req.end(body);
  });
}

const DDB = 'DynamoDB_20120810.';

/** Size of the stored item under `key`, read straight from DynamoDB Local (0 when absent). */
async function storedBytes(url: URL, headers: Headers, table: string, key: Av): Promise<number> {
  const r = await forward(`${DDB}GetItem`, url, JSON.stringify({ TableName: table, Key: key, ConsistentRead: true }), headers);
  const item = (JSON.parse(r.body) as { Item?: Av }).Item;
  return item ? itemBytes(item) : 0;
}

/** The items a Query or Scan evaluated: the same request without what DynamoDB applies after reading. */
async function evaluatedItems(url: URL, headers: Headers, op: string, input: Record<string, unknown>, response: { Items?: Av[] }): Promise<Av[]> {
  if (!input.FilterExpression && !input.ProjectionExpression && !input.Select) return response.Items ?? [];
  const { FilterExpression: _f, ProjectionExpression: _p, Select: _s, ExpressionAttributeNames: names, ExpressionAttributeValues: values, ...rest } = input;
  const keyCondition = String(input.KeyConditionExpression ?? '');
  const used = <T>(m: unknown) => Object.fromEntries(Object.entries((m ?? {}) as Record<string, T>).filter(([k]) => new RegExp(`${k.replace(/[#:]/g, '\\$&')}\\b`).test(keyCondition)));
  const n = used(names);
  const v = used(values);
  const again = { ...rest, ...(Object.keys(n).length ? { ExpressionAttributeNames: n } : {}), ...(Object.keys(v).length ? { ExpressionAttributeValues: v } : {}) };
  const r = await forward(`${DDB}${op}`, url, JSON.stringify(again), headers);
  return (JSON.parse(r.body) as { Items?: Av[] }).Items ?? [];
}

/** A write as requested: the item of a Put, the key of the rest. */
interface Requested { kind: PricedWrite['kind']; table: string; key: Av; item?: Av }

const modeOf = (input: { ConsistentRead?: boolean }): ReadMode => (input.ConsistentRead ? 'strong' : 'eventual');

export class DynamoRecorder {
  recording = false;
  private server?: Server;
  constructor(
    private readonly upstream: URL,
    private readonly sinks: RecorderSinks,
  ) {}

  private writesOf(op: string, input: Record<string, unknown>): Requested[] {
    const one = (kind: PricedWrite['kind'], x: { TableName: string; Item?: Av; Key?: Av }): Requested => ({ kind, table: x.TableName, key: x.Key ?? { pk: x.Item!.pk!, sk: x.Item!.sk! }, ...(x.Item ? { item: x.Item } : {}) });
    if (op === 'TransactWriteItems')
      return (input.TransactItems as Array<Record<string, { TableName: string; Item?: Av; Key?: Av }>>).map((a) => {
        const [kind, x] = Object.entries(a)[0]!;
        return one(kind as PricedWrite['kind'], x);
      });
    if (op === 'PutItem' || op === 'UpdateItem' || op === 'DeleteItem') return [one(op.replace('Item', '') as PricedWrite['kind'], input as { TableName: string })];
    if (op === 'BatchWriteItem')
      return Object.entries(input.RequestItems as Record<string, Array<{ PutRequest?: { Item: Av }; DeleteRequest?: { Key: Av } }>>).flatMap(([TableName, rs]) =>
        rs.map((r) => (r.PutRequest ? one('Put', { TableName, Item: r.PutRequest.Item }) : one('Delete', { TableName, Key: r.DeleteRequest!.Key }))),
      );
    return [];
  }

  private async priceReads(op: string, input: Record<string, unknown>, out: string, headers: Headers): Promise<PricedRead[]> {
    const res = JSON.parse(out || '{}') as Record<string, unknown>;
    if (op === 'GetItem') {
      const item = res.Item as Av | undefined;
      return [{ op, table: input.TableName as string, key: input.Key as Av, items: item ? 1 : 0, units: readUnits(item ? itemBytes(item) : 0, modeOf(input)) }];
    }
    if (op === 'Query' || op === 'Scan') {
      const items = await evaluatedItems(this.upstream, headers, op, input, res as { Items?: Av[] });
      // The key condition's values (partition key first, as the stores write them), for telling queries apart.
      const key = Object.fromEntries(Object.entries((input.ExpressionAttributeValues ?? {}) as Av).filter(([k]) => String(input.KeyConditionExpression ?? '').includes(k)));
      // A Query or Scan is billed on the total size it read, rounded up once.
      const bytes = items.reduce((n, i) => n + itemBytes(i), 0);
      return [{ op, table: input.TableName as string, ...(input.IndexName ? { index: input.IndexName as string } : {}), key, items: items.length, units: readUnits(bytes, modeOf(input)) }];
    }
    if (op === 'BatchGetItem') {
      const got = (res.Responses ?? {}) as Record<string, Av[]>;
      return Object.entries(input.RequestItems as Record<string, { Keys: Av[]; ConsistentRead?: boolean }>).flatMap(([table, r]) =>
        r.Keys.map((key) => {
          const item = (got[table] ?? []).find((i) => JSON.stringify(i.pk) === JSON.stringify(key.pk) && JSON.stringify(i.sk) === JSON.stringify(key.sk));
          return { op, table, key, items: item ? 1 : 0, units: readUnits(item ? itemBytes(item) : 0, modeOf(r)) };
        }),
      );
    }
    if (op === 'TransactGetItems') {
      const got = (res.Responses ?? []) as Array<{ Item?: Av }>;
      return (input.TransactItems as Array<{ Get: { TableName: string; Key: Av } }>).map((a, i) => {
        const item = got[i]?.Item;
        return { op, table: a.Get.TableName, key: a.Get.Key, items: item ? 1 : 0, units: readUnits(item ? itemBytes(item) : 0, 'transactional') };
      });
    }
    return [];
  }

  async listen(): Promise<string> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', async () => {
        const target = String(req.headers['x-amz-target'] ?? '');
        const op = target.split('.')[1] ?? '';
        const input = JSON.parse(body || '{}') as Record<string, unknown>;
        const recording = this.recording;
        const writes = recording ? this.writesOf(op, input) : [];
        const before = await Promise.all(writes.map((w) => (w.kind === 'Put' ? 0 : storedBytes(this.upstream, req.headers, w.table, w.key))));
        const out = await forward(target, this.upstream, body, req.headers);
        if (writes.length) {
          const after = await Promise.all(writes.map((w) => (w.kind === 'Update' ? storedBytes(this.upstream, req.headers, w.table, w.key) : 0)));
          const transactional = op === 'TransactWriteItems';
          this.sinks.writes?.(
            writes.map(({ item, ...w }, i) => ({ ...w, op, units: writeUnits(Math.max(item ? itemBytes(item) : 0, before[i]!, after[i]!), transactional) })),
          );
        } else if (recording && out.status === 200) {
          const reads = await this.priceReads(op, input, out.body, req.headers);
          if (reads.length) this.sinks.reads?.(reads);
        }
        res.writeHead(out.status, { 'content-type': 'application/x-amz-json-1.0' });
        res.end(out.body);
      });
    });
    await new Promise<void>((ok) => this.server!.listen(0, '127.0.0.1', ok));
    const addr = this.server.address() as { port: number };
    return `http://127.0.0.1:${addr.port}`;
  }

  close = () => new Promise<void>((ok) => (this.server ? this.server.close(() => ok()) : ok()));
}

/** The sort key of a priced write or read ('' when it has none). */
export const skOf = (key: Av): string => String(key.sk?.S ?? '');
/** The partition key likewise. */
export const pkOf = (key: Av): string => String(key.pk?.S ?? '');
