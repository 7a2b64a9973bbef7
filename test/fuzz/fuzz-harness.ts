// Mutation fuzzing of the loader: every mutated or truncated file must either load and run, or
// throw ModelError. Anything else (another exception, a hang, memory beyond maxBytes) is a failure.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadModel, ModelError, type TensorData } from '../../src/index.js';
import type { Build } from '../../src/kernels/api.js';
import { randomModel } from './random-models.js';

export interface FuzzOptions {
  cases: number;
  seed: number;
  /** Seed files; when empty, seeds come from defaultSeedFiles(). */
  seeds: { name: string; bytes: Uint8Array }[];
  /** Share of cases that start from a freshly generated random single-op model instead of a seed. */
  generatedShare?: number;
  maxBytes: number;
  backends: Build[];
  /** Called for each failure as it happens. */
  onFailure?: (f: FuzzFailure) => void;
}

export interface FuzzFailure {
  caseIndex: number;
  seedName: string;
  mutation: string;
  error: string;
  bytes: Uint8Array;
}

export interface FuzzReport {
  cases: number;
  loadedAndRan: number;
  modelErrors: number;
  failures: FuzzFailure[];
  slowest: { caseIndex: number; seedName: string; mutation: string; ms: number };
  maxMemoryBytes: number;
  totalMs: number;
}

/** Deterministic PRNG (mulberry32) so every failing case can be replayed from its seed and index. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const INTERESTING_WORDS = [0, 1, 2, 3, 4, 7, 8, 16, 255, 256, 0x7fff, 0xffff, 0x7fffffff, 0x80000000, 0xffffffff, 0xfffffffe, 0x10000];

/** One random mutation of `src`; returns the new bytes and a description for reports. */
export function mutate(src: Uint8Array, random: () => number): { bytes: Uint8Array; mutation: string } {
  const int = (n: number) => Math.floor(random() * n);
  const kind = int(7);
  const bytes = src.slice();
  switch (kind) {
    case 0: {
      const n = int(src.length);
      return { bytes: src.slice(0, n), mutation: `truncate to ${n}` };
    }
    case 1: {
      const flips = 1 + int(8);
      for (let i = 0; i < flips; i++) bytes[int(bytes.length)]! ^= 1 << int(8);
      return { bytes, mutation: `flip ${flips} bit(s)` };
    }
    case 2: {
      const at = int(bytes.length >> 2) << 2;
      const word = INTERESTING_WORDS[int(INTERESTING_WORDS.length)]!;
      if (at + 4 <= bytes.length) new DataView(bytes.buffer).setUint32(at, word, true);
      return { bytes, mutation: `word @${at} = ${word}` };
    }
    case 3: {
      // Small integer nudges hit lengths, indices, enum values and offsets.
      const at = int(bytes.length >> 2) << 2;
      const delta = int(9) - 4;
      if (at + 4 <= bytes.length) {
        const v = new DataView(bytes.buffer);
        v.setInt32(at, v.getInt32(at, true) + delta, true);
      }
      return { bytes, mutation: `word @${at} += ${delta}` };
    }
    case 4: {
      const at = int(bytes.length);
      const n = 1 + int(16);
      const out = new Uint8Array(bytes.length + n);
      out.set(bytes.subarray(0, at));
      for (let i = 0; i < n; i++) out[at + i] = int(256);
      out.set(bytes.subarray(at), at + n);
      return { bytes: out, mutation: `insert ${n} @${at}` };
    }
    case 5: {
      const n = Math.min(bytes.length, 1 + int(16));
      const at = int(bytes.length - n + 1);
      const out = new Uint8Array(bytes.length - n);
      out.set(bytes.subarray(0, at));
      out.set(bytes.subarray(at + n), at);
      return { bytes: out, mutation: `delete ${n} @${at}` };
    }
    default: {
      const n = 1 + int(64);
      for (let i = 0; i < n; i++) bytes[int(bytes.length)] = int(256);
      return { bytes, mutation: `randomise ${n} byte(s)` };
    }
  }
}

