// Unconstrained minimisers for the (log-parameter) maximum-likelihood fits: Nelder–Mead for a
// derivative-free start, BFGS with a strong-Wolfe line search, and a Newton polish (Hessian by
// central differences of the gradient) that drives the gradient to round-off level.

/** Fills grad with ∇f at theta and returns f(theta); +Infinity/NaN signals "outside the domain". */
export type Objective = (theta: Float64Array, grad: Float64Array) => number;

export interface OptimState {
  theta: Float64Array;
  f: number;
  grad: Float64Array;
  iterations: number;
}

const dot = (a: Float64Array, b: Float64Array): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};
export const norm = (a: Float64Array): number => Math.sqrt(dot(a, a));
const finite = (v: number): boolean => Number.isFinite(v);

export function nelderMead(f: (t: Float64Array) => number, x0: Float64Array, maxIter = 2000, step = 0.5): OptimState {
  const d = x0.length;
  const safe = (t: Float64Array): number => {
    const v = f(t);
    return finite(v) ? v : Infinity;
  };
  let pts: Float64Array[] = [Float64Array.from(x0)];
  for (let i = 0; i < d; i++) {
    const p = Float64Array.from(x0);
    p[i]! += step;
    pts.push(p);
  }
  let vals = pts.map(safe);
  let it = 0;
  for (; it < maxIter; it++) {
    const order = vals.map((v, i) => i).sort((a, b) => vals[a]! - vals[b]!);
    pts = order.map((i) => pts[i]!);
    vals = order.map((i) => vals[i]!);
    if (Math.abs(vals[d]! - vals[0]!) <= 1e-13 * (Math.abs(vals[0]!) + 1e-300) && finite(vals[d]!)) break;
    const c = new Float64Array(d);
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) c[j]! += pts[i]![j]! / d;
    const along = (t: number): Float64Array => c.map((cj, j) => cj + t * (pts[d]![j]! - cj));
    const xr = along(-1);
    const fr = safe(xr);
    if (fr < vals[0]!) {
      const xe = along(-2);
      const fe = safe(xe);
      if (fe < fr) { pts[d] = xe; vals[d] = fe; } else { pts[d] = xr; vals[d] = fr; }
    } else if (fr < vals[d - 1]!) {
      pts[d] = xr; vals[d] = fr;
    } else {
      const xc = fr < vals[d]! ? along(-0.5) : along(0.5);
      const fc = safe(xc);
      if (fc < Math.min(fr, vals[d]!)) {
        pts[d] = xc; vals[d] = fc;
      } else {
        for (let i = 1; i <= d; i++) {
          pts[i] = pts[i]!.map((v, j) => pts[0]![j]! + 0.5 * (v - pts[0]![j]!));
          vals[i] = safe(pts[i]!);
        }
      }
    }
  }
  let best = 0;
  for (let i = 1; i <= d; i++) if (vals[i]! < vals[best]!) best = i;
  return { theta: pts[best]!, f: vals[best]!, grad: new Float64Array(d), iterations: it };
}

interface LsResult { a: number; f: number; g: Float64Array; x: Float64Array }

