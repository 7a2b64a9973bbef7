// Node, CommonJS: require() of both entries.
const { readFileSync } = require('node:fs');
const { loadModel } = require('i8x16');
const { CarRacing } = require('i8x16/carracing');

const fixtures = process.argv[2];
const input = Int8Array.from(readFileSync(`${fixtures}/golden_int8.in0.bin`).subarray(0, 96 * 96), (v) => (v << 24) >> 24);
const golden = Array.from(readFileSync(`${fixtures}/golden_int8.out0.bin`).subarray(0, 5), (v) => (v << 24) >> 24);
(async () => {
  const results = {};
  for (const backend of ['scalar', 'simd']) {
    const model = await loadModel(readFileSync(`${fixtures}/seed_int8.tflite`), { backend });
    results[backend] = Array.from(model.run(input));
  }
  const env = new CarRacing({ continuous: false });
  const { observation } = env.reset({ seed: 1 });
  console.log(JSON.stringify({ results, golden, observation: observation.length }));
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