const ARRAYS = { float32: Float32Array, int8: Int8Array, uint8: Uint8Array, int32: Int32Array } as const;

/** Small .tflite seeds: the zoo fixtures below 64 KiB (one per model directory and variant). */
export function defaultSeedFiles(root: string, limit = 40): { name: string; bytes: Uint8Array }[] {
  const zoo = join(root, 'test/fixtures/zoo');
  if (!existsSync(zoo)) return [];
  const out: { name: string; bytes: Uint8Array }[] = [];
  for (const dir of readdirSync(zoo).sort()) {
    const path = join(zoo, dir);
    if (!statSync(path).isDirectory()) continue;
    for (const f of readdirSync(path).sort()) {
      if (!f.endsWith('.tflite')) continue;
      const bytes = new Uint8Array(readFileSync(join(path, f)));
      if (bytes.length <= 65536) out.push({ name: `${dir}/${f}`, bytes });
    }
  }
  // Spread the limited budget over all op families rather than taking the first directories.
  const step = Math.max(1, out.length / limit);
  return Array.from({ length: Math.min(limit, out.length) }, (_, i) => out[Math.floor(i * step)]!);
}

export async function runFuzz(options: FuzzOptions): Promise<FuzzReport> {
  const random = rng(options.seed);
  const report: FuzzReport = {
    cases: 0, loadedAndRan: 0, modelErrors: 0, failures: [],
    slowest: { caseIndex: -1, seedName: '', mutation: '', ms: 0 }, maxMemoryBytes: 0, totalMs: 0,
  };
  const start = performance.now();
  for (let i = 0; i < options.cases; i++) {
    const generated = random() < (options.generatedShare ?? 0);
    const seed = generated ? randomModel(random) : options.seeds[Math.floor(random() * options.seeds.length)]!;
    // Stack 1–3 mutations so damage can combine (e.g. a nudged length plus a truncation);
    // generated models are run unmutated half of the time, to reach the kernels.
    let bytes = seed.bytes;
    const steps: string[] = [];
    const rounds = generated && random() < 0.5 ? 0 : 1 + Math.floor(random() * 3);
    for (let r = 0; r < rounds; r++) {
      const m = mutate(bytes, random);
      bytes = m.bytes;
      steps.push(m.mutation);
    }
    const mutation = steps.join(', ') || 'unmutated';
    const backend = options.backends[i % options.backends.length]!;
    const t0 = performance.now();
    try {
      const model = await loadModel(bytes, { backend, maxBytes: options.maxBytes });
      const inputs = model.inputs.map((s) => {
        const n = s.shape.reduce((a, b) => a * b, 1);
        const a = new ARRAYS[s.dtype](n);
        for (let k = 0; k < n; k++) a[k] = s.dtype === 'float32' ? random() * 2 - 1 : Math.floor(random() * 256) - (s.dtype === 'uint8' ? 0 : 128);
        return a as TensorData;
      });
      model.run(inputs);
      report.maxMemoryBytes = Math.max(report.maxMemoryBytes, model.memoryBytes);
      if (model.weightBytes + model.arenaBytes > options.maxBytes) {
        throw new Error(`weights ${model.weightBytes} + arena ${model.arenaBytes} exceed maxBytes ${options.maxBytes}`);
      }
      model.dispose();
      report.loadedAndRan++;
    } catch (e) {
      if (e instanceof ModelError) report.modelErrors++;
      else {
        const failure = { caseIndex: i, seedName: seed.name, mutation, error: e instanceof Error ? `${e.name}: ${e.message}\n${e.stack ?? ''}` : String(e), bytes };
        report.failures.push(failure);
        options.onFailure?.(failure);
      }
    }
    const ms = performance.now() - t0;
    if (ms > report.slowest.ms) report.slowest = { caseIndex: i, seedName: seed.name, mutation, ms };
    report.cases++;
  }
  report.totalMs = performance.now() - start;
  return report;
}