/** Strong-Wolfe line search (Nocedal & Wright, Alg. 3.5/3.6) with safeguarded quadratic zoom. */
function lineSearch(obj: Objective, x: Float64Array, fx: number, gx: Float64Array, dir: Float64Array, a0: number): LsResult | null {
  const c1 = 1e-4, c2 = 0.9;
  const dg0 = dot(gx, dir);
  if (!(dg0 < 0)) return null;
  // Approximate Wolfe (Hager & Zhang): near the optimum f changes by less than its round-off, so
  // the Armijo test is meaningless there; accept a non-increase within round-off instead.
  const noise = 1e-13 * Math.abs(fx);
  const armijoFails = (a: number, f: number): boolean => f > fx + c1 * a * dg0 && !(f <= fx + noise);
  const evalAt = (a: number): LsResult => {
    const xa = x.map((v, i) => v + a * dir[i]!);
    const g = new Float64Array(x.length);
    const f = obj(xa, g);
    return { a, f: finite(f) ? f : Infinity, g, x: xa };
  };
  const zoom = (lo: LsResult, hi: LsResult): LsResult | null => {
    for (let k = 0; k < 20; k++) {
      const dgLo = dot(lo.g, dir);
      let a = 0.5 * (lo.a + hi.a);
      if (finite(hi.f)) {
        const span = hi.a - lo.a;
        const denom = 2 * (hi.f - lo.f - dgLo * span);
        if (denom > 0) {
          const cand = lo.a - (dgLo * span * span) / denom;
          const lo2 = Math.min(lo.a, hi.a), hi2 = Math.max(lo.a, hi.a);
          if (cand > lo2 + 0.1 * (hi2 - lo2) && cand < hi2 - 0.1 * (hi2 - lo2)) a = cand;
        }
      }
      const cur = evalAt(a);
      if (armijoFails(a, cur.f) || cur.f > lo.f + noise) {
        hi = cur;
      } else {
        const dga = dot(cur.g, dir);
        if (Math.abs(dga) <= -c2 * dg0) return cur;
        if (dga * (hi.a - lo.a) >= 0) hi = lo;
        lo = cur;
      }
      if (Math.abs(hi.a - lo.a) < 1e-16 * Math.max(1, lo.a)) break;
    }
    return lo.a > 0 && lo.f <= fx + noise ? lo : null;
  };
  let prev: LsResult = { a: 0, f: fx, g: gx, x };
  let a = a0;
  for (let i = 0; i < 30; i++) {
    const cur = evalAt(a);
    if (armijoFails(a, cur.f) || (i > 0 && cur.f > prev.f + noise)) return zoom(prev, cur);
    const dga = dot(cur.g, dir);
    if (Math.abs(dga) <= -c2 * dg0) return cur;
    if (dga >= 0) return zoom(cur, prev);
    prev = cur;
    a *= 2;
  }
  return prev.a > 0 ? prev : null;
}

/**
 * BFGS on the inverse Hessian; stops when scale·‖∇f‖ ≤ gradTol, no further progress is possible,
 * or `stop(θ)` says the iterate has reached a region not worth refining (e.g. a ridge to a limit).
 */
export function bfgs(obj: Objective, x0: Float64Array, gradTol: number, scale: number, maxIter = 500, stop?: (theta: Float64Array) => boolean): OptimState {
  const d = x0.length;
  let x: Float64Array = Float64Array.from(x0);
  let g: Float64Array = new Float64Array(d);
  let f = obj(x, g);
  let H = identity(d);
  let it = 0;
  let first = true;
  for (; it < maxIter && finite(f); it++) {
    if (scale * norm(g) <= gradTol || stop?.(x)) break;
    const dir = matVec(H, g).map((v) => -v);
    let ls = lineSearch(obj, x, f, g, dir, first ? Math.min(1, 1 / Math.max(norm(g), 1e-12)) : 1);
    if (!ls) {
      // Curvature information went stale; restart from steepest descent once before giving up.
      H = identity(d);
      const sd = g.map((v) => -v);
      ls = lineSearch(obj, x, f, g, sd, Math.min(1, 1 / Math.max(norm(g), 1e-12)));
      if (!ls) break;
    }
    const s = ls.x.map((v, i) => v - x[i]!);
    const y = ls.g.map((v, i) => v - g[i]!);
    const sy = dot(s, y);
    if (first && sy > 0) {
      // Scale the initial inverse Hessian to the observed curvature (N&W eq. 6.20).
      H = identity(d).map((v) => (v * sy) / dot(y, y));
      first = false;
    }
    if (sy > 1e-300) {
      const rho = 1 / sy;
      const Hy = matVec(H, y);
      const yHy = dot(y, Hy);
      for (let i = 0; i < d; i++) {
        for (let j = 0; j < d; j++) {
          H[i * d + j]! += -rho * (Hy[i]! * s[j]! + s[i]! * Hy[j]!) + (rho * rho * yHy + rho) * s[i]! * s[j]!;
        }
      }
    }
    x = ls.x;
    f = ls.f;
    g = ls.g;
  }
  return { theta: x, f, grad: g, iterations: it };
}

