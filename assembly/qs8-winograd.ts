// Exact integer Winograd transforms for int8 convolutions: 2×2-output tiles here, 6×6 input tiles further down.
//
// int8 3×3 stride-1 convolution by Winograd F(2×2, 3×3) in exact integer arithmetic: 16 products per 2×2 output
// tile instead of 36 (2.25× fewer multiply-adds). With G' = 2G the filter transform G'·g·G'ᵀ = 4·(G·g·Gᵀ) is an
// integer, so Aᵀ·(U' ⊙ V)·A is exactly 4·Σ w·(x − zp): identical int32 accumulators to the direct convolution,
// hence bit-identical outputs. Magnitudes: V = Bᵀ·d·B ≤ 4·255 = 1 020, U' ≤ 9·127 = 1 143 (both i16), the
// 16 sums of inC products ≤ inC·1.17e6 and the output transform adds 9 of them: inC ≤ 128 keeps all in i32.
//
// Layouts (src/kernels/runtime.ts drives the steps; the per-position GEMMs are qs8_gemm in int32 mode):
//   V: [16 positions][tiles][kp] i16, kp = inC (a multiple of 8), tile t = ty·tilesW + tx.
//   M: [16 positions][tiles][np] i32, the GEMM outputs (no bias).
//
// Kernels of 2s×2s taps at stride s (the DQN's 4×4/2) become 2×2 stride-1 convolutions over the space-to-depth
// image S[i][j][(p·s + q)·inC + c] = x[s·i + p][s·j + q][c], which run as F(2×2, 2×2): 9 products per tile
// instead of 16, with integer transforms Bᵀ = [1 −1 0; 0 1 0; 0 −1 1], G = [1 0; 1 1; 0 1], Aᵀ = [1 1 0; 0 1 1]
// (no scaling). |V| ≤ 1 020, |U| ≤ 4·128, four sums of kp products: kp ≤ 1 024 keeps all in i32.
import { requantize_i32x4, requantize_hw_i32x4, requantize_round_q31, REQUANT_LEFT_SHIFT, REQUANT_NO_RIGHT_SHIFT, REQUANT_HIGH_WORD, REQUANT_HW_SHIFT_BIT } from './requantize';
import { store_i32x4_partial } from './store';

/** i16x8 of (x − zp) for 8 channels at (iy, ix), or zeros outside the image (padding reads the zero point). */
@inline
function tap(input: usize, inH: i32, inW: i32, inC: i32, iy: i32, ix: i32, c: i32, vzp: v128): v128 {
  if (iy < 0 || iy >= inH || ix < 0 || ix >= inW) return i16x8.splat(0);
  return i16x8.sub(v128.load8x8_s(input + <usize>((iy * inW + ix) * inC + c)), vzp);
}

/** Input transform V = Bᵀ·d·B of every 4×4 input tile (stride 2), 8 channels at a time. inC % 8 == 0. */
export function qs8_wino2x2_input(input: usize, inH: i32, inW: i32, inC: i32, tilesH: i32, tilesW: i32,
  padTop: i32, padLeft: i32, zp: i32, v: usize): void {
  if (ASC_FEATURE_SIMD) input_tiles(input, inH, inW, inC, tilesH, tilesW, padTop, padLeft, zp, v);
  else unreachable();
}

