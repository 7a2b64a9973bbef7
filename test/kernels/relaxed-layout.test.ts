// The relaxed-dot GEMM and GEMV read their own packed layouts (c4 i8 blocks, 4-row × 16-k GEMV stream). On engines
// without an exact full-range lowering (no VNNI/SDOT) the runtime never picks them, so they are checked here
// directly with activations in [0, 127], where relaxed_dot_i8x16_i7x16_add_s is exact on every lowering.
import { describe, expect, it } from 'vitest';
import { instantiateBuild, detectFeatures } from '../../src/wasm/loader.js';
import { BumpAllocator } from '../../src/wasm/allocator.js';
import { channelParamBlock, packGemmC4I8, packGemvR4K16, roundUp } from '../../src/kernels/pack.js';
import { rng } from './random-cases.js';

const features = await detectFeatures();

describe.runIf(features.relaxedSimd)('relaxed kernels on in-range activations', () => {
  it('GEMM (c4 layout) and GEMV (4-row stream) equal Σ w·x over random shapes, weights over the full int8 range', async () => {
    const k = await instantiateBuild('relaxed');
    const r = rng(5);
    let checked = 0;
    for (let round = 0; round < 40; round++) {
      const heap = new BumpAllocator(k.memory, k.heap_base());
      const put = (a: ArrayBufferView | ArrayBuffer): number => heap.place(a);
      const m = r.int(1, 9), n = r.int(1, 37), kk = r.int(1, 150);
      const w = new Int8Array(n * kk).map(() => r.pick([-128, 127, r.int(-128, 127)]));
      const x = new Uint8Array(m * kk).map(() => r.pick([0, 127, r.int(0, 127)]));
      const want = new Int32Array(m * n);
      for (let i = 0; i < m; i++) for (let c = 0; c < n; c++) {
        let s = 0;
        for (let j = 0; j < kk; j++) s += w[c * kk + j]! * x[i * kk + j]!;
        want[i * n + c] = s;
      }
      const np = roundUp(n, 8);
      const chan = put(channelParamBlock(np, new Int32Array(np), null));
      // GEMM: rows of x at stride kp (zero padded), int32 output (mode 1).
      const kp = roundUp(kk, 8);
      const a = new Uint8Array(m * kp);
      for (let i = 0; i < m; i++) a.set(x.subarray(i * kk, i * kk + kk), i * kp);
      const aPtr = put(a), bPtr = put(packGemmC4I8(w, n, kk, kp, np)), cPtr = heap.alloc(m * n * 4);
      k.qs8_gemm_relaxed(aPtr, kp, m, bPtr, n, chan, np, cPtr, n * 4, 0, 0, 0, 1, 0);
      expect(Array.from(new Int32Array(k.memory.buffer, cPtr, m * n))).toEqual(Array.from(want));
      // GEMV, row by row.
      const kv = roundUp(kk, 16);
      const wPtr = put(packGemvR4K16(w, n, kk, kv, np)), vPtr = heap.alloc(kv), yPtr = heap.alloc(np * 4);
      for (let i = 0; i < m; i++) {
        const v = new Uint8Array(k.memory.buffer, vPtr, kv);
        v.fill(0);
        v.set(x.subarray(i * kk, i * kk + kk));
        k.qs8_gemv_relaxed(vPtr, kv, wPtr, n, chan, np, yPtr, 0, 0, 0, 1, 0);
        expect(Array.from(new Int32Array(k.memory.buffer, yPtr, n))).toEqual(Array.from(want.subarray(i * n, i * n + n)));
      }
      checked++;
    }
    expect(checked).toBe(40);
  });

  it('4-bit-half GEMV (qs8_gemv_u4) equals Σ w·(x − zp) at the i16 accumulation bound and on random shapes', async () => {
    const k = await instantiateBuild('relaxed');
    const r = rng(9);
    const cases: Array<{ n: number; kk: number; w: () => number; x: () => number; zp: number }> = [
      // Largest |pair sum| per step (2·128·15) for eight steps in a row, then a K tail: all weights −128 or 127, u = 255.
      { n: 8, kk: 4096 + 37, w: () => -128, x: () => 127, zp: -128 },
      { n: 5, kk: 1000, w: () => 127, x: () => 127, zp: 0 },
      { n: 4, kk: 256, w: () => -128, x: () => -128, zp: 127 },
    ];
    for (let i = 0; i < 30; i++) {
      cases.push({ n: r.int(1, 37), kk: r.int(1, 700), w: () => r.pick([-128, 127, r.int(-128, 127)]),
        x: () => r.pick([-128, 127, r.int(-128, 127)]), zp: r.int(-128, 127) });
    }
    for (const c of cases) {
      const heap = new BumpAllocator(k.memory, k.heap_base());
      const w = new Int8Array(c.n * c.kk).map(c.w), x = new Int8Array(c.kk).map(c.x);
      const kp = roundUp(c.kk, 16), np = roundUp(c.n, 8);
      // Bias −(zp + 128)·Σw turns Σ w·(x + 128) into Σ w·(x − zp).
      const bias = new Int32Array(np);
      for (let o = 0; o < c.n; o++) {
        let sw = 0;
        for (let j = 0; j < c.kk; j++) sw += w[o * c.kk + j]!;
        bias[o] = -(c.zp + 128) * sw;
      }
      const chan = heap.place(channelParamBlock(np, bias, null));
      const wPtr = heap.place(packGemvR4K16(w, c.n, c.kk, kp, np)), xPtr = heap.place(x);
      const halves = heap.alloc(2 * kp), yPtr = heap.alloc(np * 4);
      k.qs8_pack_u4_halves(xPtr, c.kk, kp, halves);
      k.qs8_gemv_u4(halves, kp, wPtr, c.n, chan, np, yPtr, 0, 0, 0, 1, 0);
      const want = Array.from({ length: c.n }, (_, o) => {
        let s = 0;
        for (let j = 0; j < c.kk; j++) s += w[o * c.kk + j]! * (x[j]! - c.zp);
        return s;
      });
      expect(Array.from(new Int32Array(k.memory.buffer, yPtr, c.n))).toEqual(want);
    }
  });
});