/**
 * Newton steps with a central-difference Hessian of the (analytic or accurate) gradient. Near the
 * optimum f stops changing at round-off level, so acceptance is judged on the gradient norm.
 */
export function newtonPolish(obj: Objective, start: OptimState, gradTol: number, scale: number, h = 1e-5, maxIter = 10): OptimState {
  const d = start.theta.length;
  let { theta, f, grad } = start;
  let it = 0;
  for (; it < maxIter; it++) {
    if (scale * norm(grad) <= gradTol) break;
    const Hm = new Float64Array(d * d);
    for (let j = 0; j < d; j++) {
      const gp = new Float64Array(d), gm = new Float64Array(d);
      const tp = Float64Array.from(theta), tm = Float64Array.from(theta);
      tp[j]! += h;
      tm[j]! -= h;
      obj(tp, gp);
      obj(tm, gm);
      for (let i = 0; i < d; i++) Hm[i * d + j] = (gp[i]! - gm[i]!) / (2 * h);
    }
    for (let i = 0; i < d; i++) for (let j = 0; j < i; j++) Hm[i * d + j] = Hm[j * d + i] = 0.5 * (Hm[i * d + j]! + Hm[j * d + i]!);
    const step = solve(Hm, grad);
    if (!step) break;
    let accepted = false;
    for (let t = 1; t > 1e-4; t *= 0.5) {
      const cand = theta.map((v, i) => v - t * step[i]!);
      const gc = new Float64Array(d);
      const fc = obj(cand, gc);
      if (finite(fc) && fc <= f + 1e-12 * Math.abs(f) && norm(gc) < norm(grad)) {
        theta = cand; f = fc; grad = gc; accepted = true;
        break;
      }
    }
    if (!accepted) break;
  }
  return { theta, f, grad, iterations: start.iterations + it };
}

function identity(d: number): Float64Array {
  const m = new Float64Array(d * d);
  for (let i = 0; i < d; i++) m[i * d + i] = 1;
  return m;
}

function matVec(m: Float64Array, v: Float64Array): Float64Array {
  const d = v.length;
  const out = new Float64Array(d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) out[i]! += m[i * d + j]! * v[j]!;
  return out;
}

/** Gaussian elimination with partial pivoting; null when (numerically) singular. */
function solve(m: Float64Array, b: Float64Array): Float64Array | null {
  const d = b.length;
  const A = Float64Array.from(m);
  const x = Float64Array.from(b);
  for (let c = 0; c < d; c++) {
    let piv = c;
    for (let r = c + 1; r < d; r++) if (Math.abs(A[r * d + c]!) > Math.abs(A[piv * d + c]!)) piv = r;
    if (!(Math.abs(A[piv * d + c]!) > 1e-300)) return null;
    if (piv !== c) {
      for (let k = 0; k < d; k++) [A[c * d + k], A[piv * d + k]] = [A[piv * d + k]!, A[c * d + k]!];
      [x[c], x[piv]] = [x[piv]!, x[c]!];
    }
    for (let r = c + 1; r < d; r++) {
      const fct = A[r * d + c]! / A[c * d + c]!;
      for (let k = c; k < d; k++) A[r * d + k]! -= fct * A[c * d + k]!;
      x[r]! -= fct * x[c]!;
    }
  }
  for (let r = d - 1; r >= 0; r--) {
    let s = x[r]!;
    for (let k = r + 1; k < d; k++) s -= A[r * d + k]! * x[k]!;
    x[r] = s / A[r * d + r]!;
  }
  return x.every(finite) ? x : null;
}
