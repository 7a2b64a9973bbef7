// CarRacing-v3 episodes driven by any policy (frame → discrete action), evaluated over a seed list the way
// python/eval.py evaluates them: discrete actions, the seed's preprocessing, argmax over 5 values, no wrappers.
// Adapters: an i8x16 Model at any build (float or int8/uint8 I/O), or any float logits function (tfjs lives in
// the CLI layer so the library never depends on it).
import { CarRacing } from '../carracing/index.js';
import type { Model } from '../model.js';
import { mapGrayscale, preprocessObservation } from './preprocess.js';

const FRAME = 96 * 96;

/** A policy: one 96×96×3 uint8 observation (HWC) → a discrete action 0..4. */
export interface Policy {
  readonly name: string;
  act(observation: Uint8Array): number;
}

/** argmax, first index on ties (numpy's). Quantized outputs have a positive scale, so raw integers order like values. */
export function argmax(y: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < y.length; i++) if (y[i]! > y[best]!) best = i;
  return best;
}

/** numpy's np.round: half to even. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x - Math.trunc(x)) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * The quantized model input for each grayscale level, as python/eval.py computes it:
 * clip(np.round(x / scale) + zp) with x = float32(g / 255) and the division in float32 (numpy 2 casts the
 * Python float scale to float32). The input only takes 256 values, so a table replaces per-pixel arithmetic.
 */
export function inputQuantizationTable(scale: number, zeroPoint: number, dtype: 'int8' | 'uint8'): Int16Array {
  const [lo, hi] = dtype === 'uint8' ? [0, 255] : [-128, 127];
  const s = Math.fround(scale);
  return Int16Array.from({ length: 256 }, (_, g) =>
    Math.max(lo, Math.min(hi, roundHalfEven(Math.fround(Math.fround(g / 255) / s)) + zeroPoint)));
}

/** An i8x16 model as a policy, plus the pieces the table needs to time inference alone on prepared inputs. */
export interface ModelPolicy extends Policy {
  readonly model: Model;
  /** Preprocesses one observation into `out` (or the policy's own reused buffer) in the model's input dtype. */
  prepare(observation: Uint8Array, out?: Float32Array | Int8Array | Uint8Array): Float32Array | Int8Array | Uint8Array;
  /** A fresh input buffer of the model's input dtype (for keeping prepared frames). */
  newInput(): Float32Array | Int8Array | Uint8Array;
  /** model.run + argmax on an already prepared input. */
  actPrepared(input: Float32Array | Int8Array | Uint8Array): number;
}

/**
 * Wraps a loaded i8x16 policy model (one 96×96×1 input, one output of 5 action values). Float inputs get the
 * seed's preprocessing; int8/uint8 inputs are quantized with the input's scale and zero point through a table.
 * No allocation per frame: the input is prepared into one reused buffer.
 */
export function modelPolicy(model: Model, name = `i8x16 ${model.backend}`): ModelPolicy {
  const spec = model.inputs[0];
  if (model.inputs.length !== 1 || !spec || spec.shape.reduce((a, b) => a * b, 1) !== FRAME) {
    throw new RangeError(`policy: the model must take one 96×96×1 input, got ${model.inputs.map((i) => `[${i.shape}]`).join(', ')}`);
  }
  if (model.outputs.length !== 1 || model.outputs[0]!.shape.at(-1) !== 5) {
    throw new RangeError('policy: the model must have one output of 5 action values (CarRacing-v3 discrete)');
  }
  const dtype = spec.dtype;
  if (dtype !== 'float32' && dtype !== 'int8' && dtype !== 'uint8') throw new RangeError(`policy: unsupported input dtype ${dtype}`);
  const lut = dtype === 'float32' ? null : inputQuantizationTable(spec.scale ?? 1, spec.zeroPoint ?? 0, dtype);
  const newInput = () => (dtype === 'int8' ? new Int8Array(FRAME) : dtype === 'uint8' ? new Uint8Array(FRAME) : new Float32Array(FRAME));
  const buffer = newInput();
  const prepare = (obs: Uint8Array, out: Float32Array | Int8Array | Uint8Array = buffer) =>
    (lut ? mapGrayscale(obs, out, lut) : preprocessObservation(obs, out as Float32Array));
  const actPrepared = (input: Float32Array | Int8Array | Uint8Array) => argmax(model.run(input));
  return { name, model, prepare, newInput, actPrepared, act: (obs) => actPrepared(prepare(obs)) };
}

/** A float policy from any logits function over the seed's preprocessed 96×96×1 float32 input (e.g. tfjs). */
export function logitsPolicy(name: string, logits: (x: Float32Array) => ArrayLike<number>): Policy & { prepare(obs: Uint8Array, out?: Float32Array): Float32Array } {
  const x = new Float32Array(FRAME);
  const prepare = (obs: Uint8Array, out: Float32Array = x) => preprocessObservation(obs, out);
  return { name, prepare, act: (obs) => argmax(logits(prepare(obs))) };
}

