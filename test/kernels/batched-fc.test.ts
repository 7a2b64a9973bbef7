// Fully-connected layers prepared for several rows (runBatch) take other kernels than batch 1: int8 and
// dynamic-range as one GEMM, float32 as the row-blocked GEMV. Their outputs must equal per-row batch-1 runs bit
// for bit, including tails (k not a multiple of 4 or 16, n not a multiple of 4 or 8, an odd number of rows).
import { describe, expect, it } from 'vitest';
import { createKernelRuntime } from '../../src/kernels/runtime.js';
import { detectFeatures } from '../../src/wasm/loader.js';
import { byteRng as rng, put } from '../helpers/kernel-memory.js';
import type { Build, FcGeometry, KernelRuntime } from '../../src/kernels/api.js';

const features = await detectFeatures();
const builds: Build[] = ['scalar', ...(features.simd ? ['simd' as const] : []), ...(features.relaxedSimd ? ['relaxed' as const] : [])];
const shapes: [rows: number, k: number, n: number][] = [[2, 1, 1], [3, 7, 5], [5, 33, 13], [2, 64, 8], [7, 100, 3], [32, 4096, 512]];


/** Output of a batch-`rows` op and of the batch-1 op on each row, both read back as plain arrays. */
function batchedAndRows<T extends Int8Array | Float32Array>(
  rt: KernelRuntime, rows: number, x: T, inPer: number, outPer: number, Out: { new (b: ArrayBuffer, o: number, n: number): T },
  prepare: (g: FcGeometry) => { run(i: number, o: number): void }, k: number, n: number,
): { batched: number[]; single: number[] } {
  const batchedOp = prepare({ batch: rows, inFeatures: k, outFeatures: n });
  const singleOp = prepare({ batch: 1, inFeatures: k, outFeatures: n });
  rt.reserveScratch();
  const bytes = Out.name === 'Float32Array' ? 4 : 1;
  const xPtr = put(rt, x);
  const outPtr = rt.alloc(rows * outPer * bytes);
  batchedOp.run(xPtr, outPtr);
  const batched = Array.from(new Out(rt.memory.buffer, outPtr, rows * outPer));
  const single: number[] = [];
  for (let r = 0; r < rows; r++) {
    singleOp.run(xPtr + r * inPer * bytes, outPtr);
    single.push(...Array.from(new Out(rt.memory.buffer, outPtr, outPer)));
  }
  return { batched, single };
}

describe.each(builds)('%s build: batched fully-connected equals per-row batch 1', (build) => {
  for (const [rows, k, n] of shapes) {
    it(`${rows} rows × ${k} → ${n}`, async () => {
      const rnd = rng(rows * 7919 + k * 31 + n);
      const w = new Int8Array(k * n).map(() => Math.max(-127, rnd()));
      const scales = new Float32Array(n).map((_, c) => 0.001 + c * 1e-5);
      const xq = new Int8Array(rows * k).map(rnd);
      // Rows of different magnitude and sign mix, so every row gets its own dynamic scale and zero point.
      const xf = new Float32Array(rows * k).map((_, i) => (xq[i]! + 40) / (8 + 20 * Math.floor(i / k)));

      const rt = await createKernelRuntime({ backend: build });
      const qp = { weights: w, bias: new Int32Array(n).map(() => rnd() * 500), inputScale: 0.05, inputZeroPoint: -3,
        weightScales: scales, outputScale: 0.4, outputZeroPoint: 5, activationMin: -128, activationMax: 127 };
      // As FULLY_CONNECTED prepares several int8 rows: a 1×1 convolution over [1, rows, 1, k] with FC's float requantization.
      const q = batchedAndRows(rt, rows, xq, k, n, Int8Array, (g) => g.batch === 1 ? rt.fullyConnectedQS8(g, qp)
        : rt.conv2dQS8({ batch: 1, inH: rows, inW: 1, inC: k, outH: rows, outW: 1, outC: n, kH: 1, kW: 1, strideH: 1, strideW: 1,
          dilationH: 1, dilationW: 1, padTop: 0, padLeft: 0 }, { ...qp, requantization: 'float' }), k, n);
      expect(q.batched).toEqual(q.single);
      for (const asymmetricQuantizeInputs of [true, false]) {
        const h = batchedAndRows(rt, rows, xf, k, n, Float32Array, (g) => rt.fullyConnectedHybrid(g, {
          weights: w, weightScales: scales, bias: new Float32Array(n).fill(0.25), asymmetricQuantizeInputs,
          activationMin: -Infinity, activationMax: Infinity,
        }), k, n);
        expect(h.batched).toEqual(h.single);
      }
      const f = batchedAndRows(rt, rows, xf, k, n, Float32Array, (g) => rt.fullyConnectedF32(g, {
        weights: new Float32Array(w.length).map((_, i) => w[i]! / 300), bias: new Float32Array(n).map((_, i) => i / 7),
        activationMin: -2, activationMax: 6,
      }), k, n);
      expect(f.batched).toEqual(f.single);
      if (rows * n > 1) expect(new Set(f.batched).size).toBeGreaterThan(1); // not a constant output
    });
  }
});
