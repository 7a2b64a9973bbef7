// Requantization and dynamic quantization: targeted cases (ties, shifts of both signs, int32 extremes)
// through the real kernels of every in-process build, and the reference arithmetic itself.
import { describe, expect, it } from 'vitest';
import { createKernelRuntime } from '../../src/kernels/runtime.js';
import { detectFeatures } from '../../src/wasm/loader.js';
import type { Build } from '../../src/kernels/api.js';
import { channelMultipliers, quantizeMultiplier } from '../../src/kernels/quantize-multiplier.js';
import { highWordRequant } from '../../src/kernels/pack.js';
import {
  asymmetricQuantizeFloats, multiplyByQuantizedMultiplier, quantizeMultiplierRef, quantizeStaticRef, roundHalfAwayFromZero,
  roundingDivideByPOT, saturatingRoundingDoublingHighMul, symmetricQuantizeFloats,
} from '../../src/reference/quantization.js';
import { rng } from './random-cases.js';

const features = await detectFeatures();
const builds: Build[] = ['scalar', ...(features.simd ? ['simd' as const] : []), ...(features.relaxedSimd ? ['relaxed' as const] : [])];

describe('reference arithmetic (hand-checked values)', () => {
  it('rounds half away from zero', () => {
    expect([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, -0.49].map(roundHalfAwayFromZero)).toEqual([-3, -2, -1, 1, 2, 3, -0]);
  });
  it('SaturatingRoundingDoublingHighMul', () => {
    expect(saturatingRoundingDoublingHighMul(-2147483648, -2147483648)).toBe(2147483647);
    expect(saturatingRoundingDoublingHighMul(1 << 30, 1 << 30)).toBe(1 << 29);
    expect(saturatingRoundingDoublingHighMul(3, 1 << 30)).toBe(2); // 1.5 → 2
    expect(saturatingRoundingDoublingHighMul(-3, 1 << 30)).toBe(-1); // -1.5 → -1 (nudge then truncate)
  });
  it('RoundingDivideByPOT', () => {
    expect([5, -5, 6, -6, 7, -7].map((x) => roundingDivideByPOT(x, 1))).toEqual([3, -3, 3, -3, 4, -4]);
    expect(roundingDivideByPOT(-12, 3)).toBe(-2); // -1.5 → -2
    expect(roundingDivideByPOT(12, 3)).toBe(2);
    expect(roundingDivideByPOT(123, 0)).toBe(123);
  });
  it('QuantizeMultiplier', () => {
    expect(quantizeMultiplierRef(0.5)).toEqual([1 << 30, 0]);
    expect(quantizeMultiplierRef(1)).toEqual([1 << 30, 1]);
    expect(quantizeMultiplierRef(0.75)).toEqual([1610612736, 0]);
    expect(quantizeMultiplierRef(2 ** -40)).toEqual([0, 0]);
  });
  it('kernel-side QuantizeMultiplier equals the reference', () => {
    const r = rng(7);
    for (let i = 0; i < 20000; i++) {
      const real = i < 64 ? 2 ** (i - 40) : 2 ** (-36 + 40 * r.next()) * (i % 3 === 0 ? 1 : r.next() + 0.5);
      const { multiplier, shift } = quantizeMultiplier(real);
      expect([multiplier, shift]).toEqual(quantizeMultiplierRef(real));
    }
  });
});