export interface EpisodeOptions {
  seed: number;
  /** Step limit (default 1000, the registered TimeLimit). */
  maxSteps?: number;
  /** A second policy evaluated on every visited frame; its agreement with the policy is reported. */
  reference?: Policy;
  /** Keep a copy of every k-th visited observation (for timing or pictures); 0 = none (default). */
  keepEvery?: number;
  /** At most this many kept frames (default 64). */
  keepMax?: number;
  /** Reuse an env (created with continuous: false) across episodes. */
  env?: CarRacing;
  /** Called after every step (progress reporting). */
  onStep?: (step: number) => void;
}

export interface EpisodeResult {
  seed: number;
  reward: number;
  steps: number;
  terminated: boolean;
  truncated: boolean;
  /** The env reported info.lap_finished (all tiles visited). */
  lapFinished: boolean;
  /** Time of policy.act per step (preprocessing + inference + argmax), ms. */
  actMs: Float64Array;
  /** Steps where the reference chose the same action (null without a reference). */
  agree: number | null;
  /** How often each action 0..4 was taken. */
  actions: number[];
  /** Copies of every keepEvery-th observation. */
  frames: Uint8Array[];
}

/** Runs one episode; the policy's own path allocates nothing per step (timings go into a preallocated array). */
export function runEpisode(policy: Policy, options: EpisodeOptions): EpisodeResult {
  const maxSteps = options.maxSteps ?? 1000;
  const env = options.env ?? new CarRacing({ continuous: false, maxEpisodeSteps: maxSteps });
  if (env.continuous) throw new RangeError('runEpisode: the env must use discrete actions (continuous: false)');
  const actMs = new Float64Array(maxSteps);
  const actions = [0, 0, 0, 0, 0];
  const frames: Uint8Array[] = [];
  const keepEvery = options.keepEvery ?? 0, keepMax = options.keepMax ?? 64;
  const ref = options.reference;
  let { observation } = env.reset({ seed: options.seed });
  let reward = 0, steps = 0, agree = 0, terminated = false, truncated = false, lapFinished = false;
  while (steps < maxSteps) {
    const t0 = performance.now();
    const a = policy.act(observation);
    actMs[steps] = performance.now() - t0;
    actions[a]!++;
    if (ref && ref.act(observation) === a) agree++;
    if (keepEvery > 0 && steps % keepEvery === 0 && frames.length < keepMax) frames.push(observation.slice());
    const r = env.step(a);
    reward += r.reward;
    steps++;
    observation = r.observation;
    options.onStep?.(steps);
    if (r.terminated || r.truncated) {
      terminated = r.terminated;
      truncated = r.truncated;
      lapFinished = r.info.lap_finished === true;
      break;
    }
  }
  // a step cap below the env's own limit ends the episode as a truncation too
  if (!terminated) truncated = true;
  return { seed: options.seed, reward, steps, terminated, truncated, lapFinished, actMs: actMs.subarray(0, steps), agree: ref ? agree : null, actions, frames };
}

export interface SharedEpisodeOptions {
  seed: number;
  maxSteps?: number;
  /** Policy evaluated on every frame a policy visits, for agreement (may be one of the policies: then free where they share frames). */
  reference?: Policy;
  keepEvery?: number;
  keepMax?: number;
  /** Called with the number of policy-steps completed since the last call. */
  onSteps?: (n: number) => void;
}

interface Branch {
  env: CarRacing;
  obs: Uint8Array;
  members: number[];
  history: Uint8Array;
  step: number;
  reward: number;
  /** Action of step `step`, already chosen (a branch created at a divergence). */
  pending: number;
}

/**
 * One episode per policy on the same seed, exactly as separate runEpisode calls in fresh envs would run them,
 * but sharing the environment while the policies choose the same actions: the env is deterministic, so policies
 * that agree so far are on the same trajectory. At a divergence the branch that leaves gets a fresh env that
 * replays the shared action prefix physics-only (the 96×96 rendering is ~90% of a step) and continues from there.
 */
