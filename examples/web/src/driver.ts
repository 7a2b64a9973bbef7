// The simulation loop: CarRacing + policy, stepped from a message-channel task loop (never from
// requestAnimationFrame, so the simulated rate does not depend on the display). Runs on the main
// thread or inside the worker (src/worker.ts) unchanged.
import { loadModel, type BackendChoice } from 'i8x16';
import { CarRacing, CarRacingRenderer, STATE_H, STATE_W, type RenderScene } from 'i8x16/carracing';
import { Policy, TIMING_BATCH, median } from './policy.js';

export type Speed = 'realtime' | 'double' | 'max';
const SPEED_FACTOR: Record<Exclude<Speed, 'max'>, number> = { realtime: 1, double: 2 };
const FPS = 50;
/** Longest stretch of stepping before yielding, so drawing and messages get their turn. */
const SLICE_MS = 8;

export interface EpisodeRecord {
  seed: number;
  reward: number;
  tiles: number;
  steps: number;
}

export interface DriverStats {
  model: string;
  trained: boolean;
  backend: string;
  dtype: string;
  running: boolean;
  inference: boolean;
  speed: Speed;
  seed: number;
  episode: number;
  episodeSteps: number;
  totalSteps: number;
  reward: number;
  tiles: number;
  trackTiles: number;
  action: number;
  /** p50 over the last second of per-batch means (batches of TIMING_BATCH inferences); null until one batch. */
  inferMsP50: number | null;
  /** Same for a whole simulated step (physics + 96×96 observation + inference). */
  stepMsP50: number | null;
  stepsPerSec: number;
  episodes: EpisodeRecord[];
  clock: number;
}

export interface FrameData {
  scene: RenderScene;
  agent: Uint8ClampedArray;
  stats: DriverStats;
}

interface Sample { t: number; v: number }

class BatchTimer {
  private acc = 0;
  private n = 0;
  private samples: Sample[] = [];
  add(ms: number, now: number): void {
    this.acc += ms;
    if (++this.n < TIMING_BATCH) return;
    this.samples.push({ t: now, v: this.acc / this.n });
    this.acc = 0;
    this.n = 0;
    // Keep the last second, but always the latest batch (slow models finish fewer than one per second).
    while (this.samples.length > 1 && now - this.samples[0]!.t > 1000) this.samples.shift();
  }
  p50(): number | null {
    return this.samples.length ? median(this.samples.map((s) => s.v)) : null;
  }
  clear(): void {
    this.acc = 0;
    this.n = 0;
    this.samples = [];
  }
}

export class Driver {
  private readonly env = new CarRacing({ continuous: false });
  private readonly scene = new CarRacingRenderer().createScene();
  private policy: Policy | null = null;
  private obs: Uint8Array;
  private modelName = '';
  private trained = false;
  private seed: number;
  private episode = 0;
  private episodeSteps = 0;
  private totalSteps = 0;
  private action = 0;
  private episodes: EpisodeRecord[] = [];
  private running = false;
  private inference = true;
  private speed: Speed = 'max';
  private paceT0 = 0;
  private paceSteps = 0;
  private readonly inferTimer = new BatchTimer();
  private readonly stepTimer = new BatchTimer();
  private rate: Sample[] = [];
  private readonly channel = new MessageChannel();
  private scheduled = false;

  constructor(seed = 1) {
    this.seed = seed;
    this.obs = this.env.reset({ seed }).observation;
    this.channel.port1.onmessage = () => {
      this.scheduled = false;
      this.tick();
    };
  }

  /** Loads a model (bytes fetched by i8x16 from the URL) with a given build; keeps the episode going. */
  async setModel(url: string, build: BackendChoice, trained: boolean): Promise<void> {
    const model = await loadModel(url, { backend: build });
    const previous = this.policy;
    this.policy = new Policy(model);
    previous?.model.dispose();
    this.modelName = url.slice(url.lastIndexOf('/') + 1);
    this.trained = trained;
    this.inferTimer.clear();
    this.stepTimer.clear();
  }

  reset(seed: number): void {
    this.seed = seed;
    this.obs = this.env.reset({ seed }).observation;
    this.episodeSteps = 0;
    this.episodes = [];
    this.episode = 0;
  }

  setInference(on: boolean): void {
    this.inference = on;
    this.stepTimer.clear();
  }

