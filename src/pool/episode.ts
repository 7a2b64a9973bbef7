// One CarRacing-v3 episode driven by a loaded policy model (argmax over its 5 outputs), as python/eval.py
// runs it: discrete actions, the seed's preprocessing, no wrappers. Shared by the pool workers.
import { CarRacing } from '../carracing/index.js';
import type { Model } from '../model.js';
import { preprocessObservation, rgbToGrayscale } from '../policy/index.js';

export interface EpisodeResult {
  seed: number;
  /** Sum of the env's rewards over the episode. */
  reward: number;
  steps: number;
  /** Wall time of the episode in this worker, env included. */
  ms: number;
  /** Time spent in model.run alone. */
  inferenceMs: number;
}

/** Reusable per-worker state: one env, one model, preallocated input buffers (no per-step allocation). */
export class EpisodeRunner {
  readonly env: CarRacing;
  private readonly x = new Float32Array(96 * 96);
  private readonly q: Int8Array | Uint8Array | null;
  private readonly gray = new Uint8Array(96 * 96);
  /** Quantized input for each grayscale level (int8/uint8-input models). */
  private readonly lut: Int16Array;

  constructor(readonly model: Model, options: { maxEpisodeSteps?: number } = {}) {
    const spec = model.inputs[0];
    if (model.inputs.length !== 1 || !spec || spec.shape.reduce((a, b) => a * b, 1) !== 96 * 96) {
      throw new RangeError(`i8x16 pool: the policy must take one 96×96×1 input, got ${model.inputs.map((i) => `[${i.shape}]`).join(', ')}`);
    }
    if (model.outputs.length !== 1 || model.outputs[0]!.shape.at(-1) !== 5) {
      throw new RangeError('i8x16 pool: the policy must have one output of 5 action values (CarRacing-v3 discrete)');
    }
    this.q = spec.dtype === 'int8' ? new Int8Array(96 * 96) : spec.dtype === 'uint8' ? new Uint8Array(96 * 96) : null;
    // the float input is float32(gray / 255); quantizing it with the input's scale and zero point
    // takes only 256 values, so a table replaces the per-pixel division
    const [lo, hi] = spec.dtype === 'uint8' ? [0, 255] : [-128, 127];
    const scale = spec.scale ?? 1, zp = spec.zeroPoint ?? 0;
    this.lut = Int16Array.from({ length: 256 }, (_, g) => Math.max(lo, Math.min(hi, Math.round(Math.fround(g / 255) / scale) + zp)));
    this.env = new CarRacing({ continuous: false, maxEpisodeSteps: options.maxEpisodeSteps });
  }

  /** argmax action for one observation (96×96×3 uint8). */
  act(observation: Uint8Array): number {
    let input: Float32Array | Int8Array | Uint8Array = this.x;
    if (this.q) {
      // int8-I/O files: the caller quantizes (python/eval.py does the same with the input's scale / zero point)
      rgbToGrayscale(observation, this.gray);
      for (let i = 0; i < this.gray.length; i++) this.q[i] = this.lut[this.gray[i]!]!;
      input = this.q;
    } else {
      preprocessObservation(observation, this.x);
    }
    const y = this.model.run(input);
    // quantized outputs have a positive scale, so argmax over raw integers is argmax over values
    let best = 0;
    for (let i = 1; i < y.length; i++) if (y[i]! > y[best]!) best = i;
    return best;
  }

  run(seed: number): EpisodeResult {
    const t0 = performance.now();
    let inferenceMs = 0;
    let { observation } = this.env.reset({ seed });
    let reward = 0, steps = 0;
    for (;;) {
      const s = performance.now();
      const action = this.act(observation);
      inferenceMs += performance.now() - s;
      const r = this.env.step(action);
      reward += r.reward;
      steps++;
      observation = r.observation;
      if (r.terminated || r.truncated) break;
    }
    return { seed, reward, steps, ms: performance.now() - t0, inferenceMs };
  }
}
