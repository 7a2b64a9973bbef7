// int8 GEMM microkernels with fused requantization: C[m][n] = requant(Σ_k A[m][k]·B[k][n] + bias[n]).
// The driver loops over the whole problem so JS makes one call per layer.
//
// Operand layouts (packed by src/kernels/pack.ts):
//   dot16 / scalar (c2): A i16 rows, stride kp*2 bytes, kp % 4 == 0. B per block of 8 columns:
//     kp/2 k-pairs × [c0k0 c0k1 c1k0 c1k1 … c7k0 c7k1] i16 = kp*16 bytes per block.
//   relaxed (c4): A u8/i8 rows, stride kp bytes, kp % 8 == 0. B per block of 8 columns:
//     kp/4 k-quads × [c0 k0..3, c1 k0..3, …, c7 k0..3] i8 = kp*8 bytes per block.
//   chan: channel-parameter block (requantize.ts), np = n rounded up to 8.
// Rows past m alias the last row (reads and identical writes), so any m ≥ 1 works.
// mode 0: int8 output, row stride cStride bytes. mode 1: int32 (acc + bias) output, row stride cStride bytes.
import { requantize_i32x4, requantize_hw_i32x4, requantize_round_q31, requantize_float_i32x4, requantize_scalar, requantize_float_scalar, clamp_i32, store_bytes_partial, REQUANT_FLOAT, REQUANT_LEFT_SHIFT, REQUANT_NO_RIGHT_SHIFT, REQUANT_HIGH_WORD, REQUANT_HW_SHIFT_BIT } from './requantize';
import { store_i32x4_partial } from './store';

/** Requantization parameters of one 8-column block, loaded once per tile. */
@inline
function store_tile_4x8(r0: usize, r1: usize, r2: usize, r3: usize,
  c00: v128, c01: v128, c10: v128, c11: v128, c20: v128, c21: v128, c30: v128, c31: v128,
  chan: usize, np: usize, col: usize, zp: v128, lo: v128, hi: v128, half: v128, nrem: i32, mode: i32, flags: i32): void {
  const bp = chan + (col << 2);
  const b0 = v128.load(bp), b1 = v128.load(bp, 16);
  c00 = i32x4.add(c00, b0); c01 = i32x4.add(c01, b1); c10 = i32x4.add(c10, b0); c11 = i32x4.add(c11, b1);
  c20 = i32x4.add(c20, b0); c21 = i32x4.add(c21, b1); c30 = i32x4.add(c30, b0); c31 = i32x4.add(c31, b1);
  if (mode == 0 && (flags & REQUANT_FLOAT)) {
    const fp = chan + np * 20 + (col << 3);
    const f0 = v128.load(fp), f1 = v128.load(fp, 16), f2 = v128.load(fp, 32), f3 = v128.load(fp, 48);
    store_q8(r3, requantize_float_i32x4(c30, f0, f1, zp, lo, hi), requantize_float_i32x4(c31, f2, f3, zp, lo, hi), nrem);
    store_q8(r2, requantize_float_i32x4(c20, f0, f1, zp, lo, hi), requantize_float_i32x4(c21, f2, f3, zp, lo, hi), nrem);
    store_q8(r1, requantize_float_i32x4(c10, f0, f1, zp, lo, hi), requantize_float_i32x4(c11, f2, f3, zp, lo, hi), nrem);
    store_q8(r0, requantize_float_i32x4(c00, f0, f1, zp, lo, hi), requantize_float_i32x4(c01, f2, f3, zp, lo, hi), nrem);
  } else if (mode == 0 && (flags & REQUANT_HIGH_WORD)) {
    const mp = bp + (np << 2), hp = bp + np * 28;
    const m0 = v128.load(mp), m1 = v128.load(mp, 16), u0 = v128.load(hp), u1 = v128.load(hp, 16);
    const a0 = v128.load(hp + (np << 2)), a1 = v128.load(hp + (np << 2), 16), g0 = v128.load(hp + (np << 3)), g1 = v128.load(hp + (np << 3), 16);
    const sh = flags >>> REQUANT_HW_SHIFT_BIT;
    // Highest row first: aliased rows (m not a multiple of 4) then end with the real row's values.
    store_q8(r3, requantize_hw_i32x4(c30, u0, m0, a0, g0, sh, lo, hi), requantize_hw_i32x4(c31, u1, m1, a1, g1, sh, lo, hi), nrem);
    store_q8(r2, requantize_hw_i32x4(c20, u0, m0, a0, g0, sh, lo, hi), requantize_hw_i32x4(c21, u1, m1, a1, g1, sh, lo, hi), nrem);
    store_q8(r1, requantize_hw_i32x4(c10, u0, m0, a0, g0, sh, lo, hi), requantize_hw_i32x4(c11, u1, m1, a1, g1, sh, lo, hi), nrem);
    store_q8(r0, requantize_hw_i32x4(c00, u0, m0, a0, g0, sh, lo, hi), requantize_hw_i32x4(c01, u1, m1, a1, g1, sh, lo, hi), nrem);
  } else if (mode == 0) {
    store_rows_q8(r0, r1, r2, r3, c00, c01, c10, c11, c20, c21, c30, c31, bp, np, zp, lo, hi, half, nrem, flags);
  } else {
    store_i32_8(r3, c30, c31, nrem); store_i32_8(r2, c20, c21, nrem);
    store_i32_8(r1, c10, c11, nrem); store_i32_8(r0, c00, c01, nrem);
  }
}