function input_tiles(input: usize, inH: i32, inW: i32, inC: i32, tilesH: i32, tilesW: i32,
  padTop: i32, padLeft: i32, zp: i32, v: usize): void {
  const vzp = i16x8.splat(i16(zp));
  const tiles = tilesH * tilesW;
  const posStride = <usize>(tiles * inC) << 1;
  for (let ty = 0; ty < tilesH; ty++) {
    const iy = ty * 2 - padTop;
    for (let tx = 0; tx < tilesW; tx++) {
      const ix = tx * 2 - padLeft;
      const tileBase = v + (<usize>((ty * tilesW + tx) * inC) << 1);
      for (let c = 0; c < inC; c += 8) {
        // Rows: t_r = Bᵀ applied down each column j of d.
        let t00: v128, t01: v128, t02: v128, t03: v128, t10: v128, t11: v128, t12: v128, t13: v128;
        let t20: v128, t21: v128, t22: v128, t23: v128, t30: v128, t31: v128, t32: v128, t33: v128;
        {
          const d0 = tap(input, inH, inW, inC, iy, ix, c, vzp), d1 = tap(input, inH, inW, inC, iy + 1, ix, c, vzp);
          const d2 = tap(input, inH, inW, inC, iy + 2, ix, c, vzp), d3 = tap(input, inH, inW, inC, iy + 3, ix, c, vzp);
          t00 = i16x8.sub(d0, d2); t10 = i16x8.add(d1, d2); t20 = i16x8.sub(d2, d1); t30 = i16x8.sub(d1, d3);
        }
        {
          const d0 = tap(input, inH, inW, inC, iy, ix + 1, c, vzp), d1 = tap(input, inH, inW, inC, iy + 1, ix + 1, c, vzp);
          const d2 = tap(input, inH, inW, inC, iy + 2, ix + 1, c, vzp), d3 = tap(input, inH, inW, inC, iy + 3, ix + 1, c, vzp);
          t01 = i16x8.sub(d0, d2); t11 = i16x8.add(d1, d2); t21 = i16x8.sub(d2, d1); t31 = i16x8.sub(d1, d3);
        }
        {
          const d0 = tap(input, inH, inW, inC, iy, ix + 2, c, vzp), d1 = tap(input, inH, inW, inC, iy + 1, ix + 2, c, vzp);
          const d2 = tap(input, inH, inW, inC, iy + 2, ix + 2, c, vzp), d3 = tap(input, inH, inW, inC, iy + 3, ix + 2, c, vzp);
          t02 = i16x8.sub(d0, d2); t12 = i16x8.add(d1, d2); t22 = i16x8.sub(d2, d1); t32 = i16x8.sub(d1, d3);
        }
        {
          const d0 = tap(input, inH, inW, inC, iy, ix + 3, c, vzp), d1 = tap(input, inH, inW, inC, iy + 1, ix + 3, c, vzp);
          const d2 = tap(input, inH, inW, inC, iy + 2, ix + 3, c, vzp), d3 = tap(input, inH, inW, inC, iy + 3, ix + 3, c, vzp);
          t03 = i16x8.sub(d0, d2); t13 = i16x8.add(d1, d2); t23 = i16x8.sub(d2, d1); t33 = i16x8.sub(d1, d3);
        }
        // Columns: V_rj = (t_r · B)_j; position p = 4r + j.
        let p = tileBase + (<usize>c << 1);
        v128.store(p, i16x8.sub(t00, t02)); p += posStride; v128.store(p, i16x8.add(t01, t02)); p += posStride;
        v128.store(p, i16x8.sub(t02, t01)); p += posStride; v128.store(p, i16x8.sub(t01, t03)); p += posStride;
        v128.store(p, i16x8.sub(t10, t12)); p += posStride; v128.store(p, i16x8.add(t11, t12)); p += posStride;
        v128.store(p, i16x8.sub(t12, t11)); p += posStride; v128.store(p, i16x8.sub(t11, t13)); p += posStride;
        v128.store(p, i16x8.sub(t20, t22)); p += posStride; v128.store(p, i16x8.add(t21, t22)); p += posStride;
        v128.store(p, i16x8.sub(t22, t21)); p += posStride; v128.store(p, i16x8.sub(t21, t23)); p += posStride;
        v128.store(p, i16x8.sub(t30, t32)); p += posStride; v128.store(p, i16x8.add(t31, t32)); p += posStride;
        v128.store(p, i16x8.sub(t32, t31)); p += posStride; v128.store(p, i16x8.sub(t31, t33));
      }
    }
  }
}

/**
 * Requantizes the 4 channels of one output pixel and stores them (pixels past an odd edge are skipped).
 * q1, q2, q3: the channels' lmul, rexp, rnone — or hmul, hadd, hneg under REQUANT_HIGH_WORD (channel_operand).
 */
