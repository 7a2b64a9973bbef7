// In-browser benchmark: every model × build, model.run on real observations, timed in batches.
import { loadModel, type Build } from 'i8x16';
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
const MIN_BATCHES = 5;
const MAX_BATCHES = 60;
const TARGET_MS = 600;
const BUDGET_MS = 3000;

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
    for (const build of BENCH_BUILDS) {
      const row: BenchRow = {
        build, dtype, p50_ms: null, min_ms: null, batches: 0, runs: 0,
        model: entry.url.slice(entry.url.lastIndexOf('/') + 1), trained: entry.trained,
      };
      let model;
      try {
        model = await loadModel(bytes, { backend: build });
      } catch (error) {
        row.error = String((error as Error).message ?? error);
        rows.push(row);
        onProgress?.(row);
        continue;
      }
      const policy = new Policy(model);
      const inputs = frames.map((f) => {
        policy.prepare(f);
        return policy.input.slice();
      });
      for (let i = 0; i < WARMUP_RUNS; i++) model.run(inputs[i % inputs.length]!);
      const batchMs: number[] = [];
      const begin = performance.now();
      let k = 0;
      while (batchMs.length < MAX_BATCHES) {
        const t0 = performance.now();
        for (let i = 0; i < TIMING_BATCH; i++) model.run(inputs[k++ % inputs.length]!);
        const t1 = performance.now();
        batchMs.push((t1 - t0) / TIMING_BATCH);
        const elapsed = t1 - begin;
        if (batchMs.length >= MIN_BATCHES && (elapsed > TARGET_MS || elapsed > BUDGET_MS)) break;
      }
      model.dispose();
      row.p50_ms = round(median(batchMs));
      row.min_ms = round(Math.min(...batchMs));
      row.batches = batchMs.length;
      row.runs = batchMs.length * TIMING_BATCH;
      rows.push(row);
      onProgress?.(row);
    }
  }
  return rows;
}

function round(ms: number): number {
  return Math.round(ms * 10000) / 10000;
}