describe.each(builds)('%s build: requantization through the FC kernel', (build) => {
  it('float (reference FC): round_half_away(double(acc)·scale) at exact ties and extremes', async () => {
    const rt = await createKernelRuntime({ backend: build });
    const r = rng(13);
    const channels = 64;
    let checked = 0;
    for (let round = 0; round < 16; round++) {
      // Power-of-two scales make acc·scale land exactly on .5 for odd multiples of 2^(k-1).
      const scales = new Float32Array(channels).map((_, c) => (c % 2 ? 2 ** -r.int(1, 12) : 2 ** (-14 + 14 * r.next())));
      const bias = new Int32Array(channels).map((_, c) => {
        if (c % 13 === 0) return r.pick([-2147483648, 2147483647, -1, 0, 1]);
        const k = Math.round(-Math.log2(scales[c]!));
        return r.int(-130, 130) * 2 ** k + (c % 2 ? r.pick([-1, 1]) * 2 ** (k - 1) : r.int(-3, 3));
      });
      const zp = r.int(-128, 127), outZp = r.int(-20, 20);
      const op = rt.fullyConnectedQS8({ batch: 1, inFeatures: 1, outFeatures: channels }, {
        weights: new Int8Array(channels).fill(1), bias, inputScale: 1, inputZeroPoint: zp, weightScales: scales,
        outputScale: 1, outputZeroPoint: outZp, activationMin: -128, activationMax: 127, requantization: 'float',
      });
      const inPtr = rt.alloc(1), outPtr = rt.alloc(channels);
      new Int8Array(rt.memory.buffer, inPtr, 1)[0] = zp;
      op.run(inPtr, outPtr);
      const got = new Int8Array(rt.memory.buffer, outPtr, channels);
      for (let c = 0; c < channels; c++) {
        const want = Math.max(-128, Math.min(127, roundHalfAwayFromZero(bias[c]! * scales[c]!) + outZp));
        if (got[c] !== want) expect(`channel ${c} acc ${bias[c]} scale ${scales[c]}: ${got[c]}`).toBe(`… ${want}`);
        checked++;
      }
    }
    expect(checked).toBe(16 * channels);
  });

  it('fixed-point: matches MultiplyByQuantizedMultiplier at ties, both shift signs and int32 extremes', async () => {
    const rt = await createKernelRuntime({ backend: build });
    const r = rng(11);
    const channels = 256;
    let checked = 0;
    for (let round = 0; round < 24; round++) {
      // acc = bias[c] exactly: one input feature with value = zero point, weight 1.
      const scales = new Float32Array(channels).map((_, c) => {
        const kind = (c + round) % 4;
        return kind === 0 ? 2 ** -r.int(1, 20) // exact powers of two: many exact ties
          : kind === 1 ? 3 * 2 ** -r.int(2, 22)
            : kind === 2 ? 2 ** (-24 + 24 * r.next())
              : 1 + 7 * r.next(); // multiplier > 1: left shift
      });
      const bias = new Int32Array(channels).map((_, c) => {
        const s = scales[c]!;
        if (c % 17 === 0) return r.pick([-2147483648, 2147483647, -1, 0, 1]);
        const target = r.int(-140, 140);
        const base = Math.round(target / s);
        const half = Math.round(0.5 / s);
        return Math.max(-2147483648, Math.min(2147483647, base + (r.next() < 0.5 ? half : -half) + r.int(-1, 1)));
      });
      const zp = r.int(-128, 127);
      const outZp = r.int(-20, 20);
      const op = rt.fullyConnectedQS8({ batch: 1, inFeatures: 1, outFeatures: channels }, {
        weights: new Int8Array(channels).fill(1), bias, inputScale: 1, inputZeroPoint: zp, weightScales: scales,
        outputScale: 1, outputZeroPoint: outZp, activationMin: -128, activationMax: 127, requantization: 'fixed-point',
      });
      const inPtr = rt.alloc(1), outPtr = rt.alloc(channels);
      new Int8Array(rt.memory.buffer, inPtr, 1)[0] = zp;
      op.run(inPtr, outPtr);
      const got = new Int8Array(rt.memory.buffer, outPtr, channels);
      for (let c = 0; c < channels; c++) {
        const [m, shift] = quantizeMultiplierRef(scales[c]!);
        const want = Math.max(-128, Math.min(127, multiplyByQuantizedMultiplier(bias[c]!, m, shift) + outZp));
        if (got[c] !== want) expect(`channel ${c} acc ${bias[c]} scale ${scales[c]}: ${got[c]}`).toBe(`… ${want}`);
        checked++;
      }
    }
    expect(checked).toBe(24 * channels);
  });
});

