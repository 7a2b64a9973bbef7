// In SIMD builds 3×3 stride-1 int8 convolutions take Winograd F(2×2, 3×3) or F(4×4, 3×3) and 2s×2s stride-s
// ones F(2×2, 2×2) or F(5×5, 2×2) over the space-to-depth image (src/kernels/runtime.ts). The transforms are
// exact integer arithmetic (the 6×6 ones modulo 2^32 with an exact recovery), so the outputs must equal the
// direct reference bit for bit, including at the magnitude bounds each path is admitted for (3×3: inC = 128 for
// 2×2 tiles, 112 for 6×6; 2s×2s: s²·inC = 1 024 and 256), weights and inputs at −128/127. Every case runs with
// each tile family forced ('small', 'large': direct where a family is not admitted) and with the automatic choice.
import { describe, expect, it } from 'vitest';
import { createKernelRuntime } from '../../src/kernels/runtime.js';
import { detectFeatures } from '../../src/wasm/loader.js';
import { conv2dHybridReference, conv2dQS8Reference } from '../../src/reference/conv.js';
import type { Build, ConvGeometry, HybridParams, QuantizedParams } from '../../src/kernels/api.js';
import { rng } from './random-cases.js';

const features = await detectFeatures();
const builds: Build[] = [...(features.simd ? ['simd' as const] : []), ...(features.relaxedSimd ? ['relaxed' as const] : [])];

interface Case { k?: number; stride?: number; inH: number; inW: number; inC: number; outC: number; padTop: number; padLeft: number; outH: number; outW: number;
  values: 'extreme' | 'worst' | 'random' | 'small'; zp: number; outputScale: number }

