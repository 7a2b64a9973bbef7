// Shared by the browser pages: run the seed int8 model on its first golden input with every build.
export async function runGolden(loadModel, base) {
  const get = (name) => fetch(new URL(name, base)).then((r) => {
    if (!r.ok) throw new Error(`${name}: HTTP ${r.status}`);
    return r.arrayBuffer();
  });
  const [model, input, output] = await Promise.all([get('/fixtures/seed_int8.tflite'), get('/fixtures/golden_int8.in0.bin'), get('/fixtures/golden_int8.out0.bin')]);
  const results = {};
  for (const backend of ['scalar', 'simd', 'relaxed']) {
    const m = await loadModel(new Uint8Array(model), { backend });
    results[backend] = Array.from(m.run(new Int8Array(input, 0, 96 * 96)));
    m.dispose();
  }
  const auto = await loadModel(new Uint8Array(model));
  return { results, golden: Array.from(new Int8Array(output, 0, 5)), auto: auto.backend };
}