describe.each(builds)('%s build: fixed-point requantization in the conv epilogues', (build) => {
  // A 1×1 conv over one input channel with every weight 1: acc[p][c] = bias[c] + x[p] − zp, chosen around the exact
  // ties of each channel's multiplier (power-of-two scales tie exactly), both signs, both shift signs. SIMD builds
  // take the high-word form when highWordRequant admits the layer, else the two-multiply form; scalar the i64 one.
  const layer = (r: ReturnType<typeof rng>, channels: number, round: number, oneHugeBias: boolean) => {
    const scales = new Float32Array(channels).map((_, c) => {
      const kind = (c + round) % 4;
      return kind === 0 ? 2 ** -r.int(1, 16) : kind === 1 ? 3 * 2 ** -r.int(2, 16)
        : kind === 2 ? 2 ** (-14 + 14 * r.next()) : 1 + 3 * r.next(); // the last: multiplier > 1 (left shift)
    });
    const bias = new Int32Array(channels).map((_, c) => {
      const s = scales[c]!;
      const tie = Math.round(r.int(-140, 140) / s) + (r.next() < 0.5 ? 1 : -1) * Math.round(0.5 / s);
      return Math.max(-(2 ** 20), Math.min(2 ** 20, tie));
    });
    // One accumulator past the headroom moves the whole layer to the two-multiply form.
    if (oneHugeBias) bias[channels - 1] = r.pick([1, -1]) * (2 ** 30 - r.int(0, 999));
    return { scales, bias, zp: r.int(-128, 127), outZp: r.int(-20, 20) };
  };
  const run = async (round: number, channels: number, oneHugeBias: boolean) => {
    const rt = await createKernelRuntime({ backend: build });
    const r = rng(100 + round);
    const { scales, bias, zp, outZp } = layer(r, channels, round, oneHugeBias);
    const pixels = 24;
    const x = new Int8Array(pixels).map((_, p) => Math.max(-128, Math.min(127, zp + (p % 7) - 3 + (p >= 20 ? r.int(-100, 100) : 0))));
    const params = {
      weights: new Int8Array(channels).fill(1), bias, inputScale: 1, inputZeroPoint: zp, weightScales: scales,
      outputScale: 1, outputZeroPoint: outZp, activationMin: -128, activationMax: 127,
    };
    const op = rt.conv2dQS8({ batch: 1, inH: pixels, inW: 1, inC: 1, outH: pixels, outW: 1, outC: channels, kH: 1, kW: 1,
      strideH: 1, strideW: 1, dilationH: 1, dilationW: 1, padTop: 0, padLeft: 0 }, params);
    const inPtr = rt.alloc(pixels), outPtr = rt.alloc(pixels * channels);
    new Int8Array(rt.memory.buffer, inPtr, pixels).set(x);
    op.run(inPtr, outPtr);
    const got = new Int8Array(rt.memory.buffer, outPtr, pixels * channels);
    let mismatches = 0;
    for (let p = 0; p < pixels; p++) {
      for (let c = 0; c < channels; c++) {
        const [m, shift] = quantizeMultiplierRef(scales[c]!);
        const acc = bias[c]! + x[p]! - zp;
        const want = Math.max(-128, Math.min(127, multiplyByQuantizedMultiplier(acc, m, shift) + outZp));
        if (got[p * channels + c] !== want && mismatches++ < 5) {
          expect(`pixel ${p} channel ${c} acc ${acc} scale ${scales[c]}: ${got[p * channels + c]}`).toBe(`… ${want}`);
        }
      }
    }
    expect(mismatches).toBe(0);
    const mults = channelMultipliers(1, scales, 1, channels, false);
    return highWordRequant(mults, bias, params.weights, channels, zp, outZp);
  };

  it('at ties and both shift signs, where the high-word form is admitted', async () => {
    for (let round = 0; round < 12; round++) expect(await run(round, 72, false)).not.toBeNull();
  });
  it('at ties with accumulators too large for it (the two-multiply form)', async () => {
    for (let round = 0; round < 12; round++) expect(await run(round, 72, true)).toBeNull();
  });
});

describe('highWordRequant (admission)', () => {
  const w = new Int8Array([127, -127, 3, 0]);
  it('admits a layer whose accumulators have the headroom and refuses one that does not', () => {
    const m = [{ multiplier: 1 << 30, shift: -3 }, { multiplier: (1 << 30) + 5, shift: -1 }];
    const hw = highWordRequant(m, new Int32Array([1000, -1000]), w, 2, -128, 5)!;
    expect(hw.shift).toBe(4); // E = 3
    expect(Array.from(hw.hmul)).toEqual([4, 16]); // 2^(d + 2), d = 0 and 2
    expect(Array.from(hw.hadd)).toEqual([1 + 8 + 5 * 16, 4 + 8 + 5 * 16]);
    expect(Array.from(hw.hneg)).toEqual([2, 8]);
    // |bias| + Σ|w|·255 = 2^31/16 + … exceeds the headroom of the channel with hmul 16
    expect(highWordRequant(m, new Int32Array([0, 2 ** 27]), w, 2, -128, 5)).toBeNull();
    expect(highWordRequant([{ multiplier: 1 << 30, shift: -22 }, m[1]!], null, w, 2, 0, 0)).toBeNull(); // E > 21
  });
});

