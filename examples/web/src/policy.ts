// Observation → model input → discrete action, with the seed's preprocessing (grayscale, /255).
import type { Model } from 'i8x16';
import { rgbToGrayscale } from '../../../src/policy/preprocess.js';

export const OBS_PIXELS = 96 * 96;

/** Batches of this many inferences are timed as one: browsers coarsen performance.now(). */
export const TIMING_BATCH = 50;

export class Policy {
  readonly input: Float32Array | Int8Array;
  readonly dtype: 'float32' | 'int8';
  /** gray level (0..255) → model input value, precomputed from the input tensor's quantization. */
  private readonly lut: Float32Array | Int8Array;
  readonly gray = new Uint8Array(OBS_PIXELS);

  constructor(readonly model: Model) {
    if (model.inputs.length !== 1 || model.outputs.length !== 1) throw new Error('policy models have one input and one output');
    const spec = model.inputs[0]!;
    const elements = spec.shape.reduce((a, b) => a * b, 1);
    if (elements !== OBS_PIXELS) throw new Error(`policy input must be 96×96×1, got [${spec.shape}]`);
    if (spec.dtype === 'float32') {
      this.dtype = 'float32';
      this.input = new Float32Array(OBS_PIXELS);
      // Same float32 value as preprocessObservation: gray / 255 rounded once.
      this.lut = Float32Array.from({ length: 256 }, (_, g) => g / 255);
    } else if (spec.dtype === 'int8') {
      this.dtype = 'int8';
      this.input = new Int8Array(OBS_PIXELS);
      const scale = spec.scale!;
      const zp = spec.zeroPoint!;
      // Quantize gray/255 with the input's scale and zero point (round half away from zero, clamp).
      this.lut = Int8Array.from({ length: 256 }, (_, g) => {
        const x = g / 255 / scale;
        const q = Math.sign(x) * Math.round(Math.abs(x)) + zp;
        return Math.max(-128, Math.min(127, q));
      });
    } else {
      throw new Error(`unsupported policy input type ${spec.dtype}`);
    }
  }

  /** Fills `input` from a 96×96×3 RGB observation. */
  prepare(obs: Uint8Array): void {
    rgbToGrayscale(obs, this.gray);
    const lut = this.lut;
    const input = this.input;
    const gray = this.gray;
    for (let i = 0; i < OBS_PIXELS; i++) input[i] = lut[gray[i]!]!;
  }

  /** Runs the model on the prepared input; returns the argmax action (0 noop, 1 left, 2 right, 3 gas, 4 brake). */
  infer(): number {
    const out = this.model.run(this.input);
    let best = 0;
    for (let i = 1; i < out.length; i++) if (out[i]! > out[best]!) best = i;
    return best;
  }
}

/** Median of a non-empty list. */
export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