@inline
function store_px(out: usize, outH: i32, outW: i32, n: i32, oy: i32, ox: i32, c: i32, nrem: i32, acc: v128,
  bias: v128, mult: v128, q1: v128, q2: v128, q3: v128, zp: v128, lo: v128, hi: v128, half: v128, flags: i32, mode: i32): void {
  if (oy >= outH || ox >= outW) return;
  if (mode == 1) {
    store_i32x4_partial(out + (<usize>((oy * outW + ox) * n + c) << 2), i32x4.add(acc, bias), nrem);
    return;
  }
  const x = i32x4.add(acc, bias);
  const q = flags & REQUANT_HIGH_WORD
    ? requantize_hw_i32x4(x, q1, mult, q2, q3, flags >>> REQUANT_HW_SHIFT_BIT, lo, hi)
    : requantize_i32x4(x, mult, q1, q2, q3, zp, lo, hi, flags, half);
  const q16 = i16x8.narrow_i32x4_s(q, q);
  const bits = i32x4.extract_lane(i8x16.narrow_i16x8_s(q16, q16), 0);
  const o = out + <usize>((oy * outW + ox) * n + c);
  if (nrem >= 4) store<i32>(o, bits);
  else for (let j = 0; j < nrem; j++) store<u8>(o + <usize>j, u8(bits >> (8 * j)));
}

/** Operand i (1–3) of store_px for one block of 4 channels: the lmul / rexp / rnone slots of the channel-parameter
 *  block, or hmul / hadd / hneg under REQUANT_HIGH_WORD; `mult` stands in for slots the flags say are unused. */
@inline
function channel_operand(bp: usize, npu: usize, flags: i32, i: i32, mult: v128): v128 {
  if (flags & REQUANT_HIGH_WORD) return v128.load(bp + npu * <usize>(24 + 4 * i));
  if (i == 1) return flags & REQUANT_LEFT_SHIFT ? v128.load(bp + (npu << 3)) : mult;
  if (i == 2) return v128.load(bp + npu * 12);
  return flags & REQUANT_NO_RIGHT_SHIFT ? v128.load(bp + (npu << 4)) : mult;
}

/** Output transform Aᵀ·M·A of every tile, ÷4, + bias; mode 0: requantized int8 NHWC output, mode 1: int32 (hybrid ops). */
export function qs8_wino2x2_output(mbuf: usize, tilesH: i32, tilesW: i32, n: i32, np: i32, chan: usize,
  out: usize, outH: i32, outW: i32, outZp: i32, outMin: i32, outMax: i32, mode: i32, flags: i32): void {
  if (ASC_FEATURE_SIMD) output_variants(mbuf, tilesH, tilesW, n, np, chan, out, outH, outW, outZp, outMin, outMax, mode, flags, true);
  else unreachable();
}

/** Input transform for 2s×2s / stride s: V = Bᵀ·d·B of every 3×3 tile of S (stride 2 in S), 8 channels at a time. */
export function qs8_wino2x2k2_input(input: usize, inH: i32, inW: i32, inC: i32, stride: i32, tilesH: i32, tilesW: i32,
  padTop: i32, padLeft: i32, zp: i32, v: usize): void {
  if (ASC_FEATURE_SIMD) input_tiles_s2d(input, inH, inW, inC, stride, 2, tilesH, tilesW, padTop, padLeft, zp, v, false);
  else unreachable();
}

