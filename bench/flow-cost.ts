// What a flow step costs in DynamoDB request units, measured: 10 customers go through the shipped
// abandoned-checkout flow (checkout → wait 1 h → reminder → wait 23 h → coupon → end) on the real
// handlers (campaign-dispatch runs the flow runner; the real dispatch-due job wakes the waits,
// the clock moved past each wait), and every request they send DynamoDB Local is priced by the
// published rules (bench/dynamodb-recorder.ts). Writes are told apart by the items they touch:
// the flow's own (its entry, re-entry marker and counters) from the campaign send's (claim,
// outcome, cap, coupon, campaign counters) and the due job's cursor.
import type { Bench, BenchFigure } from './bench.js';
import { DynamoRecorder, pkOf, skOf, type Av, type PricedRead, type PricedWrite } from './dynamodb-recorder.js';
import { startEmulators } from '../local/emulators.js';
import { startLocalSystem } from '../local/system.js';
import { runClockFrom } from '../shared/platform/ports.js';
import { DetailType } from '../shared/platform/contracts/events.js';
import { checkoutEvent } from '../test/support/events.js';

// One burst per due job: more at once and the send lanes hold mails back (deferred, retried),
// which is the lanes bench's subject, not a step's cost.
const CUSTOMERS = 10;
const FLOW = 'abandoned-checkout';
const HOUR = 3_600_000;
const NOW = new Date('2026-11-20T10:00:00Z'); // 10:00 in London: the sends fall outside quiet hours
type Phase = 'setup' | 'entry' | 'reminder' | 'coupon';
type Owner = 'flow' | 'send' | 'pacing' | 'due-job';

/** Whose item it is: the flow's (entry, re-entry marker, counters), the due job's cursor, the send
 * lanes' shared SES rate, or the campaign send's. */
function ownerOf(key: Av): Owner {
  const pk = pkOf(key);
  const sk = skOf(key);
  if (sk.startsWith('FLOW#') || sk.startsWith('FLOWLAST#') || pk.startsWith('KPI#FLOW#')) return 'flow';
  if (pk.startsWith('DUE#')) return 'due-job';
  if (pk.startsWith('RATE#')) return 'pacing';
  return 'send';
}

/** A read's owner: the due index and cursor are the due job's; a Query by the key it names. */
function readOwnerOf(r: PricedRead): Owner {
  if (r.index === 'due') return 'due-job';
  const values = Object.values(r.key).map((v) => String(v.S ?? ''));
  if (r.op === 'Query') return values.some((v) => v.startsWith('FLOW#') || v.startsWith('KPI#FLOW#')) ? 'flow' : values.some((v) => v.startsWith('DUE#')) ? 'due-job' : 'send';
  return ownerOf(r.key);
}

class Tally {
  phase: Phase = 'setup';
  readonly wcu = new Map<string, number>();
  readonly rcu = new Map<string, number>();
  readonly items = new Map<string, number>();
  /** Units by phase, owner, operation, action and item type, printed: where they go. */
  readonly detail = new Map<string, number>();

  private add(m: Map<string, number>, k: string, n: number) {
    m.set(k, (m.get(k) ?? 0) + n);
  }

  writes = (ws: PricedWrite[]) => {
    // A transaction with a flow item is the flow's (the enter's erased-customer check with it).
    const flows = ws.some((w) => ownerOf(w.key) === 'flow');
    for (const w of ws) {
      const owner = flows ? 'flow' : ownerOf(w.key);
      this.add(this.wcu, `${this.phase}:${owner}`, w.units);
      if (w.kind !== 'ConditionCheck') this.add(this.items, `${this.phase}:${owner}`, 1);
      const type = pkOf(w.key).startsWith('KPI#') ? pkOf(w.key).split('#').slice(0, 2).join('#') : skOf(w.key).split('#')[0];
      this.add(this.detail, `${this.phase}: ${owner}: ${w.op} ${w.kind} ${type} (WCU)`, w.units);
    }
  };

  reads = (rs: PricedRead[]) => {
    for (const r of rs) {
      const owner = readOwnerOf(r);
      this.add(this.rcu, `${this.phase}:${owner}`, r.units);
      this.add(this.detail, `${this.phase}: ${owner}: ${r.op}${r.index ? ` ${r.index}` : ''} (RCU)`, r.units);
    }
  };

  sum(m: Map<string, number>, phases: Phase[], owners: Owner[] = ['flow', 'send', 'pacing', 'due-job']): number {
    return phases.flatMap((p) => owners.map((o) => m.get(`${p}:${o}`) ?? 0)).reduce((a, b) => a + b, 0);
  }
}

const profile = (customerId: string) => ({
  detailType: DetailType.CustomerUpserted,
  detail: { customerId, email: `${customerId}@example.com`, name: 'Ada Lovelace', locale: 'en', timeZone: 'Europe/London', marketingConsent: true, occurredAt: '2026-01-01T00:00:00Z' },
});

