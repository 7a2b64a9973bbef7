import { describe, expect, it } from 'vitest';
import { grayscaleU8, preprocessObservation, rgbToGrayscale } from '../../src/policy/preprocess.js';
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

  it('the table and run-reusing image paths equal the per-pixel definition for all 2^24 colours, and on runs', () => {
    const chunk = 1 << 20;
    const rgb = new Uint8Array(chunk * 3), gray = new Uint8Array(chunk), unit = new Float32Array(chunk);
    let mismatches = 0;
    for (let base = 0; base < 1 << 24; base += chunk) {
      for (let i = 0; i < chunk; i++) { const c = base + i; rgb[3 * i] = c >> 16; rgb[3 * i + 1] = (c >> 8) & 255; rgb[3 * i + 2] = c & 255; }
      rgbToGrayscale(rgb, gray);
      preprocessObservation(rgb, unit);
      for (let i = 0; i < chunk; i++) {
        const want = grayscaleU8(rgb[3 * i]!, rgb[3 * i + 1]!, rgb[3 * i + 2]!);
        if (gray[i] !== want || unit[i] !== Math.fround(want / 255)) mismatches++;
      }
    }
    expect(mismatches).toBe(0);
    // runs of one colour of random lengths, as in rendered frames
    let seed = 12345;
    const rnd = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) >>> 8);
    const n = 96 * 96, img = new Uint8Array(n * 3);
    for (let i = 0; i < n;) {
      const len = 1 + (rnd() % 40), c = rnd();
      for (let k = 0; k < len && i < n; k++, i++) { img[3 * i] = c >> 16; img[3 * i + 1] = (c >> 8) & 255; img[3 * i + 2] = c & 255; }
    }
    const g2 = rgbToGrayscale(img), u2 = preprocessObservation(img);
    for (let i = 0; i < n; i++) {
      const want = grayscaleU8(img[3 * i]!, img[3 * i + 1]!, img[3 * i + 2]!);
      expect(g2[i]).toBe(want);
      expect(u2[i]).toBe(Math.fround(want / 255));
    }
  }, 60_000);

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