export function runSharedEpisodes(policies: readonly Policy[], options: SharedEpisodeOptions): EpisodeResult[] {
  const maxSteps = options.maxSteps ?? 1000;
  const keepEvery = options.keepEvery ?? 0, keepMax = options.keepMax ?? 64;
  const refIndex = options.reference ? policies.indexOf(options.reference) : -1;
  const results: EpisodeResult[] = policies.map(() => ({
    seed: options.seed, reward: 0, steps: 0, terminated: false, truncated: false, lapFinished: false,
    actMs: new Float64Array(maxSteps), agree: options.reference ? 0 : null, actions: [0, 0, 0, 0, 0], frames: [],
  }));
  const rootEnv = new CarRacing({ continuous: false, maxEpisodeSteps: maxSteps });
  const root: Branch = { env: rootEnv, obs: rootEnv.reset({ seed: options.seed }).observation, members: policies.map((_, i) => i), history: new Uint8Array(maxSteps), step: 0, reward: 0, pending: -1 };
  const stack = [root];
  const chosen = new Int8Array(policies.length);
  while (stack.length) {
    const b = stack.pop()!;
    for (;;) {
      let action = b.pending;
      b.pending = -1;
      if (action < 0) {
        // every member acts on this frame
        let refAction = -1;
        for (const i of b.members) {
          const t0 = performance.now();
          chosen[i] = policies[i]!.act(b.obs);
          results[i]!.actMs[b.step] = performance.now() - t0;
          if (i === refIndex) refAction = chosen[i]!;
        }
        if (options.reference && refAction < 0 && b.members.some((i) => i !== refIndex)) refAction = options.reference.act(b.obs);
        const keep = keepEvery > 0 && b.step % keepEvery === 0 ? b.obs.slice() : null;
        for (const i of b.members) {
          const r = results[i]!;
          r.actions[chosen[i]!]!++;
          if (r.agree !== null && chosen[i] === refAction) r.agree++;
          if (keep && r.frames.length < keepMax) r.frames.push(keep);
        }
        options.onSteps?.(b.members.length);
        // split by action: the first member's action keeps this env, every other action gets its own branch
        action = chosen[b.members[0]!]!;
        const others = [...new Set(b.members.map((i) => chosen[i]!))].filter((a) => a !== action);
        for (const a of others) {
          const env = replayEnv(options.seed, maxSteps, b.history, b.step);
          stack.push({ env, obs: b.obs, members: b.members.filter((i) => chosen[i] === a), history: b.history.slice(), step: b.step, reward: b.reward, pending: a });
        }
        if (others.length) b.members = b.members.filter((i) => chosen[i] === action);
      }
      b.history[b.step] = action;
      const r = b.env.step(action);
      b.obs = r.observation;
      b.reward += r.reward;
      b.step++;
      const end = r.terminated || r.truncated || b.step >= maxSteps;
      if (end) {
        for (const i of b.members) {
          const res = results[i]!;
          res.reward = b.reward;
          res.steps = b.step;
          res.terminated = r.terminated;
          res.truncated = !r.terminated;
          res.lapFinished = r.info.lap_finished === true;
          res.actMs = res.actMs.subarray(0, b.step);
        }
        b.env.close();
        break;
      }
    }
  }
  return results;
}

/**
 * A fresh env at step `steps` of the action sequence `history`: the prefix is replayed without rendering (physics is
 * independent of it), then observations are switched on, so the next step renders exactly as an env that rendered
 * all along. (The env's HUD shows the score before the step's −0.1, which only the env itself renders right.)
 */
function replayEnv(seed: number, maxSteps: number, history: Uint8Array, steps: number): CarRacing {
  const env = new CarRacing({ continuous: false, observations: false, maxEpisodeSteps: maxSteps });
  env.reset({ seed });
  for (let k = 0; k < steps; k++) env.step(history[k]!);
  // `observations` is a constructor option; the env reads it on every step, so turning it on here is safe
  (env as { observations: boolean }).observations = true;
  return env;
}

export interface Summary {
  n: number;
  mean: number;
  /** Sample standard deviation (ddof = 1, as python/eval.py). */
  std: number;
  /** Standard error of the mean. */
  sem: number;
  min: number;
  max: number;
}

export function summarize(values: readonly number[]): Summary {
  const n = values.length;
  const mean = n ? values.reduce((a, b) => a + b, 0) / n : NaN;
  const std = n > 1 ? Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : 0;
  return { n, mean, std, sem: n > 1 ? std / Math.sqrt(n) : 0, min: Math.min(...values), max: Math.max(...values) };
}

/** p-quantile (nearest rank on the sorted values). */
export function quantile(values: ArrayLike<number>, q: number): number {
  const s = Float64Array.from(values).sort();
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))]! : NaN;
}

export interface EvaluationOptions {
  seeds: readonly number[];
  maxSteps?: number;
  reference?: Policy;
  keepEvery?: number;
  keepMax?: number;
  /** Progress bar on stderr (true: only when stderr is a TTY, 'always': also plain lines otherwise). */
  progress?: boolean | 'always';
  /** Called after each episode. */
  onEpisode?: (result: EpisodeResult, index: number) => void;
  /** Called after every step with the episode index and step count (e.g. to grab env.render() frames). */
  onStep?: (episode: number, step: number) => void;
  /** The env to use (continuous: false; e.g. with renderMode 'rgb_array'); default a fresh one. */
  env?: CarRacing;
}

