// Hybrid (dynamic-range) input quantization at exact ties, against TFLite BUILTIN_REF goldens.
// Fixtures (test/graph/fixtures/hybrid-ties, made with TF 2.21 via python/common.py's seed converter):
// a Dense(255→8) and a Conv2D(4×4, 64) model fed x = k/255, k = 0..254. Then zp = −128 and
// float32(x·inv) = 127.5 exactly for k = 127, so the two readings of AsymmetricQuantizeFloats differ:
//   round_half_away(zp + p) = round(−0.5) = −1     vs     zp + round_half_away(p) = −128 + 128 = 0.
// TFLite gives 0 (the product is rounded before the zero point is added); a single wrong q moves the
// outputs by ~1e-3 relative, far beyond the 1e-5 acceptance tolerance.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModel, Model } from '../../src/index.js';
import { readTfliteModel } from '../../src/tflite/model.js';
import { createReferenceRuntime } from './helpers/reference-runtime.js';

const DIR = join(__dirname, 'fixtures/hybrid-ties');
const manifest = JSON.parse(readFileSync(join(DIR, 'manifest.json'), 'utf8')) as {
  cases: { name: string; model: string; input: string; golden: string }[];
};
const floats = (file: string) => {
  const b = readFileSync(join(DIR, file));
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
};

describe('hybrid input quantization at exact ties', () => {
  it('the fixture input really produces a sign-crossing tie', () => {
    const x = floats(manifest.cases[0]!.input);
    let max = 0;
    for (const v of x) max = Math.max(max, v);
    const sf = Math.fround(max / 255);
    const inv = Math.fround(1 / sf);
    const products = Array.from(x, (v) => Math.fround(v * inv));
    expect(products).toContain(127.5);
  });

  for (const c of manifest.cases) {
    for (const build of ['scalar', 'simd', 'relaxed', 'ts-reference'] as const) {
      it(`${c.name} on ${build} matches TFLite within 1e-5·max|ref|`, async () => {
        const bytes = new Uint8Array(readFileSync(join(DIR, c.model)));
        const model = build === 'ts-reference'
          ? new Model(readTfliteModel(bytes), createReferenceRuntime(), { maxBytes: 1 << 30 })
          : await loadModel(bytes, { backend: build });
        const got = model.run(floats(c.input)) as Float32Array;
        const ref = floats(c.golden);
        let maxAbs = 0, maxRef = 0;
        for (let i = 0; i < ref.length; i++) {
          maxAbs = Math.max(maxAbs, Math.abs(got[i]! - ref[i]!));
          maxRef = Math.max(maxRef, Math.abs(ref[i]!));
        }
        expect(maxAbs).toBeLessThanOrEqual(1e-5 * maxRef);
      });
    }
  }
});
