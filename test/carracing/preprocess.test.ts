import { describe, expect, it } from 'vitest';
import { preprocessObservation, rgbToGrayscale } from '../../src/policy/preprocess.js';
import { FIXTURE_DIR, readU8 } from './fixtures.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

describe("seed preprocessing (TensorFlow's rgb_to_grayscale, /255)", () => {
  it('matches tf.image.rgb_to_grayscale on 65536 random colours', () => {
    const colors = readU8('preprocess_colors.u8');
    const expected = readU8('preprocess_gray.u8');
    const gray = rgbToGrayscale(colors);
    let mismatches = 0;
    for (let i = 0; i < gray.length; i++) if (gray[i] !== expected[i]) mismatches++;
    expect(mismatches).toBe(0);
  });

  it("is bit-identical to python/common.py's preprocess on recorded observations", () => {
    const frames = readU8('frames.u8');
    const buf = readFileSync(join(FIXTURE_DIR, 'preprocess_frames.f32'));
    const expected = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
    const n = 96 * 96;
    const out = new Float32Array(n);
    for (let f = 0; f < expected.length / n; f++) {
      preprocessObservation(frames.subarray(f * n * 3, (f + 1) * n * 3), out);
      let mismatches = 0;
      for (let i = 0; i < n; i++) if (out[i] !== expected[f * n + i]) mismatches++;
      expect(mismatches).toBe(0);
    }
  });
});
