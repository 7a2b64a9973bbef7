// One CarRacing-v3 episode driven by a loaded policy model (argmax over its 5 outputs), as python/eval.py
// runs it: discrete actions, the seed's preprocessing, no wrappers. Shared by the pool workers.
import { CarRacing } from '../carracing/index.js';
import type { Model } from '../model.js';
import { modelPolicy, type Policy } from '../policy/index.js';

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

/** Reusable per-worker state: one env and the model as a policy (modelPolicy: preallocated input, no per-step allocation). */
export class EpisodeRunner {
  readonly env: CarRacing;
  private readonly policy: Policy;

  constructor(readonly model: Model, options: { maxEpisodeSteps?: number } = {}) {
    // int8-I/O files are quantized by the caller through the input's scale and zero point, as python/eval.py does
    this.policy = modelPolicy(model, 'i8x16 pool');
    this.env = new CarRacing({ continuous: false, maxEpisodeSteps: options.maxEpisodeSteps });
  }

  /** argmax action for one observation (96×96×3 uint8). */
  act(observation: Uint8Array): number {
    return this.policy.act(observation);
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
