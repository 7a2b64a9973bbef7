// Randomized kernels vs src/reference for every build this engine can run in-process.
// (Relaxed on Node 24 and on Node 20 with flags runs in child processes: engines.test.ts.)
import { describe, expect, it } from 'vitest';
import { createKernelRuntime } from '../../src/kernels/runtime.js';
import { detectFeatures } from '../../src/wasm/loader.js';
import type { Build } from '../../src/kernels/api.js';
import { runRandomSuite, STANDARD_COUNTS, type SuiteReport } from './random-cases.js';

const features = await detectFeatures();
const builds: Build[] = ['scalar', ...(features.simd ? ['simd' as const] : []), ...(features.relaxedSimd ? ['relaxed' as const] : [])];
const reports = new Map<Build, SuiteReport>();

describe.each(builds)('%s build', (build) => {
  it('matches the reference on randomized conv / depthwise / FC (int8, hybrid, float)', async () => {
    const report = await runRandomSuite({ seed: 1, counts: STANDARD_COUNTS, makeRuntime: () => createKernelRuntime({ backend: build }) });
    reports.set(build, report);
    expect(report.failures).toEqual([]);
    expect(report.cases).toBe(Object.values(STANDARD_COUNTS).reduce((a, b) => a + b, 0));
    expect(report.extremeCases).toBe(STANDARD_COUNTS.qs8Conv + STANDARD_COUNTS.qs8Depthwise + STANDARD_COUNTS.qs8Fc);
  });

  it('runs a second seed (different shapes) bit-exactly', async () => {
    const report = await runRandomSuite({ seed: 2, counts: { qs8Conv: 80, qs8Depthwise: 30, qs8Fc: 40 },
      makeRuntime: () => createKernelRuntime({ backend: build }) });
    expect(report.failures).toEqual([]);
  });
});

it('int8 outputs are bit-identical across builds', () => {
  const digests = builds.map((b) => reports.get(b)?.int8Digest);
  expect(digests.every((d) => d !== undefined && d === digests[0])).toBe(true);
});

describe.each(builds)('%s build: CarRacing DQN layer shapes', (build) => {
  it('conv 8×8/4, 4×4/2, 3×3/1 and FC 4096→512→5 match the reference (int8, hybrid, float)', async () => {
    const { conv2dQS8Reference, fullyConnectedQS8Reference, conv2dHybridReference, fullyConnectedHybridReference,
      conv2dF32Reference, fullyConnectedF32Reference } = await import('../../src/reference/conv.js');
    const rt = await createKernelRuntime({ backend: build });
    let seed = 99;
    const rnd = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) >>> 24) - 128;
    const convs = [[96, 1, 8, 4, 32], [23, 32, 4, 2, 64], [10, 64, 3, 1, 64]] as const;
    const put = <T extends Int8Array | Float32Array>(a: T): number => {
      const p = rt.alloc(a.byteLength);
      new Uint8Array(rt.memory.buffer, p, a.byteLength).set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
      return p;
    };
    for (const [inH, inC, k, s, outC] of convs) {
      const outH = Math.floor((inH - k) / s) + 1;
      const g = { batch: 1, inH, inW: inH, inC, outH, outW: outH, outC, kH: k, kW: k, strideH: s, strideW: s,
        dilationH: 1, dilationW: 1, padTop: 0, padLeft: 0 };
      const w = new Int8Array(outC * k * k * inC).map(rnd);
      const x = new Int8Array(inH * inH * inC).map(rnd);
      const scales = new Float32Array(outC).map((_, c) => 0.002 + c * 1e-4);
      const qp = { weights: w, bias: new Int32Array(outC).map(() => rnd() * 300), inputScale: 0.03, inputZeroPoint: -128,
        weightScales: scales, outputScale: 0.02 * Math.sqrt(k * k * inC), outputZeroPoint: -128, activationMin: -128, activationMax: 127 };
      const n = outH * outH * outC;
      const out = rt.alloc(n);
      rt.conv2dQS8(g, qp).run(put(x), out);
      expect(Array.from(new Int8Array(rt.memory.buffer, out, n))).toEqual(Array.from(conv2dQS8Reference(g, qp, x)));
      const xf = new Float32Array(x.length).map((_, i) => Math.max(0, x[i]! / 40));
      const hp = { weights: w, weightScales: scales, bias: new Float32Array(outC).fill(0.1), asymmetricQuantizeInputs: true,
        activationMin: 0, activationMax: Infinity };
      const outF = rt.alloc(n * 4);
      rt.conv2dHybrid(g, hp).run(put(xf), outF);
      expect(Array.from(new Float32Array(rt.memory.buffer, outF, n))).toEqual(Array.from(conv2dHybridReference(g, hp, xf)));
      const fp = { weights: new Float32Array(w.length).map((_, i) => w[i]! / 500), bias: null, activationMin: 0, activationMax: Infinity };
      rt.conv2dF32(g, fp).run(put(xf), outF);
      const ref = conv2dF32Reference(g, fp, xf);
      const got = new Float32Array(rt.memory.buffer, outF, n);
      const maxRef = ref.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      for (let i = 0; i < n; i++) expect(Math.abs(got[i]! - ref[i]!)).toBeLessThanOrEqual(1e-5 * maxRef);
    }
    for (const [inF, outF] of [[4096, 512], [512, 5]] as const) {
      const g = { batch: 1, inFeatures: inF, outFeatures: outF };
      const w = new Int8Array(inF * outF).map(rnd);
      const x = new Int8Array(inF).map(rnd);
      const qp = { weights: w, bias: new Int32Array(outF).map(() => rnd() * 1000), inputScale: 0.03, inputZeroPoint: -128,
        weightScales: new Float32Array(outF).map((_, c) => 0.001 + c * 1e-6), outputScale: 0.5, outputZeroPoint: 3,
        activationMin: -128, activationMax: 127 };
      const out = rt.alloc(outF);
      rt.fullyConnectedQS8(g, qp).run(put(x), out);
      expect(Array.from(new Int8Array(rt.memory.buffer, out, outF))).toEqual(Array.from(fullyConnectedQS8Reference(g, qp, x)));
      const xf = new Float32Array(inF).map((_, i) => Math.max(0, x[i]! / 30));
      const hp = { weights: w, weightScales: qp.weightScales, bias: null, asymmetricQuantizeInputs: true, activationMin: -Infinity, activationMax: Infinity };
      const outFp = rt.alloc(outF * 4);
      rt.fullyConnectedHybrid(g, hp).run(put(xf), outFp);
      expect(Array.from(new Float32Array(rt.memory.buffer, outFp, outF))).toEqual(Array.from(fullyConnectedHybridReference(g, hp, xf)));
      const fp = { weights: new Float32Array(w.length).map((_, i) => w[i]! / 500), bias: null, activationMin: -Infinity, activationMax: Infinity };
      rt.fullyConnectedF32(g, fp).run(put(xf), outFp);
      const ref = fullyConnectedF32Reference(g, fp, xf);
      const got = new Float32Array(rt.memory.buffer, outFp, outF);
      const maxRef = ref.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      for (let i = 0; i < outF; i++) expect(Math.abs(got[i]! - ref[i]!)).toBeLessThanOrEqual(1e-5 * maxRef);
    }
  });
});
