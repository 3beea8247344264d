import { describe, expect, it } from 'vitest';
import { ORIGIN_HEADER, originGuard } from '../../../shared/platform/runtime/origin.js';

const A = 'a'.repeat(48);
const B = 'b'.repeat(48);

describe('Function: originGuard (links answer only what came through CloudFront)', () => {
  it('allows the current secret and refuses a missing or wrong header', async () => {
    const guard = originGuard(async () => JSON.stringify({ current: A }));
    expect(await guard.allows({ [ORIGIN_HEADER]: A })).toBe(true);
    expect(await guard.allows({})).toBe(false);
    expect(await guard.allows({ [ORIGIN_HEADER]: B })).toBe(false);
    expect(await guard.allows({ [ORIGIN_HEADER]: A.slice(1) })).toBe(false);
  });

  it('accepts the previous secret during a rotation, and the new one once re-read', async () => {
    let secret = JSON.stringify({ current: A });
    let now = 0;
    const guard = originGuard(async () => secret, { ttlMs: 1_000, clock: () => new Date(now) });
    expect(await guard.allows({ [ORIGIN_HEADER]: A })).toBe(true);
    secret = JSON.stringify({ current: B, previous: A });
    expect(await guard.allows({ [ORIGIN_HEADER]: B })).toBe(false); // not re-read yet
    now += 1_000;
    expect(await guard.allows({ [ORIGIN_HEADER]: B })).toBe(true);
    expect(await guard.allows({ [ORIGIN_HEADER]: A })).toBe(true);
  });
});