const cases: Case[] = [
  // The DQN's conv3, VALID, then the bounds: inC = 128 with every weight and input at ±full scale.
  { inH: 10, inW: 10, inC: 64, outC: 64, padTop: 0, padLeft: 0, outH: 8, outW: 8, values: 'random', zp: -128, outputScale: 2 },
  { inH: 12, inW: 12, inC: 128, outC: 9, padTop: 0, padLeft: 0, outH: 10, outW: 10, values: 'extreme', zp: -128, outputScale: 50 },
  { inH: 12, inW: 12, inC: 128, outC: 9, padTop: 0, padLeft: 0, outH: 10, outW: 10, values: 'extreme', zp: 127, outputScale: 50 },
  // SAME padding with odd output sizes (last tile half outside), asymmetric padding, few channels.
  { inH: 9, inW: 7, inC: 8, outC: 5, padTop: 1, padLeft: 1, outH: 9, outW: 7, values: 'random', zp: 3, outputScale: 0.5 },
  { inH: 6, inW: 5, inC: 16, outC: 3, padTop: 1, padLeft: 0, outH: 5, outW: 4, values: 'extreme', zp: 0, outputScale: 20 },
  // A multiplier above 1 (left shift) and a ReLU6-like clamp.
  { inH: 7, inW: 8, inC: 24, outC: 12, padTop: 0, padLeft: 0, outH: 5, outW: 6, values: 'small', zp: -7, outputScale: 3e-4 },
  // 2s×2s at stride s: the DQN's conv2 (4×4/2, VALID, odd input), the kp = 1 024 bound, 6×6/3 and 8×8/4 with
  // SAME-style padding and odd outputs, a left shift.
  { k: 4, stride: 2, inH: 23, inW: 23, inC: 32, outC: 64, padTop: 0, padLeft: 0, outH: 10, outW: 10, values: 'random', zp: -128, outputScale: 2 },
  { k: 4, stride: 2, inH: 12, inW: 12, inC: 256, outC: 5, padTop: 0, padLeft: 0, outH: 5, outW: 5, values: 'extreme', zp: -128, outputScale: 60 },
  { k: 4, stride: 2, inH: 12, inW: 12, inC: 256, outC: 5, padTop: 0, padLeft: 0, outH: 5, outW: 5, values: 'extreme', zp: 127, outputScale: 60 },
  { k: 6, stride: 3, inH: 14, inW: 11, inC: 8, outC: 7, padTop: 1, padLeft: 2, outH: 5, outW: 4, values: 'random', zp: 9, outputScale: 0.7 },
  { k: 8, stride: 4, inH: 27, inW: 20, inC: 16, outC: 3, padTop: 2, padLeft: 0, outH: 7, outW: 4, values: 'extreme', zp: 0, outputScale: 25 },
  { k: 4, stride: 2, inH: 12, inW: 12, inC: 8, outC: 6, padTop: 1, padLeft: 1, outH: 6, outW: 6, values: 'small', zp: 4, outputScale: 3e-4 },
  // The 6×6 families at their bounds (3×3: inC = 112; 2s×2s: s²·inC = 256), and partial 4×4 / 5×5 tiles.
  { inH: 10, inW: 10, inC: 112, outC: 9, padTop: 0, padLeft: 0, outH: 8, outW: 8, values: 'extreme', zp: -128, outputScale: 50 },
  { inH: 10, inW: 10, inC: 112, outC: 9, padTop: 0, padLeft: 0, outH: 8, outW: 8, values: 'extreme', zp: 127, outputScale: 50 },
  { inH: 11, inW: 13, inC: 16, outC: 6, padTop: 1, padLeft: 1, outH: 11, outW: 13, values: 'random', zp: -5, outputScale: 0.6 },
  { k: 4, stride: 2, inH: 22, inW: 22, inC: 64, outC: 5, padTop: 0, padLeft: 0, outH: 10, outW: 10, values: 'extreme', zp: -128, outputScale: 60 },
  { k: 8, stride: 4, inH: 44, inW: 44, inC: 16, outC: 5, padTop: 0, padLeft: 0, outH: 10, outW: 10, values: 'extreme', zp: 127, outputScale: 60 },
  { k: 6, stride: 3, inH: 40, inW: 33, inC: 8, outC: 7, padTop: 2, padLeft: 1, outH: 12, outW: 10, values: 'random', zp: 9, outputScale: 0.7 },
  { inH: 10, inW: 10, inC: 112, outC: 8, padTop: 0, padLeft: 0, outH: 8, outW: 8, values: 'worst', zp: -128, outputScale: 4000 },
  { inH: 10, inW: 10, inC: 112, outC: 8, padTop: 0, padLeft: 0, outH: 8, outW: 8, values: 'worst', zp: 127, outputScale: 4000 },
  { k: 4, stride: 2, inH: 22, inW: 22, inC: 64, outC: 8, padTop: 0, padLeft: 0, outH: 10, outW: 10, values: 'worst', zp: -128, outputScale: 4000 },
  // Just past the 6×6 bounds (inC = 120, s²·inC = 288): the sums no longer fit the recovery, so 'large' must not take them.
  { inH: 10, inW: 10, inC: 120, outC: 8, padTop: 0, padLeft: 0, outH: 8, outW: 8, values: 'worst', zp: -128, outputScale: 4000 },
  { k: 4, stride: 2, inH: 22, inW: 22, inC: 72, outC: 8, padTop: 0, padLeft: 0, outH: 10, outW: 10, values: 'worst', zp: 127, outputScale: 4000 },
];

const choices = ['small', 'large', 'auto'] as const;

