// In-browser benchmark: every model × build, model.run on real observations, timed in batches.
import { loadModel, type Build, type Model } from 'i8x16';
import { CarRacing } from 'i8x16/carracing';
import { Policy, TIMING_BATCH, median } from './policy.js';
import { MODEL_KEYS, type Catalogue, type ModelKey } from './models.js';

export const BENCH_BUILDS: readonly Build[] = ['scalar', 'simd', 'relaxed'];

export interface BenchRow {
  build: Build;
  dtype: ModelKey;
  /** Median over batches of the per-inference mean of TIMING_BATCH runs; null if the build is unavailable. */
  p50_ms: number | null;
  min_ms: number | null;
  batches: number;
  runs: number;
  model: string;
  trained: boolean;
  error?: string;
}

const WARMUP_RUNS = 30;
const MIN_BATCHES = 7;
const MAX_BATCHES = 40;
/** Per model, all builds together. */
const TARGET_MS = 2500;

/** 16 grayscale-preprocessed frames from a short drive (gas, then steering), shared by every case. */
function sampleObservations(): Uint8Array[] {
  const env = new CarRacing({ continuous: false });
  let obs = env.reset({ seed: 7 }).observation;
  const frames: Uint8Array[] = [];
  for (let step = 0; frames.length < 16; step++) {
    obs = env.step(step < 40 ? 3 : (step >> 3) % 2 ? 1 : 2).observation;
    if (step % 4 === 3) frames.push(obs.slice());
  }
  env.close();
  return frames;
}

export async function runBenchmark(catalogue: Catalogue, onProgress?: (row: BenchRow) => void): Promise<BenchRow[]> {
  const frames = sampleObservations();
  const rows: BenchRow[] = [];
  for (const dtype of MODEL_KEYS) {
    const entry = catalogue[dtype];
    // One fetch per model; every build loads from the same bytes.
    const response = await fetch(entry.url);
    if (!response.ok) throw new Error(`fetching ${entry.url}: HTTP ${response.status}`);
    const bytes = new Uint8Array(await response.arrayBuffer());
    const cases: { row: BenchRow; model: Model; inputs: (Float32Array | Int8Array)[]; batchMs: number[] }[] = [];
    for (const build of BENCH_BUILDS) {
      const row: BenchRow = {
        build, dtype, p50_ms: null, min_ms: null, batches: 0, runs: 0,
        model: entry.url.slice(entry.url.lastIndexOf('/') + 1), trained: entry.trained,
      };
      rows.push(row);
      try {
        const model = await loadModel(bytes, { backend: build });
        const policy = new Policy(model);
        const inputs = frames.map((f) => {
          policy.prepare(f);
          return policy.input.slice();
        });
        for (let i = 0; i < WARMUP_RUNS; i++) model.run(inputs[i % inputs.length]!);
        cases.push({ row, model, inputs, batchMs: [] });
      } catch (error) {
        row.error = String((error as Error).message ?? error);
      }
    }
    // Builds take turns batch by batch, so a burst of load elsewhere on the machine hits all of them alike.
    const begin = performance.now();
    for (let round = 0; round < MAX_BATCHES; round++) {
      for (const c of cases) {
        const t0 = performance.now();
        for (let i = 0; i < TIMING_BATCH; i++) c.model.run(c.inputs[(round * TIMING_BATCH + i) % c.inputs.length]!);
        c.batchMs.push((performance.now() - t0) / TIMING_BATCH);
      }
      const elapsed = performance.now() - begin;
      if (round + 1 >= MIN_BATCHES && elapsed > TARGET_MS) break;
    }
    for (const c of cases) {
      c.model.dispose();
      c.row.p50_ms = round(median(c.batchMs));
      c.row.min_ms = round(Math.min(...c.batchMs));
      c.row.batches = c.batchMs.length;
      c.row.runs = c.batchMs.length * TIMING_BATCH;
    }
    for (const row of rows.filter((r) => r.dtype === dtype)) onProgress?.(row);
  }
  return rows;
}

function round(ms: number): number {
  return Math.round(ms * 10000) / 10000;
}
