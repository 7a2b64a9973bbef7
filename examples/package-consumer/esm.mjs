// Node, ESM (Buffers may share a pool: read bytes through subarray, not .buffer): the installed package by name; model from a file path, golden compare; carracing subpath.
import { readFileSync } from 'node:fs';
import { loadModel } from 'i8x16';
import { CarRacing } from 'i8x16/carracing';

const [fixtures] = process.argv.slice(2);
const input = Int8Array.from(readFileSync(`${fixtures}/golden_int8.in0.bin`).subarray(0, 96 * 96), (v) => (v << 24) >> 24);
const golden = Array.from(readFileSync(`${fixtures}/golden_int8.out0.bin`).subarray(0, 5), (v) => (v << 24) >> 24);
const results = {};
for (const backend of ['scalar', 'simd']) {
  const model = await loadModel(`${fixtures}/seed_int8.tflite`, { backend });
  results[backend] = Array.from(model.run(input));
}
const env = new CarRacing({ continuous: false });
const { observation } = env.reset({ seed: 1 });
const step = env.step(3);
console.log(JSON.stringify({ results, golden, observation: observation.length, reward: step.reward }));