/** Bᵀ·d·B of one 3×3 tile of the space-to-depth image (F(2×2, 2×2)), 8 channels; position 3r + j at o + pos·posStride. */
@inline
function bt3_tile(input: usize, inH: i32, inW: i32, inC: i32, stride: i32, iy: i32, ix: i32, c: i32, vzp: v128,
  o: usize, posStride: usize): void {
  // Down each column b of the 3×3 tile: (d0 − d1, d1, d2 − d1).
  let t00: v128, t01: v128, t02: v128, t10: v128, t11: v128, t12: v128, t20: v128, t21: v128, t22: v128;
  {
    const d0 = tap(input, inH, inW, inC, iy, ix, c, vzp), d1 = tap(input, inH, inW, inC, iy + stride, ix, c, vzp);
    const d2 = tap(input, inH, inW, inC, iy + 2 * stride, ix, c, vzp);
    t00 = i16x8.sub(d0, d1); t10 = d1; t20 = i16x8.sub(d2, d1);
  }
  {
    const x1 = ix + stride;
    const d0 = tap(input, inH, inW, inC, iy, x1, c, vzp), d1 = tap(input, inH, inW, inC, iy + stride, x1, c, vzp);
    const d2 = tap(input, inH, inW, inC, iy + 2 * stride, x1, c, vzp);
    t01 = i16x8.sub(d0, d1); t11 = d1; t21 = i16x8.sub(d2, d1);
  }
  {
    const x2 = ix + 2 * stride;
    const d0 = tap(input, inH, inW, inC, iy, x2, c, vzp), d1 = tap(input, inH, inW, inC, iy + stride, x2, c, vzp);
    const d2 = tap(input, inH, inW, inC, iy + 2 * stride, x2, c, vzp);
    t02 = i16x8.sub(d0, d1); t12 = d1; t22 = i16x8.sub(d2, d1);
  }
  // Along each row: position 3r + j.
  v128.store(o, i16x8.sub(t00, t01)); o += posStride; v128.store(o, t01); o += posStride;
  v128.store(o, i16x8.sub(t02, t01)); o += posStride;
  v128.store(o, i16x8.sub(t10, t11)); o += posStride; v128.store(o, t11); o += posStride;
  v128.store(o, i16x8.sub(t12, t11)); o += posStride;
  v128.store(o, i16x8.sub(t20, t21)); o += posStride; v128.store(o, t21); o += posStride;
  v128.store(o, i16x8.sub(t22, t21));
}

/** Output transform Aᵀ·M·A (F(2×2, 2×2)) of every tile, + bias; mode 0: requantized int8 NHWC, mode 1: int32. */
export function qs8_wino2x2k2_output(mbuf: usize, tilesH: i32, tilesW: i32, n: i32, np: i32, chan: usize,
  out: usize, outH: i32, outW: i32, outZp: i32, outMin: i32, outMax: i32, mode: i32, flags: i32): void {
  if (ASC_FEATURE_SIMD) output_variants(mbuf, tilesH, tilesW, n, np, chan, out, outH, outW, outZp, outMin, outMax, mode, flags, false);
  else unreachable();
}

/** int32 output or requantized, mode as a constant in each copy (f23 is a run-time choice, a predictable branch per
 *  tile: one function serves both 2×2-output transforms). */
function output_variants(mbuf: usize, tilesH: i32, tilesW: i32, n: i32, np: i32, chan: usize,
  out: usize, outH: i32, outW: i32, outZp: i32, outMin: i32, outMax: i32, mode: i32, flags: i32, f23: bool): void {
  if (mode == 1) {
    output_tiles(mbuf, tilesH, tilesW, n, np, chan, out, outH, outW, 0, 0, 0, 0, 1, f23);
  } else {
    output_tiles(mbuf, tilesH, tilesW, n, np, chan, out, outH, outW, outZp, outMin, outMax, flags, 0, f23);
  }
}