/** store_tile_4x8 for a single row (the GEMM's row remainder). */
@inline
function store_tile_1x8(r0: usize, c00: v128, c01: v128, chan: usize, np: usize, col: usize,
  zp: v128, lo: v128, hi: v128, half: v128, nrem: i32, mode: i32, flags: i32): void {
  const bp = chan + (col << 2);
  c00 = i32x4.add(c00, v128.load(bp)); c01 = i32x4.add(c01, v128.load(bp, 16));
  if (mode == 0 && (flags & REQUANT_FLOAT)) {
    const fp = chan + np * 20 + (col << 3);
    store_q8(r0, requantize_float_i32x4(c00, v128.load(fp), v128.load(fp, 16), zp, lo, hi),
      requantize_float_i32x4(c01, v128.load(fp, 32), v128.load(fp, 48), zp, lo, hi), nrem);
  } else if (mode == 0 && (flags & REQUANT_HIGH_WORD)) {
    const mp = bp + (np << 2), hp = bp + np * 28, ap = hp + (np << 2), gp = hp + (np << 3);
    const sh = flags >>> REQUANT_HW_SHIFT_BIT;
    store_q8(r0, requantize_hw_i32x4(c00, v128.load(hp), v128.load(mp), v128.load(ap), v128.load(gp), sh, lo, hi),
      requantize_hw_i32x4(c01, v128.load(hp, 16), v128.load(mp, 16), v128.load(ap, 16), v128.load(gp, 16), sh, lo, hi), nrem);
  } else if (mode == 0) {
    const mp = bp + (np << 2), lp = bp + (np << 3), ep = bp + np * 12, np0 = bp + (np << 4);
    store_q8(r0, requantize_i32x4(c00, v128.load(mp), v128.load(lp), v128.load(ep), v128.load(np0), zp, lo, hi, flags, half),
      requantize_i32x4(c01, v128.load(mp, 16), v128.load(lp, 16), v128.load(ep, 16), v128.load(np0, 16), zp, lo, hi, flags, half), nrem);
  } else {
    store_i32_8(r0, c00, c01, nrem);
  }
}

@inline
function store_rows_q8(r0: usize, r1: usize, r2: usize, r3: usize,
  c00: v128, c01: v128, c10: v128, c11: v128, c20: v128, c21: v128, c30: v128, c31: v128,
  bp: usize, np: usize, zp: v128, lo: v128, hi: v128, half: v128, nrem: i32, flags: i32): void {
  const mp = bp + (np << 2), lp = bp + (np << 3), ep = bp + np * 12, np0 = bp + (np << 4);
  const m0 = v128.load(mp), m1 = v128.load(mp, 16), e0 = v128.load(ep), e1 = v128.load(ep, 16);
  const l0 = flags & REQUANT_LEFT_SHIFT ? v128.load(lp) : m0, l1 = flags & REQUANT_LEFT_SHIFT ? v128.load(lp, 16) : m1;
  const n0 = flags & REQUANT_NO_RIGHT_SHIFT ? v128.load(np0) : m0, n1 = flags & REQUANT_NO_RIGHT_SHIFT ? v128.load(np0, 16) : m1;
  // Highest row first: aliased rows (m not a multiple of 4) then end with the real row's values.
  store_q8(r3, requantize_i32x4(c30, m0, l0, e0, n0, zp, lo, hi, flags, half), requantize_i32x4(c31, m1, l1, e1, n1, zp, lo, hi, flags, half), nrem);
  store_q8(r2, requantize_i32x4(c20, m0, l0, e0, n0, zp, lo, hi, flags, half), requantize_i32x4(c21, m1, l1, e1, n1, zp, lo, hi, flags, half), nrem);
  store_q8(r1, requantize_i32x4(c10, m0, l0, e0, n0, zp, lo, hi, flags, half), requantize_i32x4(c11, m1, l1, e1, n1, zp, lo, hi, flags, half), nrem);
  store_q8(r0, requantize_i32x4(c00, m0, l0, e0, n0, zp, lo, hi, flags, half), requantize_i32x4(c01, m1, l1, e1, n1, zp, lo, hi, flags, half), nrem);
}

