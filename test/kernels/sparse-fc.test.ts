// Fully-connected layers skip the input entries equal to the zero point (a ReLU's zeros) when at most 3/8 of a row
// differs from it (assembly/qs8-spmv.ts). The sums are exact either way, so outputs must equal the reference at
// every density — on both sides of the switch, with odd nonzero counts, rows of a batch that go different ways,
// n not a multiple of 32 and k not a multiple of 16.
import { describe, expect, it } from 'vitest';
import { createKernelRuntime, type KernelRuntimeEx } from '../../src/kernels/runtime.js';
import { detectFeatures } from '../../src/wasm/loader.js';
import { byteRng as rng, put } from '../helpers/kernel-memory.js';
import type { Build } from '../../src/kernels/api.js';
import { fullyConnectedHybridReference, fullyConnectedQS8Reference } from '../../src/reference/conv.js';
import { transposeRows } from '../../src/kernels/pack.js';

const features = await detectFeatures();
const builds: Build[] = ['scalar', ...(features.simd ? ['simd' as const] : []), ...(features.relaxedSimd ? ['relaxed' as const] : [])];


/** Rows of k entries, row r with `nonzero[r]` entries (at random places) that differ from zp. */
function sparseRows(rnd: () => number, k: number, zp: number, nonzero: number[]): Int8Array {
  const x = new Int8Array(k * nonzero.length).fill(zp);
  nonzero.forEach((count, r) => {
    const idx = Array.from({ length: k }, (_, i) => i);
    for (let i = 0; i < count; i++) {
      const j = i + (((rnd() + 128) * 997 + i * 31) % (k - i));
      [idx[i], idx[j]] = [idx[j]!, idx[i]!];
      let v = rnd();
      if (v === zp) v = zp === 127 ? 126 : zp + 1;
      x[r * k + idx[i]!] = v;
    }
  });
  return x;
}

const shapes: [k: number, n: number][] = [[64, 1], [100, 5], [257, 37], [4096, 512]];
const fractions = [0, 0.01, 0.1, 0.37, 0.38, 0.6, 1];

