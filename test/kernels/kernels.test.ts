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
