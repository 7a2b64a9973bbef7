// i8x16/pool: workers load the policy and run CarRacing themselves; results must equal an in-thread run.
import { describe, expect, it } from 'vitest';
import { loadModel } from '../../src/index.js';
import { createPool, EpisodeRunner } from '../../src/pool/index.js';

const MODEL = 'test/fixtures/seed/seed_int8.tflite';   // int8 I/O: exercises the input quantization path
const STEPS = 25;

describe('createPool', () => {
  it('evaluates seeds across 2 workers, in seed order, identical to an in-thread run', async () => {
    const seeds = [11, 12, 13];
    const pool = await createPool({ source: MODEL, backend: 'simd', workers: 2, maxEpisodeSteps: STEPS });
    try {
      expect(pool.backend).toBe('simd');
      const got = await pool.evaluate({ seeds });
      const runner = new EpisodeRunner(await loadModel(MODEL, { backend: 'simd' }), { maxEpisodeSteps: STEPS });
      const want = seeds.map((s) => runner.run(s));
      expect(got.map((r) => [r.seed, r.steps, r.reward])).toEqual(want.map((r) => [r.seed, r.steps, r.reward]));
    } finally {
      await pool.close();
    }
  }, 120_000);

  it('rejects a bad model with the worker\'s error', async () => {
    await expect(createPool({ source: new Uint8Array([1, 2, 3]), workers: 1 })).rejects.toThrow(/worker failed to load the model/);
  }, 60_000);
});
