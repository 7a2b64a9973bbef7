// Build selection, embedded bytes, allocator and the size budget of each build.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createKernelRuntime, BackendUnavailableError } from '../../src/kernels/runtime.js';
import { decodeZ85 } from '../../src/wasm/z85.js';
// @ts-expect-error: plain JavaScript build script, no declarations
import { encodeZ85 } from '../../scripts/z85.mjs';
import { decodeEmbeddedBuild, detectFeatures } from '../../src/wasm/loader.js';
import { scalarWasm, simdWasm, relaxedWasm } from '../../src/wasm/builds.generated.js';
import { ROOT } from './node-engines.js';

describe('embedded builds', () => {
  it.each([['scalar', scalarWasm], ['simd', simdWasm], ['relaxed', relaxedWasm]] as const)(
    '%s: the embedded text decodes to build/%s.wasm, ≤ 48 KB', async (name, text) => {
      const file = readFileSync(join(ROOT, `build/${name}.wasm`));
      const bytes = await decodeEmbeddedBuild(text);
      expect(Buffer.from(bytes).equals(file)).toBe(true);
      expect(bytes.length).toBeLessThanOrEqual(48 * 1024);
    });

  it('Z85 round-trips every length and byte value, and refuses malformed text', () => {
    for (let n = 0; n < 40; n++) {
      const data = Uint8Array.from({ length: n }, (_, i) => (i * 37 + n * 101) & 0xff);
      const text: string = encodeZ85(data);
      expect(text.length).toBe(1 + 5 * Math.ceil(n / 4));
      expect(Array.from(decodeZ85(text))).toEqual(Array.from(data));
    }
    const all = Uint8Array.from({ length: 1024 }, (_, i) => (i % 4 === 0 ? 255 : i & 0xff));
    expect(Array.from(decodeZ85(encodeZ85(all)))).toEqual(Array.from(all));
    for (const bad of ['', '4', '0abc', '1', '0%%%%%x']) expect(() => decodeZ85(bad), bad).toThrow(/corrupt embedded build/);
  });

  it('refuses an embedded build whose deflate stream is damaged or cut short', async () => {
    const deflated = decodeZ85(simdWasm);
    const flipped = deflated.slice();
    flipped[flipped.length >> 1] ^= 0xff;
    for (const bad of [flipped, deflated.subarray(0, deflated.length - 40 & ~3)]) {
      await expect(decodeEmbeddedBuild(encodeZ85(bad))).rejects.toThrow(/corrupt embedded build/);
    }
  });
});

describe('backend selection', () => {
  it('auto picks the best build the engine runs correctly', async () => {
    const f = await detectFeatures();
    const rt = await createKernelRuntime();
    if (f.relaxedSimd && rt.relaxedProbe.inRangeExact) expect(rt.build).toBe('relaxed');
    else expect(rt.build).toBe(f.simd ? 'simd' : 'scalar');
  });

  it('forced builds load (or throw BackendUnavailableError when unsupported)', async () => {
    const f = await detectFeatures();
    expect((await createKernelRuntime({ backend: 'scalar' })).build).toBe('scalar');
    if (f.simd) expect((await createKernelRuntime({ backend: 'simd' })).build).toBe('simd');
    if (f.relaxedSimd) expect((await createKernelRuntime({ backend: 'relaxed' })).build).toBe('relaxed');
    else await expect(createKernelRuntime({ backend: 'relaxed' })).rejects.toThrow(BackendUnavailableError);
  });

  it('rejects an unknown backend name', async () => {
    await expect(createKernelRuntime({ backend: 'gpu' as never })).rejects.toThrow(TypeError);
  });

  it('rejects an unknown winograd choice', async () => {
    await expect(createKernelRuntime({ backend: 'scalar', winograd: 'huge' as never })).rejects.toThrow(/winograd must be/);
  });

  it('each runtime has its own memory', async () => {
    const a = await createKernelRuntime({ backend: 'scalar' });
    const b = await createKernelRuntime({ backend: 'scalar' });
    expect(a.memory).not.toBe(b.memory);
  });
});

describe('alloc', () => {
  it('returns 16-byte aligned, non-overlapping blocks and grows memory', async () => {
    const rt = await createKernelRuntime({ backend: 'scalar' });
    const before = rt.memory.buffer.byteLength;
    const a = rt.alloc(3), b = rt.alloc(17), c = rt.alloc(5 << 20);
    expect([a % 16, b % 16, c % 16]).toEqual([0, 0, 0]);
    expect(b).toBeGreaterThanOrEqual(a + 3);
    expect(c).toBeGreaterThanOrEqual(b + 17);
    expect(rt.memory.buffer.byteLength).toBeGreaterThan(before);
    expect(rt.memory.buffer.byteLength).toBeGreaterThanOrEqual(c + (5 << 20));
    expect(rt.allocatedBytes).toBeGreaterThanOrEqual((5 << 20) + 32);
    expect(() => rt.alloc(-1)).toThrow(RangeError);
  });

  it('prepare rejects inconsistent shapes with a clear error', async () => {
    const rt = await createKernelRuntime({ backend: 'scalar' });
    expect(() => rt.fullyConnectedF32({ batch: 1, inFeatures: 4, outFeatures: 3 },
      { weights: new Float32Array(11), bias: null, activationMin: -Infinity, activationMax: Infinity })).toThrow(/expected 3×4 = 12/);
    expect(() => rt.conv2dQS8({ batch: 1, inH: 4, inW: 4, inC: 1, outH: 2, outW: 2, outC: 1, kH: 3, kW: 3, strideH: 0,
      strideW: 1, dilationH: 1, dilationW: 1, padTop: 0, padLeft: 0 }, {
      weights: new Int8Array(9), bias: null, inputScale: 1, inputZeroPoint: 0, weightScales: new Float32Array([1]),
      outputScale: 1, outputZeroPoint: 0, activationMin: -128, activationMax: 127 })).toThrow(/strideH/);
  });
});