const checkout = (customerId: string) => checkoutEvent(customerId, `k-${customerId}`, NOW.toISOString());

export const flowCostBench: Bench = {
  name: 'flow-cost',
  async run(): Promise<BenchFigure[]> {
    const emulators = await startEmulators();
    const tally = new Tally();
    const recorder = new DynamoRecorder(new URL(emulators.dynamodbEndpoint), { writes: tally.writes, reads: tally.reads });
    try {
      runClockFrom(NOW);
      const sys = await startLocalSystem({ dynamodbEndpoint: await recorder.listen(), sesEndpoint: emulators.sesEndpoint }, { tableName: 'engage-bench-flow-cost' });
      const ids = Array.from({ length: CUSTOMERS }, (_, i) => `fc-${String(i).padStart(3, '0')}`);
      const publishAll = async (events: Array<{ detailType: string; detail: unknown }>) => {
        for (let i = 0; i < events.length; i += 10) await sys.publisher.publish(events.slice(i, i + 10) as Parameters<typeof sys.publisher.publish>[0]);
        await sys.bus.idle();
      };
      await publishAll(ids.map(profile));
      recorder.recording = true;
      tally.phase = 'entry';
      await publishAll(ids.map(checkout));
      // Each wait's due job, just after it is over (as the 15-minute schedule would run it).
      for (const [phase, hours] of [['reminder', 1.05], ['coupon', 24.2]] as const) {
        tally.phase = phase;
        const t = new Date(NOW.getTime() + hours * HOUR);
        runClockFrom(t);
        await sys.runScheduled('dispatch-due', t);
        await sys.bus.idle();
      }
      recorder.recording = false;
      const counts = await sys.stores.flows.counters(FLOW);
      await sys.close();
      // Figures only for the path they claim to measure: every customer entered, got both mails, ended.
      for (const k of ['entered', 'sent:reminder', 'sent:coupon', 'done'])
        if (counts[k] !== CUSTOMERS) throw new Error(`${FLOW}: ${k} = ${counts[k] ?? 0}, expected ${CUSTOMERS} (counters ${JSON.stringify(counts)})`);
      for (const [what, n] of [...tally.detail].sort(([a], [b]) => a.localeCompare(b))) console.error(`flow-cost: ${what}: ${(n / CUSTOMERS).toFixed(3)} per customer`);

      const per = (n: number, d = CUSTOMERS) => n / d;
      const wakes = 2 * CUSTOMERS;
      const { wcu, rcu, items } = tally;
      return [
        { figure: 'flow entry (the enter transaction, which writes a first wait too): write units', value: per(tally.sum(wcu, ['entry'])), unit: 'WCU' },
        { figure: 'flow entry: items written', value: per(tally.sum(items, ['entry'])), unit: 'items' },
        { figure: 'flow entry: read units', value: per(tally.sum(rcu, ['entry'])), unit: 'RCU' },
        { figure: 'wait transition (due → next step): flow\'s own writes (take + save)', value: per(tally.sum(wcu, ['reminder', 'coupon'], ['flow']), wakes), unit: 'WCU' },
        { figure: 'send step, reminder: the campaign send\'s writes (claim, cap, outcome, counters)', value: per(tally.sum(wcu, ['reminder'], ['send'])), unit: 'WCU' },
        { figure: 'send step, coupon: the campaign send\'s writes (the same, with the coupon)', value: per(tally.sum(wcu, ['coupon'], ['send'])), unit: 'WCU' },
        { figure: `send step: SES pacing slot (RATE#ses updates, in bursts of ${CUSTOMERS})`, value: per(tally.sum(wcu, ['reminder', 'coupon'], ['pacing']), wakes), unit: 'WCU' },
        { figure: 'send step, reminder, whole (take, send, pacing, save, due cursor)', value: per(tally.sum(wcu, ['reminder'])), unit: 'WCU' },
        { figure: 'send step, coupon, whole (take, send, pacing, save, due cursor)', value: per(tally.sum(wcu, ['coupon'])), unit: 'WCU' },
        { figure: 'due wake: items written', value: per(tally.sum(items, ['reminder', 'coupon']), wakes), unit: 'items' },
        { figure: 'due wake: read units (due job, flow, send)', value: per(tally.sum(rcu, ['reminder', 'coupon']), wakes), unit: 'RCU' },
        { figure: 'due wake: of which the flow\'s own reads', value: per(tally.sum(rcu, ['reminder', 'coupon'], ['flow']), wakes), unit: 'RCU' },
        { figure: 'whole flow per customer (entry, 2 waits, 2 sends): write units', value: per(tally.sum(wcu, ['entry', 'reminder', 'coupon'])), unit: 'WCU' },
      ];
    } finally {
      await recorder.close();
      await emulators.stop();
    }
  },
};
