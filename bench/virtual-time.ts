// A virtual clock for scale models: async code that sleeps through `sleep` runs in simulated time,
// as fast as the CPU allows. Every waiter resumes in time order; `now()` is the simulated instant.

export class VirtualTime {
  private t = 0;
  private seq = 0;
  private readonly heap: Array<{ at: number; seq: number; wake: () => void }> = [];

  now = (): number => this.t;

  sleep = (ms: number): Promise<void> =>
    new Promise((wake) => {
      this.push({ at: this.t + Math.max(0, ms), seq: this.seq++, wake });
    });

  /** Runs until nothing sleeps any more (or `until` is reached), yielding to microtasks between wake-ups. */
  async run(until = Infinity): Promise<void> {
    for (;;) {
      // Let every continuation that is ready run (and maybe sleep again) before time moves.
      await new Promise<void>((ok) => setImmediate(ok));
      const next = this.pop();
      if (!next) return;
      if (next.at > until) {
        this.push(next);
        return;
      }
      this.t = next.at;
      next.wake();
    }
  }

  private push(e: { at: number; seq: number; wake: () => void }): void {
    const h = this.heap;
    h.push(e);
    for (let i = h.length - 1; i > 0; ) {
      const p = (i - 1) >> 1;
      if (less(h[p]!, h[i]!)) break;
      [h[p], h[i]] = [h[i]!, h[p]!];
      i = p;
    }
  }

  private pop(): { at: number; seq: number; wake: () => void } | undefined {
    const h = this.heap;
    if (h.length === 0) return undefined;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && less(h[l]!, h[m]!)) m = l;
        if (r < h.length && less(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[m], h[i]] = [h[i]!, h[m]!];
        i = m;
      }
    }
    return top;
  }
}

const less = (a: { at: number; seq: number }, b: { at: number; seq: number }) => a.at < b.at || (a.at === b.at && a.seq < b.seq);
