// Randomized kernel cases shared by the vitest suites and the relaxed-engine child processes.
// Every case runs a prepared op from a KernelRuntime and compares with src/reference.
import type {
  ConvGeometry, DepthwiseGeometry, FcGeometry, FloatParams, HybridParams, KernelRuntime, QuantizedParams,
} from '../../src/kernels/api.js';
import {
  conv2dQS8Reference, depthwiseConv2dQS8Reference, fullyConnectedQS8Reference,
  conv2dHybridReference, depthwiseConv2dHybridReference, fullyConnectedHybridReference,
  conv2dF32Reference, depthwiseConv2dF32Reference, fullyConnectedF32Reference,
} from '../../src/reference/conv.js';

export type CaseKind = 'qs8Conv' | 'qs8Depthwise' | 'qs8Fc' | 'hybridConv' | 'hybridDepthwise' | 'hybridFc'
  | 'f32Conv' | 'f32Depthwise' | 'f32Fc';
export const ALL_KINDS: readonly CaseKind[] = ['qs8Conv', 'qs8Depthwise', 'qs8Fc', 'hybridConv', 'hybridDepthwise',
  'hybridFc', 'f32Conv', 'f32Depthwise', 'f32Fc'];

export interface SuiteReport {
  cases: number;
  byKind: Partial<Record<CaseKind, number>>;
  failures: string[];
  /** FNV-1a over every integer output in case order: equal across builds ⇔ bit-identical int8 outputs. */
  int8Digest: string;
  /** Number of int8 cases in which an operand held −128 and 127 (weights and activations). */
  extremeCases: number;
}

/** mulberry32: small, seedable, good enough for test data. */
export function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  return { next, int, pick: <T,>(xs: readonly T[]) => xs[int(0, xs.length - 1)]! };
}
type Rng = ReturnType<typeof rng>;

/** Full-range int8 with −128 and 127 forced in (first two slots) and sprinkled at ~12 %. */
function int8Data(r: Rng, n: number): Int8Array {
  const a = new Int8Array(n);
  for (let i = 0; i < n; i++) {
    const u = r.next();
    a[i] = u < 0.06 ? -128 : u < 0.12 ? 127 : r.int(-128, 127);
  }
  a[0] = -128;
  if (n > 1) a[n - 1] = 127;
  return a;
}

function floatData(r: Rng, n: number): Float32Array {
  const a = new Float32Array(n);
  const lo = -r.next() * 4, hi = r.next() * 4;
  const mode = r.int(0, 3);
  for (let i = 0; i < n; i++) {
    a[i] = mode === 0 ? Math.max(0, lo + (hi - lo) * r.next()) // post-ReLU
      : mode === 1 ? Math.round((lo + (hi - lo) * r.next()) * 8) / 8 // many ties after scaling
        : lo + (hi - lo) * r.next();
  }
  return a;
}

function convGeometry(r: Rng, depthwise: boolean): DepthwiseGeometry {
  for (;;) {
    const big = r.next() < 0.1;
    const kH = r.pick([1, 1, 2, 3, 3, 4, 5, 8]), kW = r.next() < 0.7 ? kH : r.int(1, 5);
    const dilationH = r.next() < 0.75 ? 1 : r.int(2, 3), dilationW = r.next() < 0.75 ? 1 : r.int(2, 3);
    const strideH = r.pick([1, 1, 2, 3, 4]), strideW = r.next() < 0.7 ? strideH : r.int(1, 4);
    const inH = r.int(1, big ? 20 : 11), inW = r.int(1, big ? 20 : 11);
    const inC = depthwise ? r.int(1, 19) : big ? r.int(20, 70) : r.int(1, 17);
    const depthMultiplier = depthwise ? r.pick([1, 1, 1, 2, 3]) : 1;
    const padTop = r.int(0, 3), padBottom = r.int(0, 3), padLeft = r.int(0, 3), padRight = r.int(0, 3);
    const outH = Math.floor((inH + padTop + padBottom - ((kH - 1) * dilationH + 1)) / strideH) + 1;
    const outW = Math.floor((inW + padLeft + padRight - ((kW - 1) * dilationW + 1)) / strideW) + 1;
    if (outH < 1 || outW < 1) continue;
    const outC = depthwise ? inC * depthMultiplier : r.int(1, big ? 70 : 37);
    return { batch: r.next() < 0.15 ? 2 : 1, inH, inW, inC, outH, outW, outC, kH, kW, strideH, strideW,
      dilationH, dilationW, padTop, padLeft, depthMultiplier };
  }
}