/** Aᵀ·M·A for F(2×2, 3×3) (16 positions, then ÷4) or F(2×2, 2×2) (9 positions), 4 channels at a time. */
@inline
function output_tiles(mbuf: usize, tilesH: i32, tilesW: i32, n: i32, np: i32, chan: usize,
  out: usize, outH: i32, outW: i32, outZp: i32, outMin: i32, outMax: i32, flags: i32, mode: i32, f23: bool): void {
  const zp = i32x4.splat(outZp), lo = i32x4.splat(outMin), hi = i32x4.splat(outMax), half = requantize_round_q31();
  const tiles = tilesH * tilesW;
  const posStride = <usize>(tiles * np) << 2;
  const npu = <usize>np;
  for (let c = 0; c < n; c += 4) {
    const bp = chan + (<usize>c << 2);
    const bias = v128.load(bp), mult = v128.load(bp + (npu << 2));
    const q1 = channel_operand(bp, npu, flags, 1, mult), q2 = channel_operand(bp, npu, flags, 2, mult), q3 = channel_operand(bp, npu, flags, 3, mult);
    const nrem = n - c;
    for (let ty = 0; ty < tilesH; ty++) {
      for (let tx = 0; tx < tilesW; tx++) {
        let p = mbuf + (<usize>((ty * tilesW + tx) * np + c) << 2);
        let y00: v128, y01: v128, y10: v128, y11: v128;
        if (f23) {
          const m00 = v128.load(p); p += posStride; const m01 = v128.load(p); p += posStride;
          const m02 = v128.load(p); p += posStride; const m03 = v128.load(p); p += posStride;
          const m10 = v128.load(p); p += posStride; const m11 = v128.load(p); p += posStride;
          const m12 = v128.load(p); p += posStride; const m13 = v128.load(p); p += posStride;
          const m20 = v128.load(p); p += posStride; const m21 = v128.load(p); p += posStride;
          const m22 = v128.load(p); p += posStride; const m23 = v128.load(p); p += posStride;
          const m30 = v128.load(p); p += posStride; const m31 = v128.load(p); p += posStride;
          const m32 = v128.load(p); p += posStride; const m33 = v128.load(p);
          // Aᵀ = [1 1 1 0; 0 1 −1 −1] down the columns, then along the rows.
          const r00 = i32x4.add(i32x4.add(m00, m10), m20), r01 = i32x4.add(i32x4.add(m01, m11), m21);
          const r02 = i32x4.add(i32x4.add(m02, m12), m22), r03 = i32x4.add(i32x4.add(m03, m13), m23);
          const r10 = i32x4.sub(i32x4.sub(m10, m20), m30), r11 = i32x4.sub(i32x4.sub(m11, m21), m31);
          const r12 = i32x4.sub(i32x4.sub(m12, m22), m32), r13 = i32x4.sub(i32x4.sub(m13, m23), m33);
          // Exactly 4·Σ w·(x − zp): the shift is a division without remainder.
          y00 = i32x4.shr_s(i32x4.add(i32x4.add(r00, r01), r02), 2);
          y01 = i32x4.shr_s(i32x4.sub(i32x4.sub(r01, r02), r03), 2);
          y10 = i32x4.shr_s(i32x4.add(i32x4.add(r10, r11), r12), 2);
          y11 = i32x4.shr_s(i32x4.sub(i32x4.sub(r11, r12), r13), 2);
        } else {
          const m00 = v128.load(p); p += posStride; const m01 = v128.load(p); p += posStride;
          const m02 = v128.load(p); p += posStride; const m10 = v128.load(p); p += posStride;
          const m11 = v128.load(p); p += posStride; const m12 = v128.load(p); p += posStride;
          const m20 = v128.load(p); p += posStride; const m21 = v128.load(p); p += posStride;
          const m22 = v128.load(p);
          // Aᵀ = [1 1 0; 0 1 1].
          const r00 = i32x4.add(m00, m10), r01 = i32x4.add(m01, m11), r02 = i32x4.add(m02, m12);
          const r10 = i32x4.add(m10, m20), r11 = i32x4.add(m11, m21), r12 = i32x4.add(m12, m22);
          y00 = i32x4.add(r00, r01); y01 = i32x4.add(r01, r02);
          y10 = i32x4.add(r10, r11); y11 = i32x4.add(r11, r12);
        }
        const oy = ty * 2, ox = tx * 2;
        store_px(out, outH, outW, n, oy, ox, c, nrem, y00, bias, mult, q1, q2, q3, zp, lo, hi, half, flags, mode);
        store_px(out, outH, outW, n, oy, ox + 1, c, nrem, y01, bias, mult, q1, q2, q3, zp, lo, hi, half, flags, mode);
        store_px(out, outH, outW, n, oy + 1, ox, c, nrem, y10, bias, mult, q1, q2, q3, zp, lo, hi, half, flags, mode);
        store_px(out, outH, outW, n, oy + 1, ox + 1, c, nrem, y11, bias, mult, q1, q2, q3, zp, lo, hi, half, flags, mode);
      }
    }
  }
}

