// Weight packing into the layouts the microkernels read (see the layout comments in assembly/*.ts).
import type { QuantizedMultiplier } from './quantize-multiplier.js';

export const roundUp = (n: number, m: number): number => Math.ceil(n / m) * m;

/** GEMM weights [n][k] (row-major, int8 or i16) → c2 i16 blocks of 8 columns: [n/8][kp/2][8][2]. */
export function packGemmC2I16(w: ArrayLike<number>, n: number, k: number, kp: number, np: number): Int16Array {
  const out = new Int16Array(np * kp);
  for (let c = 0; c < n; c++) {
    const block = c >> 3, lane = c & 7;
    for (let kk = 0; kk < k; kk++) {
      out[block * kp * 8 + (kk >> 1) * 16 + lane * 2 + (kk & 1)] = w[c * k + kk]!;
    }
  }
  return out;
}

/** GEMM weights [n][k] int8 → c4 i8 blocks of 8 columns: [n/8][kp/4][8][4] (relaxed dot). */
export function packGemmC4I8(w: Int8Array, n: number, k: number, kp: number, np: number): Int8Array {
  const out = new Int8Array(np * kp);
  for (let c = 0; c < n; c++) {
    const block = c >> 3, lane = c & 7;
    for (let kk = 0; kk < k; kk++) {
      out[block * kp * 8 + (kk >> 2) * 32 + lane * 4 + (kk & 3)] = w[c * k + kk]!;
    }
  }
  return out;
}

/**
 * int8 GEMV weights [n][k] → groups of 4 rows, 16 k at a time: [np/4][kp/16][4][16], zero padded.
 * The kernel then reads ONE sequential stream instead of four rows kp apart: at batch 1 FC1 is
 * bandwidth-bound, and a single stream is what hardware prefetchers follow best (measured with cold caches).
 */
export function packGemvR4K16(w: Int8Array, n: number, k: number, kp: number, np: number): Int8Array {
  const out = new Int8Array(np * kp);
  for (let r = 0; r < n; r++) {
    const base = (r >> 2) * kp * 4 + (r & 3) * 16;
    for (let kk = 0; kk < k; kk++) out[base + (kk >> 4) * 64 + (kk & 15)] = w[r * k + kk]!;
  }
  return out;
}

/** Rows [n][k] → [np][kp] with zero padding (GEMV layouts, int8 or f32). */
export function padRows<T extends Int8Array | Float32Array>(w: T, n: number, k: number, kp: number, np: number): T {
  const out = new (w.constructor as { new(len: number): T })(np * kp);
  for (let r = 0; r < n; r++) out.set(w.subarray(r * k, r * k + k), r * kp);
  return out;
}

/** Float GEMM weights [n][k] → blocks of 8 columns: [n/8][k][8]. */
export function packGemmF32(w: Float32Array, n: number, k: number, np: number): Float32Array {
  const out = new Float32Array(np * k);
  for (let c = 0; c < n; c++) {
    const block = c >> 3, lane = c & 7;
    for (let kk = 0; kk < k; kk++) out[block * k * 8 + kk * 8 + lane] = w[c * k + kk]!;
  }
  return out;
}

/** Per-channel Σ_k w[c][k]. */
export function rowSums(w: Int8Array, n: number, k: number): Int32Array {
  const out = new Int32Array(n);
  for (let c = 0; c < n; c++) {
    let s = 0;
    for (let kk = 0; kk < k; kk++) s += w[c * k + kk]!;
    out[c] = s;
  }
  return out;
}

/**
 * Channel-parameter block read by every int8 kernel's epilogue (assembly/requantize.ts):
 * bias | mult | lmul | rexp | rnone, i32[np] each, then the float-requantization scales f64[np]; 28·np bytes,
 * np % 8 == 0.
 */