export interface Evaluation {
  policy: string;
  episodes: EpisodeResult[];
  rewards: number[];
  reward: Summary;
  steps: number[];
  frames: number;
  /** p50 / p99 / mean of the per-step act time over all visited frames, ms. */
  actMs: { p50: number; p99: number; mean: number };
  /** Fraction of visited frames where the reference chose the same action (null without a reference). */
  agreement: number | null;
}

/** Multi-episode evaluation over a seed list (one env reused). */
export function evaluatePolicy(policy: Policy, options: EvaluationOptions): Evaluation {
  const maxSteps = options.maxSteps ?? 1000;
  const env = options.env ?? new CarRacing({ continuous: false, maxEpisodeSteps: maxSteps });
  const bar = new ProgressBar(policy.name, options.seeds.length * maxSteps, options.progress ?? true);
  const episodes: EpisodeResult[] = [];
  try {
    options.seeds.forEach((seed, i) => {
      const done = i * maxSteps;
      const r = runEpisode(policy, { seed, maxSteps, env, reference: options.reference, keepEvery: options.keepEvery, keepMax: options.keepMax,
        onStep: (s) => { bar.update(done + s, `seed ${seed}`); options.onStep?.(i, s); } });
      episodes.push(r);
      // episodes shorter than the limit: count the rest as done so the bar reaches the end
      bar.update(done + maxSteps, `seed ${seed}: ${r.reward.toFixed(1)}`);
      bar.log(`seed ${seed}: reward ${r.reward.toFixed(1)} in ${r.steps} steps`);
      options.onEpisode?.(r, i);
    });
  } finally {
    if (!options.env) env.close();
    bar.done();
  }
  return summarizeEpisodes(policy.name, episodes);
}

/** Evaluation summary of finished episodes (also used for episodes run elsewhere, e.g. in child processes). */
export function summarizeEpisodes(policy: string, episodes: EpisodeResult[]): Evaluation {
  const rewards = episodes.map((e) => e.reward);
  const frames = episodes.reduce((a, e) => a + e.steps, 0);
  const all = new Float64Array(frames);
  let o = 0;
  for (const e of episodes) { all.set(e.actMs, o); o += e.actMs.length; }
  const withRef = episodes.filter((e) => e.agree !== null);
  const agreement = withRef.length ? withRef.reduce((a, e) => a + e.agree!, 0) / withRef.reduce((a, e) => a + e.steps, 0) : null;
  return {
    policy, episodes, rewards, reward: summarize(rewards), steps: episodes.map((e) => e.steps), frames,
    actMs: { p50: quantile(all, 0.5), p99: quantile(all, 0.99), mean: frames ? all.reduce((a, b) => a + b, 0) / frames : NaN },
    agreement,
  };
}

type Writable = { isTTY?: boolean; columns?: number; write(s: string): unknown };

/** A one-line progress bar on stderr; redrawn at most 10 times a second, only on a TTY unless mode is 'always'. */
export class ProgressBar {
  private readonly out: Writable | null;
  private readonly tty: boolean;
  private last = 0;
  private lastLine = '';
  private readonly t0 = now();

  constructor(private readonly label: string, private readonly total: number, mode: boolean | 'always' = true, out?: Writable) {
    const stream = out ?? (globalThis as { process?: { stderr?: Writable } }).process?.stderr ?? null;
    this.tty = !!stream?.isTTY;
    this.out = mode === false || !stream || (!this.tty && mode !== 'always') ? null : stream;
  }

  update(done: number, note = ''): void {
    if (!this.out) return;
    const t = now();
    if (this.tty) {
      if (t - this.last < 100 && done < this.total) return;
      this.last = t;
      const width = 24, f = Math.min(1, done / this.total);
      const bar = '█'.repeat(Math.round(f * width)).padEnd(width, '·');
      const line = `${this.label} ${bar} ${(100 * f).toFixed(0).padStart(3)}% ${((t - this.t0) / 1000).toFixed(0)}s ${note}`;
      this.out.write(`\r${line.slice(0, (this.out.columns ?? 100) - 1).padEnd(this.lastLine.length)}`);
      this.lastLine = line;
    }
  }

  /** A finished item: plain line when not on a terminal (a terminal shows it in the bar). */
  log(note: string): void {
    if (this.out && !this.tty) this.out.write(`${this.label} ${note} (${((now() - this.t0) / 1000).toFixed(0)}s)\n`);
  }

  done(): void {
    if (this.out && this.tty && this.lastLine) this.out.write('\n');
  }
}

function now(): number {
  return performance.now();
}