@inline
function store_q8(cRow: usize, q0: v128, q1: v128, nrem: i32): void {
  const q16 = i16x8.narrow_i32x4_s(q0, q1);
  const bits = i64x2.extract_lane(i8x16.narrow_i16x8_s(q16, q16), 0);
  if (nrem >= 8) store<i64>(cRow, bits);
  else store_bytes_partial(cRow, bits, nrem);
}

@inline
function store_i32_8(cRow: usize, s0: v128, s1: v128, nrem: i32): void {
  store_i32x4_partial(cRow, s0, nrem);
  if (nrem > 4) store_i32x4_partial(cRow + 16, s1, nrem - 4);
}

/**
 * K loop unrolled to four k-pairs per iteration in the SIMD build, two in the relaxed build. Measured on the
 * DQN conv2 shape: V8 11 (Node 20, no relaxed SIMD by default) is 9 % faster with four, V8 13 (Node 24,
 * Chromium; relaxed SIMD on by default) 8 % faster with two. Both orders of summation are identical in int32.
 */
const GEMM_K_UNROLL4: bool = !ASC_FEATURE_RELAXED_SIMD;

/** 4 rows × 8 columns, A pairs broadcast with load32_splat, i32x4.dot_i16x8_s, A row pointers bumped. */
function qs8_gemm_4x8c2__wasmsimd_dot16(a: usize, kp: i32, m: i32, b: usize, n: i32, chan: usize, np: i32,
  c: usize, cStride: i32, outZp: i32, outMin: i32, outMax: i32, mode: i32, flags: i32): void {
  const aStride = <usize>kp << 1;
  const kBytes = aStride;
  const blockBytes = <usize>kp << 4;
  const cs = <usize>cStride;
  const elem: usize = mode == 0 ? 1 : 4;
  const zp = i32x4.splat(outZp), lo = i32x4.splat(outMin), hi = i32x4.splat(outMax), half = requantize_round_q31();
  // One or two leftover rows run one row at a time (≈ a third of a 4-row tile each); three share an aliased tile.
  const mTiles = (m & 3) == 3 ? m : m & ~3;
  for (let nb = 0; nb < n; nb += 8) {
    const w0 = b + <usize>(nb >> 3) * blockBytes;
    const nrem = n - nb;
    for (let mr = mTiles; mr < m; mr++) {
      const p0 = a + <usize>mr * aStride;
      let c00 = i32x4.splat(0), c01 = i32x4.splat(0);
      let w = w0;
      for (let p: usize = p0; p < p0 + kBytes; p += 4) {
        const x0 = v128.load32_splat(p);
        c00 = i32x4.add(c00, i32x4.dot_i16x8_s(x0, v128.load(w))); c01 = i32x4.add(c01, i32x4.dot_i16x8_s(x0, v128.load(w, 16)));
        w += 32;
      }
      store_tile_1x8(c + <usize>mr * cs + <usize>nb * elem, c00, c01, chan, <usize>np, <usize>nb, zp, lo, hi, half, nrem, mode, flags);
    }
    for (let mb = 0; mb < mTiles; mb += 4) {
      const a0 = a + <usize>mb * aStride;
      let p1 = mb + 1 < m ? a0 + aStride : a0;
      let p2 = mb + 2 < m ? p1 + aStride : p1;
      let p3 = mb + 3 < m ? p2 + aStride : p2;
      let c00 = i32x4.splat(0), c01 = i32x4.splat(0), c10 = i32x4.splat(0), c11 = i32x4.splat(0);
      let c20 = i32x4.splat(0), c21 = i32x4.splat(0), c30 = i32x4.splat(0), c31 = i32x4.splat(0);
      let w = w0;
      // kp % 4 == 0: whole iterations of two k-pairs (8 bytes of each A row).
      const p0End = a0 + kBytes;
      let p0 = a0;
      if (GEMM_K_UNROLL4) for (; p0 + 16 <= p0End; p0 += 16) {
        let b0 = v128.load(w), b1 = v128.load(w, 16);
        let x0 = v128.load32_splat(p0), x1 = v128.load32_splat(p1);
        c00 = i32x4.add(c00, i32x4.dot_i16x8_s(x0, b0)); c01 = i32x4.add(c01, i32x4.dot_i16x8_s(x0, b1));
        c10 = i32x4.add(c10, i32x4.dot_i16x8_s(x1, b0)); c11 = i32x4.add(c11, i32x4.dot_i16x8_s(x1, b1));
        x0 = v128.load32_splat(p2); x1 = v128.load32_splat(p3);
        c20 = i32x4.add(c20, i32x4.dot_i16x8_s(x0, b0)); c21 = i32x4.add(c21, i32x4.dot_i16x8_s(x0, b1));
        c30 = i32x4.add(c30, i32x4.dot_i16x8_s(x1, b0)); c31 = i32x4.add(c31, i32x4.dot_i16x8_s(x1, b1));
        b0 = v128.load(w, 32); b1 = v128.load(w, 48);
        x0 = v128.load32_splat(p0, 4); x1 = v128.load32_splat(p1, 4);
        c00 = i32x4.add(c00, i32x4.dot_i16x8_s(x0, b0)); c01 = i32x4.add(c01, i32x4.dot_i16x8_s(x0, b1));
        c10 = i32x4.add(c10, i32x4.dot_i16x8_s(x1, b0)); c11 = i32x4.add(c11, i32x4.dot_i16x8_s(x1, b1));
        x0 = v128.load32_splat(p2, 4); x1 = v128.load32_splat(p3, 4);
        c20 = i32x4.add(c20, i32x4.dot_i16x8_s(x0, b0)); c21 = i32x4.add(c21, i32x4.dot_i16x8_s(x0, b1));
        c30 = i32x4.add(c30, i32x4.dot_i16x8_s(x1, b0)); c31 = i32x4.add(c31, i32x4.dot_i16x8_s(x1, b1));

        b0 = v128.load(w, 64), b1 = v128.load(w, 80);
        x0 = v128.load32_splat(p0, 8), x1 = v128.load32_splat(p1, 8);
        c00 = i32x4.add(c00, i32x4.dot_i16x8_s(x0, b0)); c01 = i32x4.add(c01, i32x4.dot_i16x8_s(x0, b1));
        c10 = i32x4.add(c10, i32x4.dot_i16x8_s(x1, b0)); c11 = i32x4.add(c11, i32x4.dot_i16x8_s(x1, b1));
        x0 = v128.load32_splat(p2, 8); x1 = v128.load32_splat(p3, 8);
        c20 = i32x4.add(c20, i32x4.dot_i16x8_s(x0, b0)); c21 = i32x4.add(c21, i32x4.dot_i16x8_s(x0, b1));
        c30 = i32x4.add(c30, i32x4.dot_i16x8_s(x1, b0)); c31 = i32x4.add(c31, i32x4.dot_i16x8_s(x1, b1));
        b0 = v128.load(w, 96); b1 = v128.load(w, 112);
        x0 = v128.load32_splat(p0, 12); x1 = v128.load32_splat(p1, 12);
        c00 = i32x4.add(c00, i32x4.dot_i16x8_s(x0, b0)); c01 = i32x4.add(c01, i32x4.dot_i16x8_s(x0, b1));
        c10 = i32x4.add(c10, i32x4.dot_i16x8_s(x1, b0)); c11 = i32x4.add(c11, i32x4.dot_i16x8_s(x1, b1));
        x0 = v128.load32_splat(p2, 12); x1 = v128.load32_splat(p3, 12);
        c20 = i32x4.add(c20, i32x4.dot_i16x8_s(x0, b0)); c21 = i32x4.add(c21, i32x4.dot_i16x8_s(x0, b1));
        c30 = i32x4.add(c30, i32x4.dot_i16x8_s(x1, b0)); c31 = i32x4.add(c31, i32x4.dot_i16x8_s(x1, b1));

        w += 128; p1 += 16; p2 += 16; p3 += 16;
      }
      for (; p0 < p0End; p0 += 8) {
        let b0 = v128.load(w), b1 = v128.load(w, 16);
        let x0 = v128.load32_splat(p0), x1 = v128.load32_splat(p1);
        c00 = i32x4.add(c00, i32x4.dot_i16x8_s(x0, b0)); c01 = i32x4.add(c01, i32x4.dot_i16x8_s(x0, b1));
        c10 = i32x4.add(c10, i32x4.dot_i16x8_s(x1, b0)); c11 = i32x4.add(c11, i32x4.dot_i16x8_s(x1, b1));
        x0 = v128.load32_splat(p2); x1 = v128.load32_splat(p3);
        c20 = i32x4.add(c20, i32x4.dot_i16x8_s(x0, b0)); c21 = i32x4.add(c21, i32x4.dot_i16x8_s(x0, b1));
        c30 = i32x4.add(c30, i32x4.dot_i16x8_s(x1, b0)); c31 = i32x4.add(c31, i32x4.dot_i16x8_s(x1, b1));
        b0 = v128.load(w, 32); b1 = v128.load(w, 48);
        x0 = v128.load32_splat(p0, 4); x1 = v128.load32_splat(p1, 4);
        c00 = i32x4.add(c00, i32x4.dot_i16x8_s(x0, b0)); c01 = i32x4.add(c01, i32x4.dot_i16x8_s(x0, b1));
        c10 = i32x4.add(c10, i32x4.dot_i16x8_s(x1, b0)); c11 = i32x4.add(c11, i32x4.dot_i16x8_s(x1, b1));
        x0 = v128.load32_splat(p2, 4); x1 = v128.load32_splat(p3, 4);
        c20 = i32x4.add(c20, i32x4.dot_i16x8_s(x0, b0)); c21 = i32x4.add(c21, i32x4.dot_i16x8_s(x0, b1));
        c30 = i32x4.add(c30, i32x4.dot_i16x8_s(x1, b0)); c31 = i32x4.add(c31, i32x4.dot_i16x8_s(x1, b1));
        w += 64; p1 += 8; p2 += 8; p3 += 8;
      }
      const r0 = c + <usize>mb * cs + <usize>nb * elem;
      const r1 = mb + 1 < m ? r0 + cs : r0;
      const r2 = mb + 2 < m ? r1 + cs : r1;
      const r3 = mb + 3 < m ? r2 + cs : r2;
      store_tile_4x8(r0, r1, r2, r3, c00, c01, c10, c11, c20, c21, c30, c31,
        chan, <usize>np, <usize>nb, zp, lo, hi, half, nrem, mode, flags);
    }
  }
}

