// Reading the Python toolchain's fixture manifests (format documented in test/fixtures/README.md).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TensorData } from '../../../src/index.js';

export interface FixtureTensor {
  file: string;
  name: string;
  dtype: 'float32' | 'int8' | 'uint8' | 'int32';
  shape: number[];
  scale?: number;
  zeroPoint?: number;
}

export interface ManifestCase {
  name: string;
  model: string;
  variant: string;
  ops: string[];
  samples: number;
  exact: boolean;
  inputs: FixtureTensor[];
  outputs: FixtureTensor[];
  opDetails?: { op: string; inputs: ({ dtype: string; quant?: 'per-tensor' | 'per-channel' } | null)[] }[];
}

const CTORS = { float32: Float32Array, int8: Int8Array, uint8: Uint8Array, int32: Int32Array } as const;

/** One typed array per sample. */
export function readSamples(dir: string, t: FixtureTensor, samples: number): TensorData[] {
  const bytes = readFileSync(join(dir, t.file));
  const Ctor = CTORS[t.dtype];
  const n = t.shape.reduce((a, b) => a * b, 1);
  const all = new Ctor(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  if (all.length !== n * samples) throw new Error(`${t.file}: ${all.length} elements, expected ${n}×${samples}`);
  return Array.from({ length: samples }, (_, s) => all.slice(s * n, (s + 1) * n));
}

export function compareOutput(got: TensorData, ref: TensorData): { maxAbs: number; maxRef: number } {
  if (got.length !== ref.length) throw new Error(`length ${got.length} vs ${ref.length}`);
  let maxAbs = 0;
  let maxRef = 0;
  for (let i = 0; i < ref.length; i++) {
    const d = Math.abs(got[i]! - ref[i]!);
    maxAbs = Number.isNaN(d) ? Infinity : Math.max(maxAbs, d);
    maxRef = Math.max(maxRef, Math.abs(ref[i]!));
  }
  return { maxAbs, maxRef };
}

export function argmax(a: TensorData): number {
  let best = 0;
  for (let i = 1; i < a.length; i++) if (a[i]! > a[best]!) best = i;
  return best;
}