export function channelParamBlock(np: number, bias: ArrayLike<number>, mults: ReadonlyArray<QuantizedMultiplier> | null,
  floatScales: ArrayLike<number> | null = null): ArrayBuffer {
  const buf = new ArrayBuffer(28 * np);
  if (floatScales) new Float64Array(buf, 20 * np, np).set(floatScales);
  const b = new Int32Array(buf, 0, np);
  const m = new Int32Array(buf, 4 * np, np);
  const l = new Int32Array(buf, 8 * np, np);
  const r = new Int32Array(buf, 12 * np, np);
  const none = new Int32Array(buf, 16 * np, np);
  for (let c = 0; c < bias.length; c++) b[c] = bias[c]!;
  if (mults) {
    for (let c = 0; c < mults.length; c++) {
      const { multiplier, shift } = mults[c]!;
      const right = Math.max(-shift, 0);
      m[c] = multiplier;
      l[c] = 2 ** Math.max(shift, 0) | 0;
      r[c] = right === 0 ? 0 : 2 ** (31 - right);
      none[c] = right === 0 ? -1 : 0;
    }
  }
  return buf;
}

/** Flags for the SIMD requantization (assembly/requantize.ts): 1 = some left shift, 2 = some channel without right shift. */
export function requantFlags(mults: ReadonlyArray<QuantizedMultiplier>): number {
  let flags = 0;
  for (const { shift } of mults) {
    if (shift > 0) flags |= 1;
    if (shift >= 0) flags |= 2;
  }
  return flags;
}

/**
 * 3×3 filters (OHWI int8, [n][3][3][k]) → Winograd F(2×2, 3×3) filter transform U' = G'·g·G'ᵀ with G' = 2G
 * (integers, |U'| ≤ 9·128), as 16 c2 i16 GEMM blocks (one per transform position, each [np·kp] i16) for
 * assembly/qs8-winograd.ts.
 */
export function packWinograd2x2F3(w: Int8Array, n: number, k: number, kp: number, np: number): Int16Array {
  const G = [[2, 0, 0], [1, 1, 1], [1, -1, 1], [0, 0, 2]];
  const perPos = Array.from({ length: 16 }, () => new Int16Array(n * k));
  const g = new Int32Array(9);
  for (let o = 0; o < n; o++) {
    for (let c = 0; c < k; c++) {
      for (let t = 0; t < 9; t++) g[t] = w[(o * 9 + t) * k + c]!;
      for (let r = 0; r < 4; r++) {
        for (let j = 0; j < 4; j++) {
          let u = 0;
          for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) u += G[r]![a]! * g[a * 3 + b]! * G[j]![b]!;
          perPos[r * 4 + j]![o * k + c] = u;
        }
      }
    }
  }
  const out = new Int16Array(16 * np * kp);
  perPos.forEach((u, pos) => out.set(packGemmC2I16(u, n, k, kp, np), pos * np * kp));
  return out;
}

/**
 * Kernels of 2s×2s taps at stride s (OHWI int8) → the 2×2 filters of the space-to-depth image (channel
 * (p·s + q)·k + c holds tap (s·a + p, s·b + q)) under the Winograd F(2×2, 2×2) transform U = G·g·Gᵀ,
 * G = [1 0; 1 1; 0 1], as 9 c2 i16 GEMM blocks (one per position, each [np·kp] i16, kp = s²·k).
 */
export function packWinograd2x2F2SpaceToDepth(w: Int8Array, n: number, k: number, stride: number, np: number): Int16Array {
  const G = [[1, 0], [1, 1], [0, 1]];
  const taps = 2 * stride, kp = stride * stride * k;
  const perPos = Array.from({ length: 9 }, () => new Int16Array(n * kp));
  for (let o = 0; o < n; o++) {
    for (let p = 0; p < stride; p++) {
      for (let q = 0; q < stride; q++) {
        for (let c = 0; c < k; c++) {
          const g = (a: number, b: number) => w[((o * taps + stride * a + p) * taps + stride * b + q) * k + c]!;
          const kc = (p * stride + q) * k + c;
          for (let r = 0; r < 3; r++) {
            for (let j = 0; j < 3; j++) {
              let u = 0;
              for (let a = 0; a < 2; a++) for (let b = 0; b < 2; b++) u += G[r]![a]! * g(a, b) * G[j]![b]!;
              perPos[r * 3 + j]![o * kp + kc] = u;
            }
          }
        }
      }
    }
  }
  const out = new Int16Array(9 * np * kp);
  perPos.forEach((u, pos) => out.set(packGemmC2I16(u, n, kp, kp, np), pos * np * kp));
  return out;
}