/**
 * 4 rows × 8 columns with i32x4.relaxed_dot_i8x16_i7x16_add_s(weights, activations, acc), K unrolled ×4.
 * Exact only where the start-up probe (src/wasm/probe.ts) proved the engine's lowering exact for the
 * activation encoding used (u8 via XOR 0x80 on VNNI, or signed on SDOT-like engines).
 */
function qs8_gemm_4x8c4__wasmrelaxed_dot(a: usize, kp: i32, m: i32, b: usize, n: i32, chan: usize, np: i32,
  c: usize, cStride: i32, outZp: i32, outMin: i32, outMax: i32, mode: i32, flags: i32): void {
  const aStride = <usize>kp;
  const kBytes = aStride;
  const blockBytes = <usize>kp << 3;
  const cs = <usize>cStride;
  const elem: usize = mode == 0 ? 1 : 4;
  const zp = i32x4.splat(outZp), lo = i32x4.splat(outMin), hi = i32x4.splat(outMax), half = requantize_round_q31();
  for (let nb = 0; nb < n; nb += 8) {
    const w0 = b + <usize>(nb >> 3) * blockBytes;
    const nrem = n - nb;
    for (let mb = 0; mb < m; mb += 4) {
      const a0 = a + <usize>mb * aStride;
      const a1 = mb + 1 < m ? a0 + aStride : a0;
      const a2 = mb + 2 < m ? a1 + aStride : a1;
      const a3 = mb + 3 < m ? a2 + aStride : a2;
      let c00 = i32x4.splat(0), c01 = i32x4.splat(0), c10 = i32x4.splat(0), c11 = i32x4.splat(0);
      let c20 = i32x4.splat(0), c21 = i32x4.splat(0), c30 = i32x4.splat(0), c31 = i32x4.splat(0);
      let w = w0;
      let k: usize = 0;
      // K unrolled ×4 k-quads while possible, then ×2 (kp % 8 == 0 always).
      for (; k + 16 <= kBytes; k += 16) {
        let b0: v128, b1: v128, x0: v128, x1: v128;
        b0 = v128.load(w, 0); b1 = v128.load(w, 16);
        x0 = v128.load32_splat(a0 + k, 0); x1 = v128.load32_splat(a1 + k, 0);
        c00 = i32x4.relaxed_dot_i8x16_i7x16_add_s(b0, x0, c00); c01 = i32x4.relaxed_dot_i8x16_i7x16_add_s(b1, x0, c01);
        c10 = i32x4.relaxed_dot_i8x16_i7x16_add_s(b0, x1, c10); c11 = i32x4.relaxed_dot_i8x16_i7x16_add_s(b1, x1, c11);
        x0 = v128.load32_splat(a2 + k, 0); x1 = v128.load32_splat(a3 + k, 0);
        c20 = i32x4.relaxed_dot_i8x16_i7x16_add_s(b0, x0, c20); c21 = i32x4.relaxed_dot_i8x16_i7x16_add_s(b1, x0, c21);
        c30 = i32x4.relaxed_dot_i8x16_i7x16_add_s(b0, x1, c30); c31 = i32x4.relaxed_dot_i8x16_i7x16_add_s(b1, x1, c31);
        b0 = v128.load(w, 32); b1 = v128.load(w, 48);
        x0 = v128.load32_splat(a0 + k, 4); x1 = v128.load32_splat(a1 + k, 4);
        c00 = i32x4.relaxed_dot_i8x16_i7x16_add_s(b0, x0, c00); c01 = i32x4.relaxed_dot_i8x16_i7x16_add_s(b1, x0, c01);
        c10 = i32x4.relaxed_dot_i8x16_i7x16_add_s(b0, x1, c10); c11 = i32x4.relaxed_dot_i8x16_i7x16_add_s(b1, x1, c11);
        x0 = v128.load32_splat(a2 + k, 4); x1 = v128.load32_splat(a3 + k, 4);
        c20 = i32x4.relaxed_dot_i8x16_i7x16_add_s(b0, x0, c20); c21 = i32x4.relaxed_dot_i8x16_i7x16_add_s(b1, x0, c21);
        c30 = i32x4.relaxed_dot_i8x16_i7x16_add_s(b0, x1, c30); c31 = i32x4.relaxed_dot_i8x16_i7x16_add_s(b1, x1, c31);
        b0 = v128.load(w, 64); b1 = v128.load(w, 80);
        x0 = v128.load32_splat(a0 + k, 8); x1 = v128.load32_splat(a1 + k, 8);
        c00 = i32x4.relaxed_dot_i8x16_i7x16_add_s(b0, x0, c00); c01 = i32x4.relaxed_dot_i8x16_i7x16_add_s(b1, x0, c01);
        c10 = i32x4.relaxed_dot_i8x16_i7x16_add_s(b0, x1, c10); c11 = i32x4.relaxed_dot_i8x16_i7x16_add_s(b1, x1, c11);
        x0 = v128.load32_splat(a2 + k, 8); x1 = v128.load32_splat(a3 + k, 8);
        c20 = i32x4.relaxed_dot_i8x16_i7x16_add_s(b0, x0, c20); c21 = i32x4.relaxed_dot_i8x16_i7x16_add_s(b1, x0, c21);
        c30 = i32x4.relaxed_dot_i8x16_i7x16_add_s(b0, x1, c30); c31 = i32x4.relaxed_dot_i8x16_i7x16_add_s(b1, x1, c31);
        b0 = v128.load(w, 96); b1 = v128.load(w, 112);
        x0 = v128.load32_splat(a0 + k, 12); x1 = v128.load32_splat(a1 + k, 12);
        c00 = i32x4.relaxed_dot_i8x16_i7x16_add_s(b0, x0, c00); c01 = i32x4.relaxed_dot_i8x16_i7x16_add_s(b1, x0, c01);
        c10 = i32x4.relaxed_dot_i8x16_i7x16_add_s(b0, x1, c10); c11 = i32x4.relaxed_dot_i8x16_i7x16_add_s(b1, x1, c11);
        x0 = v128.load32_splat(a2 + k, 12); x1 = v128.load32_splat(a3 + k, 12);
        c20 = i32x4.relaxed_dot_i8x16_i7x16_add_s(b0, x0, c20); c21 = i32x4.relaxed_dot_i8x16_i7x16_add_s(b1, x0, c21);
        c30 = i32x4.relaxed_dot_i8x16_i7x16_add_s(b0, x1, c30); c31 = i32x4.relaxed_dot_i8x16_i7x16_add_s(b1, x1, c31);
        w += 128;
      }
      for (; k < kBytes; k += 8) {
        let b0 = v128.load(w), b1 = v128.load(w, 16);
        let x0 = v128.load32_splat(a0 + k), x1 = v128.load32_splat(a1 + k);
        c00 = i32x4.relaxed_dot_i8x16_i7x16_add_s(b0, x0, c00); c01 = i32x4.relaxed_dot_i8x16_i7x16_add_s(b1, x0, c01);
        c10 = i32x4.relaxed_dot_i8x16_i7x16_add_s(b0, x1, c10); c11 = i32x4.relaxed_dot_i8x16_i7x16_add_s(b1, x1, c11);
        x0 = v128.load32_splat(a2 + k); x1 = v128.load32_splat(a3 + k);
        c20 = i32x4.relaxed_dot_i8x16_i7x16_add_s(b0, x0, c20); c21 = i32x4.relaxed_dot_i8x16_i7x16_add_s(b1, x0, c21);
        c30 = i32x4.relaxed_dot_i8x16_i7x16_add_s(b0, x1, c30); c31 = i32x4.relaxed_dot_i8x16_i7x16_add_s(b1, x1, c31);
        b0 = v128.load(w, 32); b1 = v128.load(w, 48);
        x0 = v128.load32_splat(a0 + k, 4); x1 = v128.load32_splat(a1 + k, 4);
        c00 = i32x4.relaxed_dot_i8x16_i7x16_add_s(b0, x0, c00); c01 = i32x4.relaxed_dot_i8x16_i7x16_add_s(b1, x0, c01);
        c10 = i32x4.relaxed_dot_i8x16_i7x16_add_s(b0, x1, c10); c11 = i32x4.relaxed_dot_i8x16_i7x16_add_s(b1, x1, c11);
        x0 = v128.load32_splat(a2 + k, 4); x1 = v128.load32_splat(a3 + k, 4);
        c20 = i32x4.relaxed_dot_i8x16_i7x16_add_s(b0, x0, c20); c21 = i32x4.relaxed_dot_i8x16_i7x16_add_s(b1, x0, c21);
        c30 = i32x4.relaxed_dot_i8x16_i7x16_add_s(b0, x1, c30); c31 = i32x4.relaxed_dot_i8x16_i7x16_add_s(b1, x1, c31);
        w += 64;
      }
      const r0 = c + <usize>mb * cs + <usize>nb * elem;
      const r1 = mb + 1 < m ? r0 + cs : r0;
      const r2 = mb + 2 < m ? r1 + cs : r1;
      const r3 = mb + 3 < m ? r2 + cs : r2;
      store_tile_4x8(r0, r1, r2, r3, c00, c01, c10, c11, c20, c21, c30, c31,
        chan, <usize>np, <usize>nb, zp, lo, hi, half, nrem, mode, flags);
    }
  }
}

