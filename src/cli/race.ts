// `i8x16 race --model FILE [--episodes N] [--seed S] [--backend B] [--max-steps M] [--out frames.png] [--every K] [--json]`
// Drives CarRacing-v3 (TypeScript env) with one .tflite policy: reward per episode, mean ± std, steps, ms per step.
// --out writes a grid of the 96×96 observations the policy saw (every K-th step of the first episode, 3× upscaled);
// with --full, of the env's 600×400 render() frames instead.
import { CarRacing, VIDEO_H, VIDEO_W } from '../carracing/index.js';
import { loadModel } from '../index.js';
import type { BackendChoice } from '../kernels/api.js';
import { evaluatePolicy, modelPolicy } from '../policy/episode.js';

const USAGE = 'usage: i8x16 race --model FILE [--episodes N] [--seed S] [--backend scalar|simd|relaxed|auto] [--max-steps M] [--out frames.png [--full]] [--every K] [--json]';

export async function run(args: string[]): Promise<number> {
  const opt = (name: string) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
  const file = opt('--model');
  if (!file || args.includes('--help')) {
    console.error(USAGE);
    return file ? 0 : 2;
  }
  const episodes = Number(opt('--episodes') ?? 1);
  const seed = Number(opt('--seed') ?? 0);
  const maxSteps = Number(opt('--max-steps') ?? 1000);
  const out = opt('--out');
  const every = Number(opt('--every') ?? 50);
  if (!(episodes >= 1) || !Number.isInteger(seed) || !(maxSteps >= 1) || !(every >= 1)) {
    console.error(USAGE);
    return 2;
  }
  const model = await loadModel(file, { backend: (opt('--backend') ?? 'auto') as BackendChoice });
  const policy = modelPolicy(model, `${file.split('/').pop()} (${model.backend})`);
  const seeds = Array.from({ length: episodes }, (_, i) => seed + i);
  const full = !!out && args.includes('--full');
  const env = new CarRacing({ continuous: false, maxEpisodeSteps: maxSteps, renderMode: full ? 'rgb_array' : null });
  const fullFrames: Uint8Array[] = [];
  const e = evaluatePolicy(policy, {
    seeds, maxSteps, progress: true, env, keepEvery: out && !full ? every : 0, keepMax: out && !full ? Math.ceil(maxSteps / every) : 0,
    // the state after step s, as Gymnasium's render() shows it
    onStep: (episode, s) => { if (full && episode === 0 && (s - 1) % every === 0) fullFrames.push(env.render()!); },
    onEpisode: (r) => console.log(`seed ${r.seed}: reward ${r.reward.toFixed(2)} in ${r.steps} steps${r.lapFinished ? ' (lap finished)' : ''}, actions ${r.actions.join('/')}`),
  });
  const report = {
    model: file, backend: model.backend, seeds, rewards: e.rewards, steps: e.steps, mean: e.reward.mean, std: e.reward.std,
    msPerStep: { p50: e.actMs.p50, p99: e.actMs.p99 },
  };
  if (args.includes('--json')) console.log(JSON.stringify(report, null, 1));
  else console.log(`${policy.name}: mean reward ${e.reward.mean.toFixed(2)} ± ${e.reward.std.toFixed(2)} over ${episodes} episode(s); policy ${e.actMs.p50.toFixed(3)} ms/step p50 (preprocessing + inference)`);
  if (out) {
    const frames = full ? fullFrames : e.episodes[0]!.frames;
    const { encodePng } = await import('../carracing/png.js');
    const { writeFileSync } = await import('node:fs');
    const { pixels, width, height } = full ? grid(frames, 1, 4, VIDEO_W, VIDEO_H) : grid(frames, 3, 8, 96, 96);
    writeFileSync(out, encodePng(pixels, width, height));
    console.log(`wrote ${out}: ${frames.length} ${full ? 'rendered frames' : 'observations'} of seed ${seeds[0]} (every ${every} steps), ${width}×${height}`);
  }
  env.close();
  model.dispose();
  return 0;
}

/** Lays out w×h×3 frames in a grid, each upscaled `scale`× (nearest), 2 px white gutters. */
function grid(frames: Uint8Array[], scale: number, columns: number, w: number, h: number): { pixels: Uint8Array; width: number; height: number } {
  const cw = w * scale + 2, ch = h * scale + 2, cols = Math.min(columns, Math.max(1, frames.length)), rows = Math.max(1, Math.ceil(frames.length / cols));
  const width = cols * cw, height = rows * ch;
  const pixels = new Uint8Array(width * height * 3).fill(255);
  frames.forEach((f, k) => {
    const ox = (k % cols) * cw + 1, oy = Math.floor(k / cols) * ch + 1;
    for (let y = 0; y < h * scale; y++) {
      for (let x = 0; x < w * scale; x++) {
        const s = (Math.floor(y / scale) * w + Math.floor(x / scale)) * 3, d = ((oy + y) * width + ox + x) * 3;
        pixels[d] = f[s]!; pixels[d + 1] = f[s + 1]!; pixels[d + 2] = f[s + 2]!;
      }
    }
  });
  return { pixels, width, height };
}