describe.each(builds)('%s build: dynamic quantization', (build) => {
  const cases: Array<[string, Float32Array]> = [
    ['exact ties, range 127', new Float32Array([-127, -2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 126.5, 127])],
    ['all zero', new Float32Array(9)],
    ['positive only', new Float32Array([0.1, 0.2, 3.75, 1e-3])],
    ['negative only', new Float32Array([-0.1, -7.25, -1e-3])],
    ['asymmetric ties', new Float32Array([-1, 0, 0.5, 1, 254 / 255 * 3, 3, -0.25, 1.75])],
    ['tiny', new Float32Array([1e-30, -3e-31, 2e-30])],
  ];
  const r = rng(3);
  for (let i = 0; i < 40; i++) {
    const n = r.int(1, 300);
    cases.push([`random #${i}`, new Float32Array(n).map(() => Math.round((r.next() * 10 - 3) * 16) / 16)]);
  }
  it.each(cases)('%s', async (_name, values) => {
    const rt = await createKernelRuntime({ backend: build });
    const k = (rt as Awaited<ReturnType<typeof createKernelRuntime>>).kernels;
    const src = rt.alloc(values.byteLength), dst = rt.alloc(values.length);
    new Float32Array(rt.memory.buffer, src, values.length).set(values);
    const sfSym = k.f32_quantize_symmetric(src, values.length, dst);
    const sym = symmetricQuantizeFloats(values);
    expect(Array.from(new Int8Array(rt.memory.buffer, dst, values.length))).toEqual(Array.from(sym.values));
    expect(sfSym).toBe(sym.scale);
    const sfAsym = k.f32_quantize_asymmetric(src, values.length, dst);
    const asym = asymmetricQuantizeFloats(values);
    expect(Array.from(new Int8Array(rt.memory.buffer, dst, values.length))).toEqual(Array.from(asym.values));
    expect(sfAsym).toBe(asym.scale);
    expect(k.quantize_last_zero_point()).toBe(asym.zeroPoint);
  });
});

describe.each(builds)('%s build: QUANTIZE with a fixed scale (quantizeF32)', (build) => {
  it('matches reference quantize.h at exact ties, clamps, NaN and ±Infinity, int8 and uint8, every length mod 16', async () => {
    const rt = await createKernelRuntime({ backend: build });
    const r = rng(21);
    let checked = 0;
    for (let round = 0; round < 60; round++) {
      const n = round < 20 ? round + 1 : r.int(1, 700);
      const unsigned = round % 3 === 0;
      const scale = round % 4 === 0 ? 2 ** -r.int(0, 10) : Math.fround(2 ** (-12 + 10 * r.next()));
      const zp = unsigned ? r.int(0, 255) : r.int(-128, 127);
      const [qMin, qMax] = round % 5 === 0 ? (unsigned ? [zp, 255] : [zp, 127]) : unsigned ? [0, 255] : [-128, 127];
      const x = new Float32Array(n).map(() => {
        const kind = r.int(0, 9);
        if (kind === 0) return (r.int(-200, 200) + 0.5) * scale;            // exact ties (power-of-two scales)
        if (kind === 1) return r.pick([NaN, Infinity, -Infinity, 0, -0, 3e38, -3e38, 1e-40]);
        if (kind === 2) return (r.int(-400, 400) + r.pick([0.49999997, 0.5000001, -0.49999997])) * scale;
        return (r.next() - 0.5) * 300 * scale;
      });
      const op = rt.quantizeF32(n, { scale, zeroPoint: zp, qMin, qMax, unsigned });
      const src = rt.alloc(n * 4), dst = rt.alloc(n);
      new Float32Array(rt.memory.buffer, src, n).set(x);
      op.run(src, dst);
      const got = unsigned ? new Uint8Array(rt.memory.buffer, dst, n) : new Int8Array(rt.memory.buffer, dst, n);
      const want = quantizeStaticRef(x, scale, zp, qMin, qMax);
      for (let i = 0; i < n; i++) {
        if (got[i] !== want[i]) expect(`x ${x[i]} scale ${scale} zp ${zp}: ${got[i]}`).toBe(`… ${want[i]}`);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(5000);
  });

  it('rejects a scale ≤ 0 and a clamp outside the output type', async () => {
    const rt = await createKernelRuntime({ backend: build });
    expect(() => rt.quantizeF32(4, { scale: 0, zeroPoint: 0, qMin: -128, qMax: 127, unsigned: false })).toThrow(/scale/);
    expect(() => rt.quantizeF32(4, { scale: 1, zeroPoint: 0, qMin: -129, qMax: 127, unsigned: false })).toThrow(/qMin/);
    expect(() => rt.quantizeF32(4, { scale: 1, zeroPoint: 0, qMin: -1, qMax: 255, unsigned: true })).toThrow(/qMin/);
  });
});