function fcGeometry(r: Rng): FcGeometry {
  return { batch: r.next() < 0.2 ? r.int(2, 3) : 1, inFeatures: r.pick([1, 3, 16, 17, 33, 64, 100, r.int(1, 300)]),
    outFeatures: r.pick([1, 4, 5, 7, 8, 9, 31, r.int(1, 70)]) };
}

function quantizedParams(r: Rng, weights: Int8Array, channels: number, k: number): QuantizedParams {
  const inputScale = 2 ** (-8 + 6 * r.next());
  const perChannel = r.next() < 0.7;
  const weightScales = new Float32Array(perChannel ? channels : 1).map(() => 2 ** (-9 + 5 * r.next()));
  // Output scale near the accumulator's spread (so outputs are not all saturated); sometimes a multiplier ≥ 1.
  const spread = inputScale * weightScales[0]! * Math.sqrt(k) * 128 * 40;
  const outputScale = r.next() < 0.1 ? inputScale * weightScales[0]! / (1 + 6 * r.next()) : spread * 2 ** (-3 + 6 * r.next());
  const outputZeroPoint = r.int(-128, 127);
  const act = r.int(0, 2);
  const [activationMin, activationMax] = act === 0 ? [-128, 127] : act === 1 ? [Math.max(-128, outputZeroPoint), 127]
    : (() => { const a = r.int(-128, 127), b = r.int(-128, 127); return [Math.min(a, b), Math.max(a, b)]; })();
  const bias = r.next() < 0.2 ? null : new Int32Array(channels).map(() => r.int(-(2 ** 20), 2 ** 20));
  const u = r.next();
  const requantization = u < 0.5 ? undefined : u < 0.75 ? 'float' as const : 'fixed-point' as const;
  return { weights, bias, inputScale, inputZeroPoint: r.int(-128, 127), weightScales, outputScale, outputZeroPoint,
    activationMin, activationMax, requantization };
}

function hybridParams(r: Rng, weights: Int8Array, channels: number, asymmetric: boolean): HybridParams {
  const perChannel = r.next() < 0.7;
  const weightScales = new Float32Array(perChannel ? channels : 1).map(() => 2 ** (-9 + 5 * r.next()));
  const relu = r.next() < 0.5;
  return { weights, weightScales, bias: r.next() < 0.2 ? null : new Float32Array(channels).map(() => r.next() - 0.5),
    asymmetricQuantizeInputs: asymmetric, activationMin: relu ? 0 : -Infinity, activationMax: relu && r.next() < 0.5 ? 6 : Infinity };
}

function floatParams(r: Rng, n: number, channels: number): FloatParams {
  const relu = r.next() < 0.5;
  return { weights: new Float32Array(n).map(() => r.next() * 2 - 1),
    bias: r.next() < 0.2 ? null : new Float32Array(channels).map(() => r.next() - 0.5),
    activationMin: relu ? 0 : -Infinity, activationMax: relu && r.next() < 0.5 ? 6 : Infinity };
}

const GUARD = 64;

/** Writes the input, poisons output + guard, runs twice, checks the guard, returns a copy of the output. */
function execute<T extends Int8Array | Float32Array>(rt: KernelRuntime, op: { run(i: number, o: number): void },
  input: T, outLen: number, ctor: { new(b: ArrayBuffer, o: number, l: number): T; BYTES_PER_ELEMENT: number }): T | string {
  const inPtr = rt.alloc(input.byteLength);
  const outBytes = outLen * ctor.BYTES_PER_ELEMENT;
  const outPtr = rt.alloc(outBytes + GUARD);
  new Uint8Array(rt.memory.buffer, inPtr, input.byteLength).set(new Uint8Array(input.buffer, input.byteOffset, input.byteLength));
  new Uint8Array(rt.memory.buffer, outPtr, outBytes + GUARD).fill(0x5a);
  op.run(inPtr, outPtr);
  const first = new Uint8Array(rt.memory.buffer, outPtr, outBytes).slice();
  op.run(inPtr, outPtr);
  const mem = new Uint8Array(rt.memory.buffer);
  for (let i = outPtr + outBytes; i < outPtr + outBytes + GUARD; i++) if (mem[i] !== 0x5a) return 'wrote past the end of its output';
  const second = mem.subarray(outPtr, outPtr + outBytes);
  for (let i = 0; i < outBytes; i++) if (first[i] !== second[i]) return 'second run differs from the first';
  return new ctor(first.buffer, 0, outLen);
}

