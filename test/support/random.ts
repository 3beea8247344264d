/** Reproducible random bytes for tests, from the project's one seeded generator. */
import { makeRng } from '../../shared/scoring/simulate.js';
import type { RandomBytes } from '../../shared/platform/ports.js';

export function seededBytes(seed: number): RandomBytes {
  const rng = makeRng(seed);
  return (n) => Uint8Array.from({ length: n }, () => Math.floor(rng() * 256));
}