describe.each(builds)('%s build: sparse-input fully-connected', (build) => {
  it('gather + pair kernels: int32 sums equal the dense sums, and more than maxPairs pairs are refused', async () => {
    const rt = (await createKernelRuntime({ backend: build })) as KernelRuntimeEx;
    const kx = rt.kernels;
    for (const [k, n] of shapes) {
      const rnd = rng(k * 13 + n);
      const np = Math.ceil(n / 32) * 32;
      const w = new Int8Array(n * k).map(() => Math.max(-127, rnd()));
      const wt = put(rt, transposeRows(w, n, k, np));
      const bias = new Int32Array(Math.ceil(np / 8) * 8 * 10); // channel block, all zero: plain sums
      const chan = put(rt, new Int8Array(bias.buffer));
      for (const zp of [-128, 0, 55]) {
        for (const count of [0, 1, 2, 3, Math.floor(k / 7), Math.floor(k * 0.37)]) {
          const x = sparseRows(rnd, k, zp, [count]);
          const maxPairs = Math.floor((3 * k) / 16);
          const entries = 2 * maxPairs + 18;
          const offs = rt.alloc(entries * 4), vals = rt.alloc(entries * 2), out = rt.alloc(n * 4);
          const pairs = kx.qs8_gather_nonzero(put(rt, x), k, zp, np, maxPairs, offs, vals, 0);
          expect(pairs).toBe(count > 2 * maxPairs ? -1 : Math.ceil(count / 2));
          if (pairs < 0) continue;
          kx.qs8_gemv_pairs(pairs, offs, vals, wt, n, chan, np, out, 0, 0, 0, 1, 0, 0);
          const got = Array.from(new Int32Array(rt.memory.buffer, out, n));
          const want = Array.from({ length: n }, (_, r) => {
            let s = 0;
            for (let i = 0; i < k; i++) s += w[r * k + i]! * (x[i]! - zp);
            return s;
          });
          expect(got).toEqual(want);
        }
        // Dense: refused (the caller runs the dense GEMV).
        expect(kx.qs8_gather_nonzero(put(rt, sparseRows(rnd, k, zp, [k])), k, zp, np, Math.floor((3 * k) / 16),
          rt.alloc(k * 4 + 80), rt.alloc(k * 2 + 40), 0)).toBe(-1);
      }
    }
  });

  it.each(shapes)('int8 %i → %i: batch 1 and mixed batches equal the reference at every density', async (k, n) => {
    const rt = await createKernelRuntime({ backend: build });
    const rnd = rng(k * 7 + n * 3);
    const w = new Int8Array(n * k).map(() => Math.max(-127, rnd()));
    for (const perChannel of [true, false]) {
      const qp = { weights: w, bias: new Int32Array(n).map(() => rnd() * 400), inputScale: 0.05, inputZeroPoint: -128,
        weightScales: perChannel ? new Float32Array(n).map((_, c) => 0.002 + c * 1e-5) : new Float32Array([0.003]),
        outputScale: 0.05 * Math.sqrt(k) / 4, outputZeroPoint: 3, activationMin: -128, activationMax: 127 };
      const counts = fractions.map((f) => Math.round(f * k));
      const x = sparseRows(rnd, k, qp.inputZeroPoint, counts);
      const rows = counts.length;
      const single = rt.fullyConnectedQS8({ batch: 1, inFeatures: k, outFeatures: n }, qp);
      const batched = rt.fullyConnectedQS8({ batch: rows, inFeatures: k, outFeatures: n }, qp);
      const allSparse = rt.fullyConnectedQS8({ batch: 2, inFeatures: k, outFeatures: n }, qp);
      rt.reserveScratch();
      const xPtr = put(rt, x), out = rt.alloc(rows * n);
      for (let r = 0; r < rows; r++) {
        single.run(xPtr + r * k, out);
        expect(Array.from(new Int8Array(rt.memory.buffer, out, n)), `row ${counts[r]} nonzero`)
          .toEqual(Array.from(fullyConnectedQS8Reference({ batch: 1, inFeatures: k, outFeatures: n }, qp, x.subarray(r * k, (r + 1) * k))));
      }
      const want = Array.from(fullyConnectedQS8Reference({ batch: rows, inFeatures: k, outFeatures: n }, qp, x));
      batched.run(xPtr, out);
      expect(Array.from(new Int8Array(rt.memory.buffer, out, rows * n))).toEqual(want);
      allSparse.run(xPtr, out); // rows 0 and 1: both sparse, no GEMM
      expect(Array.from(new Int8Array(rt.memory.buffer, out, 2 * n))).toEqual(want.slice(0, 2 * n));
    }
  });

  it.each(shapes)('dynamic-range %i → %i: batch 1 and mixed batches equal the reference at every density', async (k, n) => {
    const rt = await createKernelRuntime({ backend: build });
    const rnd = rng(k * 5 + n * 11);
    const w = new Int8Array(n * k).map(() => Math.max(-127, rnd()));
    const counts = fractions.map((f) => Math.round(f * k));
    const xq = sparseRows(rnd, k, 0, counts);
    // ReLU-like rows: exact zeros, positive values elsewhere (asymmetric quantization keeps 0.0 at the zero point).
    const xf = new Float32Array(xq.length).map((_, i) => (xq[i] === 0 ? 0 : Math.abs(xq[i]!) / 17 + 0.01));
    const rows = counts.length;
    for (const asymmetricQuantizeInputs of [false, true]) {
      const hp = { weights: w, weightScales: new Float32Array(n).map((_, c) => 0.001 + c * 1e-5), bias: new Float32Array(n).fill(0.25),
        asymmetricQuantizeInputs, activationMin: -Infinity, activationMax: Infinity };
      const single = rt.fullyConnectedHybrid({ batch: 1, inFeatures: k, outFeatures: n }, hp);
      const batched = rt.fullyConnectedHybrid({ batch: rows, inFeatures: k, outFeatures: n }, hp);
      const allSparse = rt.fullyConnectedHybrid({ batch: 2, inFeatures: k, outFeatures: n }, hp);
      rt.reserveScratch();
      const xPtr = put(rt, xf), out = rt.alloc(rows * n * 4);
      const want = Array.from(fullyConnectedHybridReference({ batch: rows, inFeatures: k, outFeatures: n }, hp, xf));
      for (let r = 0; r < rows; r++) {
        single.run(xPtr + r * k * 4, out);
        expect(Array.from(new Float32Array(rt.memory.buffer, out, n)), `row ${counts[r]} nonzero`).toEqual(want.slice(r * n, (r + 1) * n));
      }
      batched.run(xPtr, out);
      expect(Array.from(new Float32Array(rt.memory.buffer, out, rows * n))).toEqual(want);
      allSparse.run(xPtr, out);
      expect(Array.from(new Float32Array(rt.memory.buffer, out, 2 * n))).toEqual(want.slice(0, 2 * n));
    }
  });

  it('sparseInputs: false keeps the dense kernels and their memory: same outputs, no transposed copy', async () => {
    const k = 512, n = 40;
    const rnd = rng(5);
    const w = new Int8Array(n * k).map(() => Math.max(-127, rnd()));
    const qp = { weights: w, bias: null, inputScale: 0.05, inputZeroPoint: -128, weightScales: new Float32Array(n).fill(0.004),
      outputScale: 0.3, outputZeroPoint: 0, activationMin: -128, activationMax: 127 };
    const x = sparseRows(rnd, k, -128, [40]);
    const outs: number[][] = [];
    const bytes: number[] = [];
    for (const sparseInputs of [true, false]) {
      const rt = await createKernelRuntime({ backend: build, sparseInputs });
      const before = rt.allocatedBytes;
      const op = rt.fullyConnectedQS8({ batch: 1, inFeatures: k, outFeatures: n }, qp);
      bytes.push(rt.allocatedBytes - before);
      rt.reserveScratch();
      const out = rt.alloc(n);
      op.run(put(rt, x), out);
      outs.push(Array.from(new Int8Array(rt.memory.buffer, out, n)));
    }
    expect(outs[0]).toEqual(outs[1]);
    expect(bytes[0]! - bytes[1]!).toBeGreaterThanOrEqual(k * 64); // the [k][np] copy, np = 64
    await expect(createKernelRuntime({ backend: build, sparseInputs: 'yes' as unknown as boolean })).rejects.toThrow(/sparseInputs/);
  });
});

