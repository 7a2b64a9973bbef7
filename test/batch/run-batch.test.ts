// model.runBatch: n frames through the model prepared for maxBatch must equal n single-frame runs, bit for bit
// (int8 and dynamic-range fully-connected layers run as one GEMM there, the convolutions frame by frame).
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadModel, ModelError, type Build } from '../../src/index.js';
import { detectFeatures } from '../../src/wasm/loader.js';

const SEED = 'test/fixtures/seed';
const frames = new Uint8Array(readFileSync(`${SEED}/keras_inputs_u8.bin`));
const FRAME = 96 * 96;
const N = 5;
const MAX = 6;

function inputFor(file: string, spec: { dtype: string; scale?: number; zeroPoint?: number }): Float32Array | Int8Array {
  const x = Float32Array.from(frames.subarray(0, N * FRAME), (v) => v / 255);
  if (spec.dtype === 'float32') return x;
  const q = new Int8Array(x.length);
  for (let i = 0; i < x.length; i++) q[i] = Math.max(-128, Math.min(127, Math.round(x[i]! / spec.scale!) + spec.zeroPoint!));
  return q;
}

const builds: Build[] = ['scalar', 'simd', ...((await detectFeatures()).relaxedSimd ? ['relaxed' as const] : [])];
// The shipped models always (CI has no regenerated seed files), the seed's when present.
const files = [
  ...['int8', 'int8_floatio', 'dynamic_int8', 'float32'].map((f) => `models/car_racing_${f}.tflite`),
  ...['seed_int8.tflite', 'seed_int8_fio.tflite', 'seed_dynamic_int8.tflite', 'seed_float32.tflite']
    .map((f) => `${SEED}/${f}`).filter((f) => existsSync(f)),
];

describe('runBatch', () => {
  for (const build of builds) {
    for (const file of files) {
      it(`${build} ${file.split('/').pop()}: equals single-frame runs (n = ${N} of maxBatch ${MAX}, and n = maxBatch)`, async () => {
        const model = await loadModel(file, { backend: build, maxBatch: MAX });
        expect(model.maxBatch).toBe(MAX);
        const x = inputFor(file, model.inputs[0]!);
        const per = x.length / N;
        const single = Array.from({ length: N }, (_, f) => Array.from(model.run(x.subarray(f * per, (f + 1) * per) as Float32Array)));
        const batched = model.runBatch(x, N);
        expect(batched.length).toBe(N * 5);
        for (let f = 0; f < N; f++) expect(Array.from(batched.subarray(f * 5, f * 5 + 5))).toEqual(single[f]);
        // a full batch (frames repeated) and the view for n is reused across calls
        const full = new (x.constructor as Float32ArrayConstructor)(MAX * per);
        for (let f = 0; f < MAX; f++) full.set(x.subarray((f % N) * per, (f % N + 1) * per) as Float32Array, f * per);
        const out = model.runBatch(full, MAX);
        for (let f = 0; f < MAX; f++) expect(Array.from(out.subarray(f * 5, f * 5 + 5))).toEqual(single[f % N]);
        expect(model.runBatch(x, N)).toBe(model.runBatch(x, N));
        model.dispose();
      }, 60_000);
    }
  }

  // zoo models: no fully-connected layer (whole model batched), FC first, MEAN before the FC (per-frame part)
  for (const name of ['conv_same_relu/int8', 'dw_m2_valid_s2/int8', 'fc_bias_relu/int8', 'flatten_fc/int8', 'mixed_net/int8', 'mixed_net/int8_pt', 'mixed_net/dynamic_int8', 'mixed_net/float32']) {
    it(`zoo ${name}: runBatch equals run`, async () => {
      const model = await loadModel(`test/fixtures/zoo/${name}.tflite`, { backend: 'simd', maxBatch: 4 });
      const spec = model.inputs[0]!;
      const raw = readFileSync(`test/fixtures/zoo/${name}.in0.bin`);
      const Ctor = spec.dtype === 'float32' ? Float32Array : Int8Array;
      const samples = new Ctor(raw.buffer, raw.byteOffset, raw.byteLength / Ctor.BYTES_PER_ELEMENT);
      const per = spec.shape.reduce((a, b) => a * b, 1);
      const count = samples.length / per;
      const x = new Ctor(3 * per);
      for (let f = 0; f < 3; f++) x.set(samples.subarray((f % count) * per, (f % count + 1) * per), f * per);
      const single = [0, 1, 2].map((f) => Array.from(model.run(x.subarray(f * per, (f + 1) * per) as Float32Array)));
      const out = model.runBatch(x as Float32Array, 3);
      const outPer = out.length / 3;
      for (let f = 0; f < 3; f++) expect(Array.from(out.subarray(f * outPer, (f + 1) * outPer))).toEqual(single[f]);
    });
  }

  it('refuses to batch a model whose ops are not batch-independent (and has no fully-connected cut)', async () => {
    await expect(loadModel('test/fixtures/zoo/mean/int8.tflite', { backend: 'scalar', maxBatch: 2 })).rejects.toThrow(ModelError);
  });

  it('refuses n beyond maxBatch, wrong lengths, and models loaded without maxBatch', async () => {
    const file = 'models/car_racing_int8_floatio.tflite'; // committed (the seed float-I/O file is regenerated locally only)
    const model = await loadModel(file, { backend: 'scalar', maxBatch: 2 });
    expect(() => model.runBatch(new Float32Array(3 * FRAME), 3)).toThrow(RangeError);
    expect(() => model.runBatch(new Float32Array(FRAME), 2)).toThrow(RangeError);
    const plain = await loadModel(file, { backend: 'scalar' });
    expect(plain.maxBatch).toBe(1);
    expect(() => plain.runBatch(new Float32Array(FRAME), 1)).toThrow(/maxBatch/);
    await expect(loadModel(file, { maxBatch: 0 })).rejects.toThrow(RangeError);
  });
});
