// Loaders for the Gymnasium recordings in test/fixtures/carracing (see python/record_carracing_parity.py).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const FIXTURE_DIR = join(import.meta.dirname, '..', 'fixtures', 'carracing');

export function readJson<T = any>(name: string): T {
  return JSON.parse(readFileSync(join(FIXTURE_DIR, name), 'utf8')) as T;
}

export function readF64(name: string): Float64Array {
  const buf = readFileSync(join(FIXTURE_DIR, name));
  return new Float64Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
}

export function readU8(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(FIXTURE_DIR, name)));
}

export interface TracksIndex {
  seeds: number[];
  offsets: number[];
  counts: number[];
  curbs: [number, number][][];
  sequences: { seed: number; entries: number[] }[];
  domain: { seed: number; colors: { road: number[]; bg: number[]; grass: number[] }[]; tracks: number[]; randomize: boolean[] }[];
}

export function loadTracks(): { index: TracksIndex; data: Float64Array; track(entry: number): number[][] } {
  const index = readJson<TracksIndex>('tracks.json');
  const data = readF64('tracks.f64');
  return {
    index,
    data,
    track(entry: number) {
      const out: number[][] = [];
      const off = index.offsets[entry]!;
      for (let i = 0; i < index.counts[entry]!; i++) out.push(Array.from(data.subarray(off + 4 * i, off + 4 * i + 4)));
      return out;
    },
  };
}

export interface RolloutMeta {
  name: string;
  seed: number;
  kind: string;
  steps: number;
  rows: number;
  tiles: number;
  continuous: boolean;
  domain: boolean;
}

export function loadRollouts(): { columns: string[]; rollouts: (RolloutMeta & { data: Float64Array; col(row: number, name: string): number })[] } {
  const meta = readJson<{ columns: string[]; rollouts: RolloutMeta[] }>('rollouts.json');
  const width = meta.columns.length;
  const colIndex = new Map(meta.columns.map((c, i) => [c, i]));
  return {
    columns: meta.columns,
    rollouts: meta.rollouts.map((r) => {
      const data = readF64(`rollout_${r.name}.f64`);
      return { ...r, data, col: (row: number, name: string) => data[row * width + colIndex.get(name)!]! };
    }),
  };
}
