// The local loop: shop events per second through the real handlers on DynamoDB Local (SDK →
// local bus → SQS-shaped batches → handlers → DynamoDB Local), then a sweep over the base.
// Emulator-bound: a floor for the code path, not a prediction of AWS throughput.
import type { Bench } from './bench.js';
import { startEmulators } from '../local/emulators.js';
import { startLocalSystem } from '../local/system.js';
import { generateDemoShop } from '../local/demo-shop.js';

export const loopBench: Bench = {
  name: 'local-loop',
  async run() {
    const emulators = await startEmulators({ handleSignals: true });
    try {
      const sys = await startLocalSystem(emulators, { tableName: 'engage-bench' });
      const now = new Date();
      const { events, customers } = generateDemoShop({ customers: 500, seed: 3, now });
      const t0 = performance.now();
      const chunks = Array.from({ length: Math.ceil(events.length / 10) }, (_, i) => events.slice(i * 10, i * 10 + 10));
      let next = 0;
      await Promise.all(Array.from({ length: 4 }, async () => { while (next < chunks.length) await sys.publisher.publish(chunks[next++]!); }));
      await sys.bus.idle();
      const ingestS = (performance.now() - t0) / 1000;
      const t1 = performance.now();
      await sys.sweep(now);
      const sweepS = (performance.now() - t1) / 1000;
      await sys.close();
      return [
        { figure: `ingest ${events.length} shop events`, value: events.length / ingestS, unit: 'events/s' },
        { figure: `sweep + dispatch over ${customers.length} customers`, value: sweepS, unit: 's' },
      ];
    } finally {
      await emulators.stop();
    }
  },
};
