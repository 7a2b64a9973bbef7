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

/** tf.image.rgb_to_grayscale for one uint8 pixel (the definition; the image functions below use tables of it). */
export function grayscaleU8(r: number, g: number, b: number): number {
  const pr = f32(f32(r * INV_255) * W_R);
  const pg = f32(f32(g * INV_255) * W_G);
  const pb = f32(f32(b * INV_255) * W_B);
  const gray = f32(f32(pr + pg) + pb);
  return Math.trunc(f32(gray * TO_U8));
}

// Each channel's weighted term depends on that channel alone: 256-entry tables of the same float32 values. Sums
// and products of two float32 numbers are exact in float64, so fround after each gives float32 arithmetic.
const channelTable = (w: number) => Float64Array.from({ length: 256 }, (_, v) => f32(f32(v * INV_255) * w));
const TERM_R = channelTable(W_R), TERM_G = channelTable(W_G), TERM_B = channelTable(W_B);
/** float32(gray / 255) for every uint8 gray level. */
const GRAY_TO_UNIT = Float32Array.from({ length: 256 }, (_, v) => v / 255);

/** The identity on gray levels (rgbToGrayscale's output table). */
const GRAY_LEVELS = Uint8Array.from({ length: 256 }, (_, v) => v);

/**
 * out[j] = table[gray level of pixel j] for an H×W×3 uint8 image: grayscaleU8 through the channel tables, and a
 * run of one colour (most of a CarRacing frame: grass, road) reuses the previous pixel's value. The table maps
 * gray levels to the caller's encoding (identity, [0, 1] floats, a model's quantized input) in the same pass.
 */
export function mapGrayscale<T extends Uint8Array | Int8Array | Float32Array>(rgb: Uint8Array, out: T, table: ArrayLike<number>): T {
  let last = -1, value = 0;
  for (let i = 0, j = 0; j < out.length; i += 3, j++) {
    const r = rgb[i]!, g = rgb[i + 1]!, b = rgb[i + 2]!;
    const key = (r << 16) | (g << 8) | b;
    if (key !== last) {
      value = table[Math.trunc(f32(f32(f32(TERM_R[r]! + TERM_G[g]!) + TERM_B[b]!) * TO_U8))]!;
      last = key;
    }
    out[j] = value;
  }
  return out;
}

/** tf.image.rgb_to_grayscale on an H×W×3 uint8 image → H×W uint8. */
export function rgbToGrayscale(rgb: Uint8Array, out: Uint8Array = new Uint8Array(rgb.length / 3)): Uint8Array {
  return mapGrayscale(rgb, out, GRAY_LEVELS);
}

/**
 * The seed's full preprocessing of a 96×96×3 observation into a 96×96×1 float32 tensor in [0, 1].
 * Pass `out` to reuse a buffer across steps.
 */
export function preprocessObservation(rgb: Uint8Array, out: Float32Array = new Float32Array(rgb.length / 3)): Float32Array {
  return mapGrayscale(rgb, out, GRAY_TO_UNIT);
}