// ---- 6×6 input tiles: F(4×4, 3×3) for 3×3 stride 1 and F(5×5, 2×2) over the space-to-depth image ----
//
// Points 0, ±1, ±2, ∞. Bᵀ (6×6) is integral: |V| ≤ 10²·255 = 25 500 (i16). The filter transform uses the rows
// G'' = [1 a a²] (or [1 a]) of the Lagrange basis scaled by f_a = Π(a − b) = 4, −6, −6, 24, 24: |U''| ≤ 7²·128
// (3×3) or 3²·128 (2×2), i16. The scaling comes back in the output transform as Aᵀ' = 24·Aᵀ·diag(1/f) (integral:
// 6, −4, −4, 1, 1, 24 times the powers of the points), so Aᵀ'·(Σ U''⊙V)·A' = 576·y with y = Σ w·(x − zp), the
// direct convolution's sum. The GEMM sums and the transform run in wrapping i32 arithmetic: they can exceed
// 2^31, but 576·y is known modulo 2^32, so (576·y) >>> 6 = 9·y mod 2^26 and y = that · 9⁻¹ mod 2^26, read as a
// signed 26-bit number — exact whenever |y| < 2^25 (inC ≤ 112 for 3×3, s²·inC ≤ 256 for 2s×2s: runtime.ts).
//   V: [36 positions][tiles][kp] i16 (position 6r + j), M: [36 positions][tiles][np] i32.

/** First-pass results of the 6×6 transforms (36 vectors). */
const WINO6_T = memory.data(36 * 16, 16);
/** 9⁻¹ mod 2^26. */
const INV9_MOD_2_26: i32 = 14913081;

/** Bᵀ·[d0..d5] (i16x8 lanes) stored at out, out + step, … */
@inline
function bt6_store(d0: v128, d1: v128, d2: v128, d3: v128, d4: v128, d5: v128, out: usize, step: usize): void {
  const d42 = i16x8.sub(d4, d2), d31 = i16x8.sub(d3, d1);
  v128.store(out, i16x8.add(d42, i16x8.shl(i16x8.sub(d0, d2), 2)));
  v128.store(out + step, i16x8.sub(i16x8.add(d3, d4), i16x8.shl(i16x8.add(d1, d2), 2)));
  v128.store(out + 2 * step, i16x8.add(i16x8.sub(d4, d3), i16x8.shl(i16x8.sub(d1, d2), 2)));
  v128.store(out + 3 * step, i16x8.add(d42, i16x8.shl(d31, 1)));
  v128.store(out + 4 * step, i16x8.sub(d42, i16x8.shl(d31, 1)));
  v128.store(out + 5 * step, i16x8.add(i16x8.sub(d5, d3), i16x8.shl(i16x8.sub(d1, d3), 2)));
}

/**
 * Input transform V = Bᵀ·d·B of every 6×6 tile (tile step `step` in the stride-`stride` space-to-depth image,
 * which is the image itself for stride 1), 8 channels at a time. inC % 8 == 0, kp = stride²·inC.
 */
export function qs8_wino6x6_input(input: usize, inH: i32, inW: i32, inC: i32, stride: i32, step: i32, tilesH: i32, tilesW: i32,
  padTop: i32, padLeft: i32, zp: i32, v: usize): void {
  if (ASC_FEATURE_SIMD) input_tiles_s2d(input, inH, inW, inC, stride, step, tilesH, tilesW, padTop, padLeft, zp, v, true);
  else unreachable();
}