@inline
function store_scalar(cp: usize, acc: i32, chan: usize, np: usize, col: usize,
  outZp: i32, outMin: i32, outMax: i32, mode: i32, flags: i32): void {
  const s = acc + load<i32>(chan + (col << 2));
  if (mode == 0 && (flags & REQUANT_FLOAT)) {
    const q = requantize_float_scalar(s, load<f64>(chan + np * 20 + (col << 3)));
    store<i8>(cp, i8(clamp_i32(q + outZp, outMin, outMax)));
  } else if (mode == 0) {
    const cp4 = chan + (col << 2);
    const q = requantize_scalar(s, load<i32>(cp4 + (np << 2)), load<i32>(cp4 + (np << 3)),
      load<i32>(cp4 + np * 12), load<i32>(cp4 + (np << 4)));
    store<i8>(cp, i8(clamp_i32(q + outZp, outMin, outMax)));
  } else {
    store<i32>(cp, s);
  }
}

/** Scalar 2 rows × 4 columns over the same c2 i16 layout as the dot16 kernel. */
function qs8_gemm_2x4c2__scalar(a: usize, kp: i32, m: i32, b: usize, n: i32, chan: usize, np: i32,
  c: usize, cStride: i32, outZp: i32, outMin: i32, outMax: i32, mode: i32, flags: i32): void {
  const aStride = <usize>kp << 1;
  const kBytes = aStride;
  const blockBytes = <usize>kp << 4;
  const cs = <usize>cStride;
  const elem: usize = mode == 0 ? 1 : 4;
  const npu = <usize>np;
  for (let n0 = 0; n0 < n; n0 += 4) {
    const wh = b + <usize>(n0 >> 3) * blockBytes + (<usize>(n0 & 4) << 2);
    const nrem = n - n0;
    for (let mb = 0; mb < m; mb += 2) {
      const a0 = a + <usize>mb * aStride;
      const a1 = mb + 1 < m ? a0 + aStride : a0;
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
      let w = wh;
      for (let k: usize = 0; k < kBytes; k += 4) {
        const x00 = i32(load<i16>(a0 + k)), x01 = i32(load<i16>(a0 + k, 2));
        const x10 = i32(load<i16>(a1 + k)), x11 = i32(load<i16>(a1 + k, 2));
        let w0 = i32(load<i16>(w)), w1 = i32(load<i16>(w, 2));
        s00 += x00 * w0 + x01 * w1; s10 += x10 * w0 + x11 * w1;
        w0 = i32(load<i16>(w, 4)); w1 = i32(load<i16>(w, 6));
        s01 += x00 * w0 + x01 * w1; s11 += x10 * w0 + x11 * w1;
        w0 = i32(load<i16>(w, 8)); w1 = i32(load<i16>(w, 10));
        s02 += x00 * w0 + x01 * w1; s12 += x10 * w0 + x11 * w1;
        w0 = i32(load<i16>(w, 12)); w1 = i32(load<i16>(w, 14));
        s03 += x00 * w0 + x01 * w1; s13 += x10 * w0 + x11 * w1;
        w += 32;
      }
      const r0 = c + <usize>mb * cs + <usize>n0 * elem;
      const r1 = mb + 1 < m ? r0 + cs : r0;
      const col = <usize>n0;
      store_scalar(r1, s10, chan, npu, col, outZp, outMin, outMax, mode, flags);
      store_scalar(r0, s00, chan, npu, col, outZp, outMin, outMax, mode, flags);
      if (nrem > 1) {
        store_scalar(r1 + elem, s11, chan, npu, col + 1, outZp, outMin, outMax, mode, flags);
        store_scalar(r0 + elem, s01, chan, npu, col + 1, outZp, outMin, outMax, mode, flags);
      }
      if (nrem > 2) {
        store_scalar(r1 + 2 * elem, s12, chan, npu, col + 2, outZp, outMin, outMax, mode, flags);
        store_scalar(r0 + 2 * elem, s02, chan, npu, col + 2, outZp, outMin, outMax, mode, flags);
      }
      if (nrem > 3) {
        store_scalar(r1 + 3 * elem, s13, chan, npu, col + 3, outZp, outMin, outMax, mode, flags);
        store_scalar(r0 + 3 * elem, s03, chan, npu, col + 3, outZp, outMin, outMax, mode, flags);
      }
    }
  }
}

