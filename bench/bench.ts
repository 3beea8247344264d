// Shared shape of the benches listed in bench/run.ts.

export interface BenchFigure {
  figure: string;
  value: number;
  unit: string;
  /** Target value; omitted for informative figures. */
  target?: number;
  /** Which side of the target passes. Default: 'higher' for rates (unit ending in "/s"), else 'lower'. */
  better?: 'lower' | 'higher';
}

export interface Bench {
  name: string;
  run(): Promise<BenchFigure[]>;
}

export function passes(f: BenchFigure): boolean | undefined {
  if (f.target === undefined) return undefined;
  const higher = (f.better ?? (f.unit.endsWith('/s') ? 'higher' : 'lower')) === 'higher';
  return higher ? f.value >= f.target : f.value <= f.target;
}

/** Best of `runs` timings in seconds: the figures are about steady-state speed, not JIT warm-up. */
export function bestOf(runs: number, fn: () => unknown): number {
  let b = Infinity;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    b = Math.min(b, (performance.now() - t0) / 1000);
  }
  return b;
}
