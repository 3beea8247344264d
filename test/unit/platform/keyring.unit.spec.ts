import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { cachedKeyring } from '../../../shared/platform/runtime/keyring.js';

const keyJson = (kid: string) => JSON.stringify({ current: { kid, secret: randomBytes(32).toString('base64') } });

/** A secret whose value the test rotates, counting reads, and a clock the test moves. */
function fixture() {
  let value = keyJson('k1');
  let failing = false;
  let now = Date.parse('2026-06-01T00:00:00Z');
  const reads = { count: 0 };
  const read = async () => {
    reads.count++;
    if (failing) throw new Error('Secrets Manager unavailable');
    return value;
  };
  return {
    reads,
    read,
    clock: () => new Date(now),
    advance: (ms: number) => (now += ms),
    rotate: (kid: string) => (value = keyJson(kid)),
    fail: (on: boolean) => (failing = on),
  };
}

describe('Function: cachedKeyring', () => {
  it('serves the keyring it read until the time limit, then reads the rotated one', async () => {
    const f = fixture();
    const keyrings = cachedKeyring(f.read, { ttlMs: 300_000, clock: f.clock });
    expect((await keyrings.get()).current.kid).toBe('k1');
    f.rotate('k2');
    f.advance(299_000);
    expect((await keyrings.get()).current.kid).toBe('k1');
    expect(f.reads.count).toBe(1);
    f.advance(1_000);
    expect((await keyrings.get()).current.kid).toBe('k2');
    expect(f.reads.count).toBe(2);
  });

  it('keeps the last good keyring when a re-read fails, and retries after the retry delay', async () => {
    const f = fixture();
    const keyrings = cachedKeyring(f.read, { ttlMs: 300_000, retryMs: 30_000, clock: f.clock });
    await keyrings.get();
    f.fail(true);
    f.advance(300_000);
    expect((await keyrings.get()).current.kid).toBe('k1');
    f.advance(10_000);
    await keyrings.get();
    expect(f.reads.count).toBe(2); // no read during the retry delay
    f.fail(false);
    f.rotate('k2');
    f.advance(20_000);
    expect((await keyrings.get()).current.kid).toBe('k2');
  });

  it('fails the caller only when there is no keyring yet', async () => {
    const f = fixture();
    f.fail(true);
    await expect(cachedKeyring(f.read, { clock: f.clock }).get()).rejects.toThrow(/unavailable/);
  });

  it('shares one read between concurrent callers', async () => {
    const f = fixture();
    const keyrings = cachedKeyring(f.read, { clock: f.clock });
    await Promise.all([keyrings.get(), keyrings.get(), keyrings.get()]);
    expect(f.reads.count).toBe(1);
  });
});
