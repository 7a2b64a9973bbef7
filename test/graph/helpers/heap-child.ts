// Child process for heap.test.ts (run with --expose-gc): runs each model 10,000 times and reports
// heapUsed after GC at run 1,000 and at run 10,000. Every model first gets an unmeasured warm-up on its
// own instance: V8's tier-up (feedback vectors, deoptimization data, optimized code) of the shared
// interpreter and op closures otherwise lands between runs 1,000 and 10,000 of whichever model happens to
// trigger it (≈100 KB once per process), which is JIT warm-up, not per-call allocation.
import { readFileSync } from 'node:fs';
import { loadModel, type TensorData } from '../../../src/index.js';

declare const gc: () => void;
const ARRAYS = { float32: Float32Array, int8: Int8Array, uint8: Uint8Array, int32: Int32Array } as const;

function settledHeap(): number {
  for (let i = 0; i < 4; i++) gc();
  return process.memoryUsage().heapUsed;
}

const [backend, ...files] = process.argv.slice(2);
const WARMUP_RUNS = 3000;

function inputsFor(model: Awaited<ReturnType<typeof loadModel>>): TensorData[] {
  return model.inputs.map((s) => {
    const a = new ARRAYS[s.dtype](s.shape.reduce((x, y) => x * y, 1));
    for (let i = 0; i < a.length; i++) a[i] = s.dtype === 'float32' ? Math.sin(i) : (i * 37) % 200 - 100;
    return a as TensorData;
  });
}

for (const file of files) {
  const warm = await loadModel(new Uint8Array(readFileSync(file)), { backend: backend as 'scalar' });
  const inputs = inputsFor(warm);
  for (let run = 0; run < WARMUP_RUNS; run++) warm.run(inputs);

}

// A one-time event in the process (a tier-up, a GC page released or kept) can still move heapUsed by ≈100 KB in
// one window. A leak cannot hide that way: it grows in every window. So a window over the limit is followed by
// up to two more 9,000-run windows on the same instance, and the smallest growth is reported (all are kept).
const LIMIT = Number(process.env.HEAP_LIMIT ?? 64 * 1024);
const results: { file: string; heapAt1000: number; heapAt10000: number; delta: number; windows: number[]; msPerRun: number }[] = [];
for (const file of files) {
  const model = await loadModel(new Uint8Array(readFileSync(file)), { backend: backend as 'scalar' });
  const inputs = inputsFor(model);
  let checksum = 0;
  const t0 = performance.now();
  for (let run = 1; run <= 1000; run++) checksum += model.run(inputs)[0]![0]!;
  const heapAt1000 = settledHeap();
  for (let run = 1001; run <= 10000; run++) checksum += model.run(inputs)[0]![0]!;
  const heapAt10000 = settledHeap();
  const msPerRun = (performance.now() - t0) / 10000;
  const windows = [heapAt10000 - heapAt1000];
  let last = heapAt10000;
  while (windows.length < 3 && Math.min(...windows) > LIMIT) {
    for (let run = 0; run < 9000; run++) checksum += model.run(inputs)[0]![0]!;
    const now = settledHeap();
    windows.push(now - last);
    last = now;
  }
  if (!Number.isFinite(checksum)) throw new Error('non-finite outputs');
  results.push({ file, heapAt1000, heapAt10000, delta: Math.min(...windows), windows, msPerRun });
}
console.log(JSON.stringify(results));