/** int8 GEMM over the c2 i16 layout: dot16 4×8 in SIMD builds, 2×4 scalar otherwise. */
export function qs8_gemm(a: usize, kp: i32, m: i32, b: usize, n: i32, chan: usize, np: i32,
  c: usize, cStride: i32, outZp: i32, outMin: i32, outMax: i32, mode: i32, flags: i32): void {
  if (ASC_FEATURE_SIMD) {
    qs8_gemm_4x8c2__wasmsimd_dot16(a, kp, m, b, n, chan, np, c, cStride, outZp, outMin, outMax, mode, flags);
  } else {
    qs8_gemm_2x4c2__scalar(a, kp, m, b, n, chan, np, c, cStride, outZp, outMin, outMax, mode, flags);
  }
}

/**
 * `count` int32-output GEMMs over the c2 i16 layout, operands advanced by fixed steps (the positions of a
 * Winograd transform), in one call; SIMD builds only.
 */
export function qs8_gemm_positions(count: i32, a: usize, aStep: usize, kp: i32, m: i32, b: usize, bStep: usize, n: i32,
  chan: usize, np: i32, c: usize, cStep: usize, cStride: i32): void {
  if (ASC_FEATURE_SIMD) {
    for (let p = 0; p < count; p++) {
      qs8_gemm_4x8c2__wasmsimd_dot16(a, kp, m, b, n, chan, np, c, cStride, 0, 0, 0, 1, 0);
      a += aStep; b += bStep; c += cStep;
    }
  } else {
    unreachable();
  }
}

/** int8 GEMM over the c4 i8 layout with relaxed dot; traps in builds without relaxed SIMD. */
export function qs8_gemm_relaxed(a: usize, kp: i32, m: i32, b: usize, n: i32, chan: usize, np: i32,
  c: usize, cStride: i32, outZp: i32, outMin: i32, outMax: i32, mode: i32, flags: i32): void {
  if (ASC_FEATURE_RELAXED_SIMD) {
    qs8_gemm_4x8c4__wasmrelaxed_dot(a, kp, m, b, n, chan, np, c, cStride, outZp, outMin, outMax, mode, flags);
  } else {
    unreachable();
  }
}
