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

/** Rows [n][k] → transposed [k][np] (column r of row kk is w[r][kk]; columns ≥ n zero): the sparse-input GEMV. */
export function transposeRows(w: Int8Array, n: number, k: number, np: number): Int8Array {
  const out = new Int8Array(k * np);
  for (let r = 0; r < n; r++) for (let kk = 0; kk < k; kk++) out[kk * np + r] = w[r * k + kk]!;
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
 * bias | mult | lmul | rexp | rnone, i32[np] each, then the float-requantization scales f64[np], then the
 * high-word form's hmul | hadd | hneg, i32[np] each; 40·np bytes, np % 8 == 0.
 */
export function channelParamBlock(np: number, bias: ArrayLike<number>, mults: ReadonlyArray<QuantizedMultiplier> | null,
  floatScales: ArrayLike<number> | null = null, highWord: HighWordRequant | null = null): ArrayBuffer {
  const buf = new ArrayBuffer(40 * np);
  if (floatScales) new Float64Array(buf, 20 * np, np).set(floatScales);
  if (highWord) {
    new Int32Array(buf, 28 * np, np).set(highWord.hmul);
    new Int32Array(buf, 32 * np, np).set(highWord.hadd);
    new Int32Array(buf, 36 * np, np).set(highWord.hneg);
  }
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

/** Per-channel operands and the layer's final shift of the high-word requantization (requantize_hw_i32x4). */
export interface HighWordRequant {
  hmul: Int32Array;
  hadd: Int32Array;
  hneg: Int32Array;
  /** E + 1, E = the largest right shift of the layer. */
  shift: number;
}

/**
 * The high-word requantization's operands for a layer (assembly/requantize.ts requantize_hw_i32x4), or null when
 * some channel lacks the headroom: that form is exact only while |x|·hmul < 2^31 for every accumulator x, bounded
 * here by |bias| + Σ_k |w| · max |input − input zero point|. weights: [n][k] (OHWI conv / FC rows).
 */
export function highWordRequant(mults: ReadonlyArray<QuantizedMultiplier>, bias: ArrayLike<number> | null,
  weights: Int8Array, n: number, inputZeroPoint: number, outputZeroPoint: number): HighWordRequant | null {
  if (n < 1 || mults.length !== n || weights.length % n !== 0) return null;
  const k = weights.length / n;
  const maxDev = Math.max(127 - inputZeroPoint, inputZeroPoint + 128);
  let E = 0;
  for (const { shift } of mults) E = Math.max(E, -shift);
  if (E > 21) return null; // keeps h = hi32(·) + hadd − hneg inside int32 (|hi32| ≤ 2^30, |hadd| < 2^(E+9))
  const hmul = new Int32Array(n), hadd = new Int32Array(n), hneg = new Int32Array(n);
  for (let c = 0; c < n; c++) {
    const { multiplier, shift } = mults[c]!;
    if (!(multiplier >= 0 && multiplier < 2 ** 31)) return null;
    const left = Math.max(shift, 0), e = Math.max(-shift, 0), d = E - e;
    let absSum = 0;
    for (let i = c * k; i < (c + 1) * k; i++) absSum += Math.abs(weights[i]!);
    const bound = Math.abs(bias?.[c] ?? 0) + absSum * maxDev;
    const mul = 2 ** (left + d + 2);
    if (left + d + 2 > 30 || bound * mul >= 2 ** 31) return null;
    hmul[c] = mul;
    hadd[c] = 2 ** d + (e >= 1 ? 2 ** E : 0) + outputZeroPoint * 2 ** (E + 1);
    hneg[c] = e >= 1 ? 2 ** (d + 1) : 0;
  }
  return { hmul, hadd, hneg, shift: E + 1 };
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
 * Winograd filter transform U = G·g·Gᵀ of r·s × r·s kernels at stride s (OHWI int8), with r = G's columns: for
 * s = 1 the r×r filter itself, for s ≥ 2 the r×r filters of the space-to-depth image (channel (p·s + q)·k + c
 * holds tap (s·a + p, s·b + q)). One c2 i16 GEMM block per position (row-major over G's rows), each [np·kp]
 * i16 with kp = s²·k; the caller's G keeps every U within i16 (assembly/qs8-winograd.ts).
 */
export function packWinogradFilter(w: Int8Array, n: number, k: number, stride: number, G: readonly (readonly number[])[], np: number): Int16Array {
  const r = G[0]!.length, t = G.length, taps = r * stride, kp = stride * stride * k;
  const perPos = Array.from({ length: t * t }, () => new Int16Array(n * kp));
  const g = new Int32Array(r * r);
  for (let o = 0; o < n; o++) {
    for (let p = 0; p < stride; p++) {
      for (let q = 0; q < stride; q++) {
        for (let c = 0; c < k; c++) {
          for (let a = 0; a < r; a++) for (let b = 0; b < r; b++) g[a * r + b] = w[((o * taps + stride * a + p) * taps + stride * b + q) * k + c]!;
          const kc = (p * stride + q) * k + c;
          for (let i = 0; i < t; i++) {
            for (let j = 0; j < t; j++) {
              let u = 0;
              for (let a = 0; a < r; a++) for (let b = 0; b < r; b++) u += G[i]![a]! * g[a * r + b]! * G[j]![b]!;
              perPos[i * t + j]![o * kp + kc] = u;
            }
          }
        }
      }
    }
  }
  const out = new Int16Array(t * t * np * kp);
  perPos.forEach((u, pos) => out.set(packGemmC2I16(u, n, kp, kp, np), pos * np * kp));
  return out;
}

/** G' = 2G of F(2×2, 3×3): U' = 4·(G·g·Gᵀ), integral. */
export const WINOGRAD_G_F2X2_3X3 = [[2, 0, 0], [1, 1, 1], [1, -1, 1], [0, 0, 2]] as const;
/** G of F(2×2, 2×2) (integral as is). */
export const WINOGRAD_G_F2X2_2X2 = [[1, 0], [1, 1], [0, 1]] as const;
/** G'' of the 6×6-tile transforms (points 0, ±1, ±2, ∞; rows scaled by Π(a − b)): F(4×4, 3×3) and F(5×5, 2×2). */
export const WINOGRAD_G_6_3X3 = [[1, 0, 0], [1, 1, 1], [1, -1, 1], [1, 2, 4], [1, -2, 4], [0, 0, 1]] as const;
export const WINOGRAD_G_6_2X2 = [[1, 0], [1, 1], [1, -1], [1, 2], [1, -2], [0, 1]] as const;
