/**
 * The seed policy's preprocessing, bit-identical to TensorFlow:
 *   tf.image.rgb_to_grayscale(uint8 HWC) → tf.image.resize(96×96) (identity here) → / 255.
 * rgb_to_grayscale converts uint8 → float32 by multiplying with float32(1/255), takes the dot product with
 * float32 weights [0.2989, 0.5870, 0.1140] summed left to right in float32 (no FMA), and converts back to
 * uint8 by truncating 255.5·g. Checked against TF for all 2^24 colours (0 mismatches).
 */

const f32 = Math.fround;
const INV_255 = f32(1 / 255);
const W_R = f32(0.2989);
const W_G = f32(0.587);
const W_B = f32(0.114);
const TO_U8 = f32(255.5);

/** tf.image.rgb_to_grayscale for one uint8 pixel. */
export function grayscaleU8(r: number, g: number, b: number): number {
  const pr = f32(f32(r * INV_255) * W_R);
  const pg = f32(f32(g * INV_255) * W_G);
  const pb = f32(f32(b * INV_255) * W_B);
  const gray = f32(f32(pr + pg) + pb);
  return Math.trunc(f32(gray * TO_U8));
}

/** tf.image.rgb_to_grayscale on an H×W×3 uint8 image → H×W uint8. */
export function rgbToGrayscale(rgb: Uint8Array, out: Uint8Array = new Uint8Array(rgb.length / 3)): Uint8Array {
  for (let i = 0, j = 0; j < out.length; i += 3, j++) out[j] = grayscaleU8(rgb[i]!, rgb[i + 1]!, rgb[i + 2]!);
  return out;
}

/**
 * The seed's full preprocessing of a 96×96×3 observation into a 96×96×1 float32 tensor in [0, 1].
 * Pass `out` to reuse a buffer across steps.
 */
export function preprocessObservation(rgb: Uint8Array, out: Float32Array = new Float32Array(rgb.length / 3)): Float32Array {
  for (let i = 0, j = 0; j < out.length; i += 3, j++) out[j] = grayscaleU8(rgb[i]!, rgb[i + 1]!, rgb[i + 2]!) / 255;
  return out;
}