/** Bᵀ·d·B of one 6×6 tile (points 0, ±1, ±2, ∞), 8 channels; position 6i + k at o + pos·posStride. */
@inline
function bt6_tile(input: usize, inH: i32, inW: i32, inC: i32, s: i32, iy: i32, ix: i32, c: i32, vzp: v128,
  o: usize, posStride: usize): void {
  // Down each column j of the tile, into WINO6_T[i][j].
  for (let j = 0; j < 6; j++) {
    const x = ix + s * j;
    bt6_store(tap(input, inH, inW, inC, iy, x, c, vzp), tap(input, inH, inW, inC, iy + s, x, c, vzp),
      tap(input, inH, inW, inC, iy + 2 * s, x, c, vzp), tap(input, inH, inW, inC, iy + 3 * s, x, c, vzp),
      tap(input, inH, inW, inC, iy + 4 * s, x, c, vzp), tap(input, inH, inW, inC, iy + 5 * s, x, c, vzp),
      WINO6_T + (<usize>j << 4), 96);
  }
  // Along each row i.
  for (let i: usize = 0; i < 6; i++) {
    const t = WINO6_T + i * 96;
    bt6_store(v128.load(t), v128.load(t, 16), v128.load(t, 32), v128.load(t, 48), v128.load(t, 64), v128.load(t, 80),
      o + i * 6 * posStride, posStride);
  }
}

/**
 * Every input tile of the stride-`stride` space-to-depth image (the image itself for stride 1), tiles `step` apart
 * in it, 8 channels at a time: 6×6 tiles (bt6_tile) or 3×3 (bt3_tile); `six` is a constant at each call.
 */
@inline
function input_tiles_s2d(input: usize, inH: i32, inW: i32, inC: i32, stride: i32, step: i32, tilesH: i32, tilesW: i32,
  padTop: i32, padLeft: i32, zp: i32, v: usize, six: bool): void {
  const vzp = i16x8.splat(i16(zp));
  const kp = stride * stride * inC;
  const posStride = <usize>(tilesH * tilesW * kp) << 1;
  const span = step * stride;
  for (let ty = 0; ty < tilesH; ty++) {
    for (let tx = 0; tx < tilesW; tx++) {
      const tileBase = v + (<usize>((ty * tilesW + tx) * kp) << 1);
      for (let p = 0; p < stride; p++) {
        const iy = ty * span + p - padTop;
        for (let q = 0; q < stride; q++) {
          const ix = tx * span + q - padLeft;
          const kc0 = (p * stride + q) * inC;
          for (let c = 0; c < inC; c += 8) {
            const o = tileBase + (<usize>(kc0 + c) << 1);
            if (six) bt6_tile(input, inH, inW, inC, stride, iy, ix, c, vzp, o, posStride);
            else bt3_tile(input, inH, inW, inC, stride, iy, ix, c, vzp, o, posStride);
          }
        }
      }
    }
  }
}

/** Aᵀ'·[x0..x5] (i32x4 lanes, wrapping), m = 4 or 5 outputs stored at out, out + step, … */
@inline
function at6_store(x0: v128, x1: v128, x2: v128, x3: v128, x4: v128, x5: v128, out: usize, step: usize, m5: bool): void {
  const a4 = i32x4.shl(i32x4.add(x1, x2), 2), b4 = i32x4.shl(i32x4.sub(x1, x2), 2);
  const c = i32x4.add(x3, x4), e = i32x4.sub(x3, x4);
  const x24 = i32x4.add(i32x4.shl(x5, 4), i32x4.shl(x5, 3));
  v128.store(out, i32x4.add(i32x4.sub(i32x4.add(i32x4.shl(x0, 2), i32x4.shl(x0, 1)), a4), c));
  v128.store(out + step, i32x4.sub(i32x4.shl(e, 1), b4));
  v128.store(out + 2 * step, i32x4.sub(i32x4.shl(c, 2), a4));
  const o3 = i32x4.sub(i32x4.shl(e, 3), b4);
  if (m5) {
    v128.store(out + 3 * step, o3);
    v128.store(out + 4 * step, i32x4.add(i32x4.sub(i32x4.shl(c, 4), a4), x24));
  } else {
    v128.store(out + 3 * step, i32x4.add(o3, x24));
  }
}