/**
 * Rows for the batched path: features in `shared` nonzero in most rows, the rest rarely, one row dense and one all
 * zero point. Values may fall below zp (then the relaxed GEMM's u8 encoding cannot hold x − zp).
 */
function batchRows(rnd: () => number, rows: number, k: number, zp: number, shared: number): Int8Array {
  const x = new Int8Array(rows * k).fill(zp);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < k; j++) {
      const p = r === 0 ? 1 : r === 1 ? 0 : (j * 7919) % k < shared ? 0.8 : 0.03;
      if ((rnd() + 128) / 256 < p) x[r * k + j] = rnd() === zp ? zp + 1 : Math.max(zp, rnd());
    }
  }
  return x;
}

const simdBuilds = builds.filter((b) => b !== 'scalar');

describe.each(simdBuilds)('%s build: batched sparse-input fully-connected (shared features as one GEMM)', (build) => {
  it('count, select, pack and gather kernels build the GEMM operands', async () => {
    const rt = (await createKernelRuntime({ backend: build })) as KernelRuntimeEx;
    const kx = rt.kernels;
    const rnd = rng(99);
    for (const [k, n, rows] of [[100, 37, 9], [64, 32, 300]] as const) {
      const np = Math.ceil(n / 32) * 32;
      const zps = Int32Array.from({ length: rows }, (_, r) => [-128, 0, 55][r % 3]!);
      const x = new Int8Array(rows * k).map((_, i) => ((rnd() + 128) % 3 === 0 ? rnd() : zps[Math.floor(i / k)]!));
      const xPtr = put(rt, x), zpPtr = put(rt, new Int8Array(zps.buffer));
      const counts = rt.alloc(k + 16), skip = rt.alloc(k + 16), idx = rt.alloc(4 * (k + 8));
      kx.qs8_count_nonzero(xPtr, rows, k, zpPtr, counts);
      const want = Array.from({ length: k }, (_, j) => Math.min(255, zps.reduce((c, zp, r) => c + (x[r * k + j] !== zp ? 1 : 0), 0)));
      expect(Array.from(new Uint8Array(rt.memory.buffer, counts, k))).toEqual(want);
      const thr = Math.min(254, Math.floor(rows / 3));
      const u = kx.qs8_select_columns(counts, k, thr, idx, skip);
      const chosen = want.flatMap((c, j) => (c > thr ? [j] : []));
      expect(u).toBe(chosen.length);
      const kp = Math.ceil(u / 8) * 8;
      expect(Array.from(new Int32Array(rt.memory.buffer, idx, kp))).toEqual([...chosen, ...new Array(kp - u).fill(-1)]);
      expect(Array.from(new Uint8Array(rt.memory.buffer, skip, k))).toEqual(want.map((c) => (c > thr ? 255 : 0)));

      const w = new Int8Array(n * k).map(() => rnd());
      const wt = put(rt, transposeRows(w, n, k, np));
      const weight = (c: number, j: number) => (j < u && c < n ? w[c * k + chosen[j]!]! : 0);
      for (const layout of [0, 1]) {
        const b = rt.alloc(np * kp * 2);
        kx.qs8_pack_columns(wt, np, idx, kp, layout, b);
        const got = layout === 1 ? new Int8Array(rt.memory.buffer, b, np * kp) : new Int16Array(rt.memory.buffer, b, np * kp);
        const per = layout === 1 ? 4 : 2;
        const expected = new Array<number>(np * kp);
        for (let c = 0; c < np; c++) {
          for (let j = 0; j < kp; j++) expected[(c >> 3) * kp * 8 + Math.floor(j / per) * 8 * per + (c & 7) * per + (j % per)] = weight(c, j);
        }
        expect(Array.from(got), `layout ${layout}`).toEqual(expected);
      }
      for (const enc of [0, 1]) {
        const a = rt.alloc(rows * kp * 2);
        const ok = kx.qs8_gather_columns(xPtr, rows, k, zpPtr, idx, kp, enc, a);
        const d = Array.from({ length: rows * kp }, (_, i) => {
          const r = Math.floor(i / kp), j = i % kp;
          return j < u ? x[r * k + chosen[j]!]! - zps[r]! : 0;
        });
        const fits = enc === 0 || d.every((v) => v >= 0 && v <= 255);
        expect(ok, `enc ${enc}`).toBe(fits ? 1 : 0);
        if (!fits) continue;
        const got = enc === 0 ? new Int16Array(rt.memory.buffer, a, rows * kp) : new Uint8Array(rt.memory.buffer, a, rows * kp);
        expect(Array.from(got), `enc ${enc}`).toEqual(d);
      }
      // zero points ≤ every entry: the u8 encoding holds them
      const zMin = put(rt, new Int8Array(new Int32Array(rows).fill(-128).buffer));
      expect(kx.qs8_gather_columns(xPtr, rows, k, zMin, idx, kp, 1, rt.alloc(rows * kp))).toBe(1);
    }
  });

  it.each([[100, 5, 8], [257, 37, 12], [4096, 512, 33]] as const)('int8 %i → %i, %i rows: equal to the reference', async (k, n, rows) => {
    const rt = await createKernelRuntime({ backend: build });
    const rnd = rng(k + n + rows);
    const w = new Int8Array(n * k).map(() => Math.max(-127, rnd()));
    const cases = [[-128, Math.floor(k / 4), true], [-128, 0, true], [-128, k, true], [0, Math.floor(k / 5), true],
      [55, Math.floor(k / 3), true], [-128, Math.floor(k / 4), false]] as const;
    for (const [inZp, shared, perChannel] of cases) {
      const qp = { weights: w, bias: new Int32Array(n).map(() => rnd() * 400), inputScale: 0.05, inputZeroPoint: inZp,
        weightScales: perChannel ? new Float32Array(n).map((_, c) => 0.002 + c * 1e-5) : new Float32Array([0.0031]),
        outputScale: 0.05 * Math.sqrt(k) / 4, outputZeroPoint: 3, activationMin: -128, activationMax: 127 };
      const x = batchRows(rnd, rows, k, inZp, shared);
      const op = rt.fullyConnectedQS8({ batch: rows, inFeatures: k, outFeatures: n }, qp);
      rt.reserveScratch();
      const out = rt.alloc(rows * n);
      op.run(put(rt, x), out);
      expect(Array.from(new Int8Array(rt.memory.buffer, out, rows * n)), `zp ${inZp}, ${shared} shared, per-channel ${perChannel}`)
        .toEqual(Array.from(fullyConnectedQS8Reference({ batch: rows, inFeatures: k, outFeatures: n }, qp, x)));
    }
  });

  it.each([[257, 37, 9], [4096, 512, 32]] as const)('dynamic-range %i → %i, %i rows: equal to the reference', async (k, n, rows) => {
    const rt = await createKernelRuntime({ backend: build });
    const rnd = rng(3 * k + n + rows);
    const w = new Int8Array(n * k).map(() => Math.max(-127, rnd()));
    const xq = batchRows(rnd, rows, k, 0, Math.floor(k / 4));
    const xf = new Float32Array(xq.length).map((_, i) => (xq[i] === 0 ? 0 : Math.abs(xq[i]!) / 17 + 0.01));
    for (const asymmetricQuantizeInputs of [false, true]) {
      const hp = { weights: w, weightScales: new Float32Array(n).map((_, c) => 0.001 + c * 1e-5), bias: new Float32Array(n).fill(0.25),
        asymmetricQuantizeInputs, activationMin: -Infinity, activationMax: Infinity };
      const op = rt.fullyConnectedHybrid({ batch: rows, inFeatures: k, outFeatures: n }, hp);
      rt.reserveScratch();
      const xPtr = put(rt, xf), out = rt.alloc(rows * n * 4);
      op.run(xPtr, out);
      expect(Array.from(new Float32Array(rt.memory.buffer, out, rows * n)))
        .toEqual(Array.from(fullyConnectedHybridReference({ batch: rows, inFeatures: k, outFeatures: n }, hp, xf)));
    }
  });
});
