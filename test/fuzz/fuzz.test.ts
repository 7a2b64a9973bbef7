// A shorter run of the fuzz harness for `npm test`; `npm run fuzz` runs the full count.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultSeedFiles, runFuzz } from './fuzz-harness.js';

const CASES = Number(process.env.I8X16_FUZZ_CASES ?? 400);
const seeds = defaultSeedFiles(join(__dirname, '../..'), 40);

describe.skipIf(seeds.length === 0)('fuzz (mutated and truncated .tflite files)', () => {
  it(`${CASES} cases: load and run, or ModelError; nothing else; each under 1 s`, async () => {
    const report = await runFuzz({ cases: CASES, seed: 7, seeds, maxBytes: 64 << 20, backends: ['scalar', 'simd', 'relaxed'], generatedShare: 0.3 });
    console.log(`fuzz: ${report.cases} cases, ${report.loadedAndRan} ran, ${report.modelErrors} ModelError, slowest ${report.slowest.ms.toFixed(1)} ms (${report.slowest.seedName}; ${report.slowest.mutation})`);
    expect(report.failures.map((f) => `case ${f.caseIndex} (${f.seedName}; ${f.mutation}): ${f.error.split('\n')[0]}`)).toEqual([]);
    expect(report.cases).toBe(CASES);
    expect(report.loadedAndRan).toBeGreaterThan(0);
    expect(report.modelErrors).toBeGreaterThan(0);
    expect(report.slowest.ms).toBeLessThan(1000);
    expect(report.maxMemoryBytes).toBeLessThan(64 << 20);
  }, 300_000);
});
