// Small helpers for tests that call kernels directly: seeded bytes and copying arrays into linear memory.
import type { KernelRuntime } from '../../src/kernels/api.js';

/** Seeded bytes in [−128, 127] (LCG, top byte). */
export function byteRng(seed: number): () => number {
  return () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) >>> 24) - 128;
}

/** Copies a typed array into fresh linear memory; returns its address. */
export function put(rt: KernelRuntime, a: Int8Array | Float32Array): number {
  const p = rt.alloc(a.byteLength);
  new Uint8Array(rt.memory.buffer, p, a.byteLength).set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  return p;
}