function describe(kind: CaseKind, g: object, i: number): string {
  return `${kind} #${i} ${JSON.stringify(g)}`;
}

function compareInt(got: Int8Array, want: Int8Array): string | null {
  for (let i = 0; i < want.length; i++) if (got[i] !== want[i]) return `index ${i}: got ${got[i]}, reference ${want[i]}`;
  return null;
}

function compareExactFloat(got: Float32Array, want: Float32Array): string | null {
  for (let i = 0; i < want.length; i++) {
    if (!Object.is(got[i], want[i]) && !(got[i] === want[i])) return `index ${i}: got ${got[i]}, reference ${want[i]}`;
  }
  return null;
}

/** Float paths: max|Δ| ≤ 1e-5·max|ref| (summation order in the GEMV differs from TFLite's). */
function compareFloat(got: Float32Array, want: Float32Array): string | null {
  let maxRef = 0;
  for (const v of want) maxRef = Math.max(maxRef, Math.abs(v));
  const tol = 1e-5 * Math.max(maxRef, 1e-30);
  for (let i = 0; i < want.length; i++) {
    if (!(Math.abs(got[i]! - want[i]!) <= tol)) return `index ${i}: got ${got[i]}, reference ${want[i]} (tol ${tol})`;
  }
  return null;
}

export interface SuiteOptions {
  seed: number;
  counts: Partial<Record<CaseKind, number>>;
  /** New runtime every this many cases (bounds memory growth from the bump allocator). */
  makeRuntime: () => Promise<KernelRuntime>;
  casesPerRuntime?: number;
}