describe.each(builds)('%s build: Winograd convolutions', (build) => {
  it.each(cases.flatMap((c, i) => choices.map((w) => [i, w, c] as const)))('case %i (%s) equals the direct reference bit for bit', async (_, winograd, c) => {
    const rt = await createKernelRuntime({ backend: build, winograd });
    const r = rng(1000 + c.inC + c.outC);
    const pick = c.values === 'extreme' ? () => r.pick([-128, 127]) : c.values === 'small' ? () => r.int(-3, 3) : () => r.int(-128, 127);
    const k = c.k ?? 3, stride = c.stride ?? 1;
    const g: ConvGeometry = { batch: 2, inH: c.inH, inW: c.inW, inC: c.inC, outH: c.outH, outW: c.outW, outC: c.outC,
      kH: k, kW: k, strideH: stride, strideW: stride, dilationH: 1, dilationW: 1, padTop: c.padTop, padLeft: c.padLeft };
    const clamp = c.values === 'small'; // multiplier 2.5: a left shift, and a clamp inside the int8 range
    // 'worst': every product at the same sign and full magnitude (|Σ| at the admitted bound), channel by channel.
    const per = k * k * c.inC, far = c.zp < 0 ? 127 : -128;
    const w = new Int8Array(c.outC * per).map((_, i) => (c.values === 'worst' ? [-128, 127, -128, r.pick([-128, 127])][Math.floor(i / per) % 4]! : pick()));
    const x = new Int8Array(2 * c.inH * c.inW * c.inC).map(() => (c.values === 'worst' ? far : c.values === 'small' ? c.zp + pick() : pick()));
    const p: QuantizedParams = { weights: w, bias: new Int32Array(c.outC).map(() => (clamp ? r.int(-20, 20) : r.int(-5000, 5000))), inputScale: 0.05,
      inputZeroPoint: c.zp, weightScales: new Float32Array(c.outC).map(() => 0.01 + r.next() * 0.01), outputScale: c.outputScale,
      outputZeroPoint: r.int(-20, 20), activationMin: clamp ? -10 : -128, activationMax: clamp ? 60 : 127 };
    const inPtr = rt.alloc(x.length), n = 2 * c.outH * c.outW * c.outC, outPtr = rt.alloc(n);
    const op = rt.conv2dQS8(g, p);
    new Int8Array(rt.memory.buffer, inPtr, x.length).set(x);
    op.run(inPtr, outPtr);
    const got = Array.from(new Int8Array(rt.memory.buffer, outPtr, n));
    const want = Array.from(conv2dQS8Reference(g, p, x));
    expect(got).toEqual(want);
    // Not all saturated: the comparison sees real values.
    expect(new Set(want).size).toBeGreaterThan(2);
  });
});

describe.each(builds)('%s build: Winograd in dynamic-range (hybrid) convolutions', (build) => {
  // The hybrid op quantizes its float input per run and keeps the int32 accumulators: the Winograd output
  // transform writes them unrequantized (mode 1), so the float outputs must equal the reference exactly.
  const shapes = [
    { k: 3, stride: 1, inH: 10, inW: 10, inC: 64, outC: 64, outH: 8, outW: 8, pad: 0 },
    { k: 4, stride: 2, inH: 23, inW: 23, inC: 32, outC: 64, outH: 10, outW: 10, pad: 0 },
    { k: 3, stride: 1, inH: 7, inW: 9, inC: 16, outC: 5, outH: 7, outW: 9, pad: 1 },
  ];
  it.each(shapes.flatMap((c) => [false, true].flatMap((asym) => choices.map((w) => [c.k, c.stride, asym, w, c] as const))))(
    '%i×%i/%i asymmetric=%s (%s) equals the reference exactly', async (_k, _s, asym, winograd, c) => {
      const rt = await createKernelRuntime({ backend: build, winograd });
      const r = rng(7 + c.inC);
      const g: ConvGeometry = { batch: 2, inH: c.inH, inW: c.inW, inC: c.inC, outH: c.outH, outW: c.outW, outC: c.outC,
        kH: c.k, kW: c.k, strideH: c.stride, strideW: c.stride, dilationH: 1, dilationW: 1, padTop: c.pad, padLeft: c.pad };
      const w = new Int8Array(c.outC * c.k * c.k * c.inC).map(() => r.pick([-127, 127, r.int(-127, 127)]));
      const x = new Float32Array(2 * c.inH * c.inW * c.inC).map(() => (r.next() - 0.3) * 4);
      const p: HybridParams = { weights: w, weightScales: new Float32Array(c.outC).map(() => 0.001 + r.next() * 0.01),
        bias: new Float32Array(c.outC).map(() => r.next() - 0.5), asymmetricQuantizeInputs: asym, activationMin: 0, activationMax: Infinity };
      const inPtr = rt.alloc(x.byteLength), n = 2 * c.outH * c.outW * c.outC, outPtr = rt.alloc(n * 4);
      const op = rt.conv2dHybrid(g, p);
      new Float32Array(rt.memory.buffer, inPtr, x.length).set(x);
      op.run(inPtr, outPtr);
      const got = Array.from(new Float32Array(rt.memory.buffer, outPtr, n));
      expect(got).toEqual(Array.from(conv2dHybridReference(g, p, x)));
    });
});
