// The episode runner: deterministic across kernel builds for the int8 policy, consistent bookkeeping, and the
// int8-I/O input quantization equal to python/eval.py's formula.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { loadModel, type Build } from '../../src/index.js';
import { detectFeatures } from '../../src/wasm/loader.js';
import { evaluatePolicy, inputQuantizationTable, modelPolicy, runEpisode, runSharedEpisodes, type Policy } from '../../src/policy/episode.js';

const MODELS = join(import.meta.dirname, '../../models');
const STEPS = 100;

/** Wraps a policy to record its action sequence. */
function recording(p: Policy): Policy & { actions: number[] } {
  const actions: number[] = [];
  return { name: p.name, actions, act: (o) => { const a = p.act(o); actions.push(a); return a; } };
}

describe('episode runner', () => {
  it('int8 policy: identical actions, reward and steps on every available build', async () => {
    const f = await detectFeatures();
    const builds: Build[] = ['scalar', ...(f.simd ? ['simd' as const] : []), ...(f.relaxedSimd ? ['relaxed' as const] : [])];
    const runs = [];
    for (const b of builds) {
      const model = await loadModel(join(MODELS, 'car_racing_int8.tflite'), { backend: b });
      const p = recording(modelPolicy(model));
      const r = runEpisode(p, { seed: 7, maxSteps: STEPS });
      runs.push({ build: model.backend, actions: p.actions, reward: r.reward, steps: r.steps });
      expect(r.actMs.length).toBe(r.steps);
      expect(r.actions.reduce((a, b) => a + b, 0)).toBe(r.steps);
    }
    expect(runs[0]!.steps).toBe(STEPS);
    for (const r of runs.slice(1)) {
      expect(r.actions, `${r.build} vs ${runs[0]!.build}`).toEqual(runs[0]!.actions);
      expect(r.reward).toBe(runs[0]!.reward);
    }
  });

  it('evaluation: per-episode rewards, mean ± std, agreement with a reference, kept frames', async () => {
    const int8 = modelPolicy(await loadModel(join(MODELS, 'car_racing_int8.tflite'), { backend: 'simd' }));
    const float = modelPolicy(await loadModel(join(MODELS, 'car_racing_float32.tflite'), { backend: 'simd' }));
    const e = evaluatePolicy(int8, { seeds: [0, 1], maxSteps: 40, reference: float, keepEvery: 10, progress: false });
    expect(e.rewards).toHaveLength(2);
    expect(e.steps).toEqual([40, 40]);
    expect(e.frames).toBe(80);
    expect(e.reward.mean).toBeCloseTo((e.rewards[0]! + e.rewards[1]!) / 2, 10);
    expect(e.reward.std).toBeCloseTo(Math.abs(e.rewards[0]! - e.rewards[1]!) / Math.SQRT2, 10);
    expect(e.agreement).toBeGreaterThan(0.5);
    expect(e.agreement).toBeLessThanOrEqual(1);
    expect(e.episodes[0]!.frames).toHaveLength(4);
    expect(e.episodes[0]!.frames[0]).toHaveLength(96 * 96 * 3);
    // a policy agrees with itself on every frame
    const self = evaluatePolicy(float, { seeds: [0], maxSteps: 20, reference: float, progress: false });
    expect(self.agreement).toBe(1);
  });

  it('int8 input quantization: clip(np.round(float32(g/255) / float32(scale)) + zp), half to even', () => {
    const scale = 0.0038908112328499556, zp = -128;   // car_racing_int8.tflite's input
    const t = inputQuantizationTable(scale, zp, 'int8');
    expect(t[0]).toBe(-128);
    expect(t[255]).toBe(127);
    for (let g = 0; g < 256; g++) {
      const v = Math.fround(Math.fround(g / 255) / Math.fround(scale));
      if (v + zp > 127) expect(t[g]).toBe(127);
      else expect(Math.abs(t[g]! - zp - v)).toBeLessThanOrEqual(0.5);
    }
    // ties go to even as numpy does: scale 2/255 puts odd levels exactly on .5
    const ties = inputQuantizationTable(2 / 255, 0, 'int8');
    expect([ties[1], ties[3], ties[5]]).toEqual([0, 2, 2]);
  });

  it('shared episodes give exactly what separate episodes in fresh envs give, across divergences', async () => {
    const float = modelPolicy(await loadModel(join(MODELS, 'car_racing_float32.tflite'), { backend: 'simd' }), 'float32');
    const int8 = modelPolicy(await loadModel(join(MODELS, 'car_racing_int8.tflite'), { backend: 'simd' }), 'int8');
    // every frame a policy sees (hashed) and every action it takes
    const seen = (p: Policy) => {
      const log: number[] = [];
      return { log, policy: { name: p.name, act: (o: Uint8Array) => { let h = 0; for (let i = 0; i < o.length; i++) h = (Math.imul(h, 31) + o[i]!) | 0; const a = p.act(o); log.push(h, a); return a; } } };
    };
    // deviates from float32 at its 20th and 60th frames (forced divergences, one of them nested)
    const deviant = (at: number[]): Policy => { let n = 0; return { name: `dev${at}`, act: (o) => (at.includes(n++) ? 4 : float.act(o)) }; };
    const make = () => [float, int8, deviant([20]), deviant([20, 60]), deviant([35])].map(seen);
    const opts = { seed: 4, maxSteps: 120, reference: float, keepEvery: 30 };
    const a = make(), b = make();
    const shared = runSharedEpisodes(a.map((x) => x.policy), opts);
    const separate = b.map((x) => runEpisode(x.policy, opts));
    shared.forEach((s, i) => {
      const r = separate[i]!;
      expect([s.reward, s.steps, s.agree, s.actions, s.truncated], `policy ${i}`).toEqual([r.reward, r.steps, r.agree, r.actions, r.truncated]);
      expect(a[i]!.log, `policy ${i}: frames and actions`).toEqual(b[i]!.log);
      expect(s.frames, `policy ${i} kept frames`).toEqual(r.frames);
    });
    expect(new Set(shared.map((s) => s.reward)).size).toBeGreaterThan(1);
  });
});