export async function runRandomSuite(opts: SuiteOptions): Promise<SuiteReport> {
  const r = rng(opts.seed);
  const report: SuiteReport = { cases: 0, byKind: {}, failures: [], int8Digest: '', extremeCases: 0 };
  let digest = 0x811c9dc5;
  const mix = (bytes: Int8Array) => { for (const b of bytes) digest = Math.imul(digest ^ (b & 0xff), 0x01000193) >>> 0; };
  let rt = await opts.makeRuntime();
  let sinceNew = 0;
  for (const kind of ALL_KINDS) {
    const count = opts.counts[kind] ?? 0;
    for (let i = 0; i < count; i++) {
      if (sinceNew++ >= (opts.casesPerRuntime ?? 40)) { rt = await opts.makeRuntime(); sinceNew = 0; }
      const fail = (msg: string, g: object) => report.failures.push(`${describe(kind, g, i)}: ${msg}`);
      report.cases++;
      report.byKind[kind] = (report.byKind[kind] ?? 0) + 1;
      if (kind === 'qs8Conv' || kind === 'hybridConv' || kind === 'f32Conv') {
        const g: ConvGeometry = convGeometry(r, false);
        const k = g.kH * g.kW * g.inC, wn = g.outC * k, inN = g.batch * g.inH * g.inW * g.inC;
        const outN = g.batch * g.outH * g.outW * g.outC;
        if (kind === 'qs8Conv') {
          const p = quantizedParams(r, int8Data(r, wn), g.outC, k);
          const x = int8Data(r, inN);
          report.extremeCases++;
          const got = execute(rt, rt.conv2dQS8(g, p), x, outN, Int8Array);
          if (typeof got === 'string') { fail(got, g); continue; }
          mix(got);
          const err = compareInt(got, conv2dQS8Reference(g, p, x));
          if (err) fail(err, g);
        } else if (kind === 'hybridConv') {
          const p = hybridParams(r, int8Data(r, wn), g.outC, r.next() < 0.6);
          const x = floatData(r, inN);
          const got = execute(rt, rt.conv2dHybrid(g, p), x, outN, Float32Array);
          if (typeof got === 'string') { fail(got, g); continue; }
          const err = compareExactFloat(got, conv2dHybridReference(g, p, x));
          if (err) fail(err, g);
        } else {
          const p = floatParams(r, wn, g.outC);
          const x = floatData(r, inN);
          const got = execute(rt, rt.conv2dF32(g, p), x, outN, Float32Array);
          if (typeof got === 'string') { fail(got, g); continue; }
          const err = compareFloat(got, conv2dF32Reference(g, p, x));
          if (err) fail(err, g);
        }
      } else if (kind === 'qs8Depthwise' || kind === 'hybridDepthwise' || kind === 'f32Depthwise') {
        const g = convGeometry(r, true);
        const wn = g.kH * g.kW * g.outC, inN = g.batch * g.inH * g.inW * g.inC;
        const outN = g.batch * g.outH * g.outW * g.outC;
        if (kind === 'qs8Depthwise') {
          const p = quantizedParams(r, int8Data(r, wn), g.outC, g.kH * g.kW);
          const x = int8Data(r, inN);
          report.extremeCases++;
          const got = execute(rt, rt.depthwiseConv2dQS8(g, p), x, outN, Int8Array);
          if (typeof got === 'string') { fail(got, g); continue; }
          mix(got);
          const err = compareInt(got, depthwiseConv2dQS8Reference(g, p, x));
          if (err) fail(err, g);
        } else if (kind === 'hybridDepthwise') {
          const p = hybridParams(r, int8Data(r, wn), g.outC, r.next() < 0.6);
          const x = floatData(r, inN);
          const got = execute(rt, rt.depthwiseConv2dHybrid(g, p), x, outN, Float32Array);
          if (typeof got === 'string') { fail(got, g); continue; }
          const err = compareExactFloat(got, depthwiseConv2dHybridReference(g, p, x));
          if (err) fail(err, g);
        } else {
          const p = floatParams(r, wn, g.outC);
          const x = floatData(r, inN);
          const got = execute(rt, rt.depthwiseConv2dF32(g, p), x, outN, Float32Array);
          if (typeof got === 'string') { fail(got, g); continue; }
          const err = compareFloat(got, depthwiseConv2dF32Reference(g, p, x));
          if (err) fail(err, g);
        }
      } else {
        const g = fcGeometry(r);
        const wn = g.inFeatures * g.outFeatures, inN = g.batch * g.inFeatures, outN = g.batch * g.outFeatures;
        if (kind === 'qs8Fc') {
          const p = quantizedParams(r, int8Data(r, wn), g.outFeatures, g.inFeatures);
          const x = int8Data(r, inN);
          report.extremeCases++;
          const got = execute(rt, rt.fullyConnectedQS8(g, p), x, outN, Int8Array);
          if (typeof got === 'string') { fail(got, g); continue; }
          mix(got);
          const err = compareInt(got, fullyConnectedQS8Reference(g, p, x));
          if (err) fail(err, g);
        } else if (kind === 'hybridFc') {
          const p = hybridParams(r, int8Data(r, wn), g.outFeatures, r.next() < 0.7);
          const x = floatData(r, inN);
          const got = execute(rt, rt.fullyConnectedHybrid(g, p), x, outN, Float32Array);
          if (typeof got === 'string') { fail(got, g); continue; }
          const err = compareExactFloat(got, fullyConnectedHybridReference(g, p, x));
          if (err) fail(err, g);
        } else {
          const p = floatParams(r, wn, g.outFeatures);
          const x = floatData(r, inN);
          const got = execute(rt, rt.fullyConnectedF32(g, p), x, outN, Float32Array);
          if (typeof got === 'string') { fail(got, g); continue; }
          const err = compareFloat(got, fullyConnectedF32Reference(g, p, x));
          if (err) fail(err, g);
        }
      }
    }
  }
  report.int8Digest = digest.toString(16).padStart(8, '0');
  return report;
}

/** The standard mix used per build: 420 int8 cases plus hybrid and float. */
export const STANDARD_COUNTS: Record<CaseKind, number> = {
  qs8Conv: 200, qs8Depthwise: 100, qs8Fc: 120,
  hybridConv: 60, hybridDepthwise: 30, hybridFc: 60,
  f32Conv: 50, f32Depthwise: 30, f32Fc: 40,
};