  setSpeed(speed: Speed): void {
    this.speed = speed;
    this.paceT0 = performance.now();
    this.paceSteps = 0;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.setSpeed(this.speed);
    this.schedule();
  }

  stop(): void {
    this.running = false;
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    this.channel.port2.postMessage(0);
  }

  private tick(): void {
    if (!this.running) return;
    const start = performance.now();
    let now = start;
    if (this.speed === 'max') {
      do {
        this.step();
        now = performance.now();
      } while (now - start < SLICE_MS);
    } else {
      const due = Math.floor(((now - this.paceT0) / 1000) * FPS * SPEED_FACTOR[this.speed]) - this.paceSteps;
      // Falling far behind (tab hidden, model switch): drop the backlog instead of racing to catch up.
      if (due > FPS) this.setSpeed(this.speed);
      for (let i = 0; i < Math.min(due, FPS) && now - start < SLICE_MS; i++) {
        this.step();
        this.paceSteps++;
        now = performance.now();
      }
    }
    this.rate.push({ t: now, v: this.totalSteps });
    while (this.rate.length > 2 && now - this.rate[0]!.t > 1000) this.rate.shift();
    if (this.speed === 'max') this.schedule();
    else setTimeout(() => this.schedule(), 4);
  }

  /** One simulated step: policy on the current observation, then env.step. */
  step(): void {
    const t0 = performance.now();
    let action = 0;
    if (this.inference && this.policy) {
      this.policy.prepare(this.obs);
      const t1 = performance.now();
      action = this.policy.infer();
      this.inferTimer.add(performance.now() - t1, t1);
    }
    this.action = action;
    const result = this.env.step(action);
    this.obs = result.observation;
    this.episodeSteps++;
    this.totalSteps++;
    if (result.terminated || result.truncated) {
      this.episodes.push({ seed: this.seed, reward: this.env.totalReward, tiles: this.env.tilesVisited, steps: this.episodeSteps });
      if (this.episodes.length > 20) this.episodes.shift();
      this.seed++;
      this.episode++;
      this.episodeSteps = 0;
      this.obs = this.env.reset({ seed: this.seed }).observation;
    }
    const t2 = performance.now();
    this.stepTimer.add(t2 - t0, t2);
  }

  stats(): DriverStats {
    const first = this.rate[0];
    const last = this.rate[this.rate.length - 1];
    const span = first && last ? last.t - first.t : 0;
    return {
      model: this.modelName,
      trained: this.trained,
      backend: this.policy?.model.backend ?? '-',
      dtype: this.policy?.dtype ?? '-',
      running: this.running,
      inference: this.inference,
      speed: this.speed,
      seed: this.seed,
      episode: this.episode,
      episodeSteps: this.episodeSteps,
      totalSteps: this.totalSteps,
      reward: this.env.totalReward,
      tiles: this.env.tilesVisited,
      trackTiles: this.env.track.length,
      action: this.action,
      inferMsP50: this.inferTimer.p50(),
      stepMsP50: this.stepTimer.p50(),
      stepsPerSec: span > 0 ? ((last!.v - first!.v) * 1000) / span : 0,
      episodes: this.episodes.slice(),
      clock: performance.now(),
    };
  }

  /**
   * What the page needs to draw: the render scene (plain data, so it crosses to the page by structured
   * clone and the page rasterises the 1000×800 view on its own thread) and the agent's 96×96 input as RGBA.
   */
  frame(): FrameData {
    this.env.fillRenderScene(this.scene);
    const agent = new Uint8ClampedArray(STATE_W * STATE_H * 4);
    // The model's view: grayscale of the current observation, as preprocessing computes it.
    const gray = this.policy?.gray;
    if (gray && this.inference) {
      for (let i = 0, j = 0; i < gray.length; i++, j += 4) {
        agent[j] = agent[j + 1] = agent[j + 2] = gray[i]!;
        agent[j + 3] = 255;
      }
    } else {
      for (let i = 0, j = 0; j < agent.length; i += 3, j += 4) {
        agent[j] = this.obs[i]!;
        agent[j + 1] = this.obs[i + 1]!;
        agent[j + 2] = this.obs[i + 2]!;
        agent[j + 3] = 255;
      }
    }
    return { scene: this.scene, agent, stats: this.stats() };
  }

  dispose(): void {
    this.stop();
    this.channel.port1.close();
    this.policy?.model.dispose();
    this.policy = null;
    this.env.close();
  }
}