/** y from 576·y mod 2^32 (see above). */
@inline
function recover_576(x: v128): v128 {
  const y = i32x4.mul(i32x4.shr_u(x, 6), i32x4.splat(INV9_MOD_2_26));
  return i32x4.shr_s(i32x4.shl(y, 6), 6);
}

/**
 * Output transform of every 6×6 tile into an m×m output block (m = 4: F(4×4, 3×3), 5: F(5×5, 2×2)), exact y,
 * + bias; mode 0: requantized int8 NHWC output, mode 1: int32 (hybrid ops).
 */
export function qs8_wino6x6_output(mbuf: usize, tilesH: i32, tilesW: i32, n: i32, np: i32, chan: usize,
  out: usize, outH: i32, outW: i32, outZp: i32, outMin: i32, outMax: i32, mode: i32, flags: i32, m: i32): void {
  if (ASC_FEATURE_SIMD) {
    // mode as a constant in each copy: the int32 one carries no requantization.
    if (mode == 1) output_tiles6(mbuf, tilesH, tilesW, n, np, chan, out, outH, outW, 0, 0, 0, 0, 1, m);
    else output_tiles6(mbuf, tilesH, tilesW, n, np, chan, out, outH, outW, outZp, outMin, outMax, flags, 0, m);
  } else {
    unreachable();
  }
}

@inline
function output_tiles6(mbuf: usize, tilesH: i32, tilesW: i32, n: i32, np: i32, chan: usize,
  out: usize, outH: i32, outW: i32, outZp: i32, outMin: i32, outMax: i32, flags: i32, mode: i32, m: i32): void {
  const zp = i32x4.splat(outZp), lo = i32x4.splat(outMin), hi = i32x4.splat(outMax), half = requantize_round_q31();
  const m5 = m == 5;
  const posStride = <usize>(tilesH * tilesW * np) << 2;
  const npu = <usize>np;
  for (let c = 0; c < n; c += 4) {
    const bp = chan + (<usize>c << 2);
    const bias = v128.load(bp), mult = v128.load(bp + (npu << 2));
    const q1 = channel_operand(bp, npu, flags, 1, mult), q2 = channel_operand(bp, npu, flags, 2, mult), q3 = channel_operand(bp, npu, flags, 3, mult);
    const nrem = n - c;
    for (let ty = 0; ty < tilesH; ty++) {
      for (let tx = 0; tx < tilesW; tx++) {
        const base = mbuf + (<usize>((ty * tilesW + tx) * np + c) << 2);
        // Down each column k: WINO6_T[j][k] (row stride 96 bytes).
        for (let k: usize = 0; k < 6; k++) {
          const p = base + k * posStride;
          at6_store(v128.load(p), v128.load(p + 6 * posStride), v128.load(p + 12 * posStride), v128.load(p + 18 * posStride),
            v128.load(p + 24 * posStride), v128.load(p + 30 * posStride), WINO6_T + (k << 4), 96, m5);
        }
        // Along each row j; the results go to row 5 of WINO6_T, which the first pass leaves free (m ≤ 5 rows).
        for (let j = 0; j < m; j++) {
          const t = WINO6_T + <usize>j * 96;
          const r = WINO6_T + 5 * 96;
          at6_store(v128.load(t), v128.load(t, 16), v128.load(t, 32), v128.load(t, 48), v128.load(t, 64), v128.load(t, 80), r, 16, m5);
          const oy = ty * m + j;
          for (let l = 0; l < m; l++) {
            const y = recover_576(v128.load(r + (<usize>l << 4)));
            store_px(out, outH, outW, n, oy, tx * m + l, c, nrem, y, bias, mult, q1, q2, q3, zp, lo, hi, half, flags, mode);
          }
        }
      }
    }
  }
}
