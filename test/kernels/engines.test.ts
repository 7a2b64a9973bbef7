// The relaxed build on real engines, in child processes (V8 flags cannot change inside this process):
//   Node 24 (relaxed SIMD on by default; V8 13.6 lowers relaxed dot to VNNI only on CPUs with AVX-VNNI — not AVX-512-only ones such as AMD Zen 4),
//   Node 20 with --experimental-wasm-relaxed-simd --no-liftoff (pmaddubsw lowering: probe must reject the u8 trick),
//   Node 20 with the flag but Liftoff on (wrong relaxed dot on first calls: probe must catch it, auto → simd).
// All must match the reference bit-exactly and give the same int8 digest as the in-process scalar build.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createKernelRuntime } from '../../src/kernels/runtime.js';
import { runRandomSuite, STANDARD_COUNTS } from './random-cases.js';
import { findNode20, NODE24, nodeMajor, ROOT } from './node-engines.js';

const run = promisify(execFile);

interface ChildReport {
  node: string; build: string; dotMode: string; gemvKernel: string; autoBuild: string; cases: number; extremeCases: number;
  failures: string[]; failureCount: number; int8Digest: string;
  probe: { inRangeExact: boolean; unsignedExact: boolean; signedExact: boolean; mode: string };
  features: { simd: boolean; relaxedSimd: boolean };
}

async function child(node: string, flags: string[], backend: string): Promise<ChildReport> {
  const { stdout } = await run(node, [...flags, '--import', 'tsx', 'test/kernels/relaxed-child.ts', backend, '1'],
    { cwd: ROOT, maxBuffer: 1 << 24, timeout: 110_000 });
  return JSON.parse(stdout.trim().split('\n').pop()!) as ChildReport;
}

const scalarDigest = (async () => (await runRandomSuite({ seed: 1, counts: STANDARD_COUNTS,
  makeRuntime: () => createKernelRuntime({ backend: 'scalar' }) })).int8Digest)();

const node20 = findNode20();

describe('relaxed build on other engines', () => {
  it('Node 24: relaxed build exact over the full int8 range', async () => {
    expect(nodeMajor(NODE24)).toBe(24);
    const r = await child(NODE24, [], 'relaxed');
    expect(r.failures).toEqual([]);
    expect(r.build).toBe('relaxed');
    expect(r.autoBuild).toBe('relaxed');
    expect(r.probe.inRangeExact).toBe(true);
    // On an AVX-VNNI CPU V8 13.6 emits vpdpbusd: unsigned second operand, no saturation.
    expect(['usdot', 'sdot', 'none']).toContain(r.dotMode);
    // Full-range relaxed dot where exact, else the 4-bit-half GEMV (in-range relaxed dot is exact everywhere).
    expect(r.gemvKernel).toBe(r.dotMode === 'none' ? 'relaxed-u4' : 'relaxed-dot');
    console.log(`Node 24 relaxed: dotMode=${r.dotMode}, gemv ${r.gemvKernel}, ${r.cases} cases (${r.extremeCases} int8 full-range), digest ${r.int8Digest}`);
    expect(r.int8Digest).toBe(await scalarDigest);
  });

  it.runIf(node20)('Node 20 --experimental-wasm-relaxed-simd --no-liftoff: exact, unsafe encodings rejected', async () => {
    const r = await child(node20!, ['--experimental-wasm-relaxed-simd', '--no-liftoff'], 'relaxed');
    expect(r.failures).toEqual([]);
    expect(r.build).toBe('relaxed');
    expect(r.probe.inRangeExact).toBe(true);
    console.log(`Node 20 --no-liftoff relaxed: dotMode=${r.dotMode}, probe ${JSON.stringify(r.probe)}, ${r.cases} cases`);
    expect(r.int8Digest).toBe(await scalarDigest);
  });

  it.runIf(node20)('Node 20 with the flag but Liftoff on: probe catches the bad relaxed dot or results stay exact', async () => {
    const r = await child(node20!, ['--experimental-wasm-relaxed-simd'], 'relaxed');
    expect(r.failures).toEqual([]);
    expect(r.int8Digest).toBe(await scalarDigest);
    if (!r.probe.inRangeExact) {
      expect(r.dotMode).toBe('none');
      expect(r.autoBuild).toBe('simd');
    }
    console.log(`Node 20 Liftoff relaxed: probe ${JSON.stringify(r.probe)}, auto → ${r.autoBuild}`);
  });

  it.runIf(node20)('Node 20 without the flag: relaxed unavailable, auto → simd', async () => {
    const r = await child(node20!, [], 'auto');
    expect(r.failures).toEqual([]);
    expect(r.features.relaxedSimd).toBe(false);
    expect(r.autoBuild).toBe('simd');
  });
});
