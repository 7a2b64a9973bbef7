// TFLite fixed-point requantization (MultiplyByQuantizedMultiplier, double rounding:
// tflite/kernels/internal/common.h), in a form that vectorizes with per-lane shifts.
//
// Per output channel the caller packs (see channelParamBlock in src/kernels/pack.ts), all i32:
//   mult  = M (the Q31 multiplier, in [2^30, 2^31))
//   lmul  = 2^max(shift, 0)                 — the left shift as a multiply (wraps like TFLite's int32 multiply)
//   rexp  = 2^(31 - e), e = max(-shift, 0)  — for e ≥ 1; 0 when e = 0
//   rnone = -1 when e = 0 (RoundingDivideByPOT is the identity), else 0
//
// SaturatingRoundingDoublingHighMul(x, M) = (x*M + 2^30) >> 31 exactly: TFLite's sign-dependent nudge
// followed by truncating division collapses to this floor form, and the saturating case
// (x = M = INT32_MIN) cannot happen because M > 0.
// RoundingDivideByPOT(y, e) rounds y / 2^e half away from zero. With z = y * 2^(31-e) that is
// (z + 2^30 + (y < 0 ? -1 : 0)) >> 31 — a fixed shift, so no per-lane shift count is needed (WASM SIMD has
// none). Only the low 32 bits of each 64-bit >> 31 are kept, so the cheap logical shift gives the same bits.

/** Channel-parameter block: bias, mult, lmul, rexp, rnone — i32[np] each, at byte offsets 0, 4np, 8np, 12np, 16np;
 *  float scales f64[np] at 20np; the high-word form's hmul, hadd, hneg — i32[np] each at 28np, 32np, 36np. */

@inline
export function requantize_scalar(acc: i32, mult: i32, lmul: i32, rexp: i32, rnone: i32): i32 {
  const x = acc * lmul;
  const y = i32((i64(x) * i64(mult) + (1 << 30)) >> 31);
  if (rnone) return y;
  const z = i64(y) * i64(rexp);
  return i32((z + (1 << 30) + i64(y >> 31)) >> 31);
}

@inline
export function clamp_i32(v: i32, lo: i32, hi: i32): i32 {
  return v < lo ? lo : v > hi ? hi : v;
}

/** Layer-wide facts that let the SIMD requantization skip steps (computed at pack time). */
export const REQUANT_LEFT_SHIFT = 1; // some channel has shift > 0 (lmul ≠ 1)
export const REQUANT_NO_RIGHT_SHIFT = 2; // some channel has e = 0 (rnone lanes)
/** Float requantization (TFLite's reference FULLY_CONNECTED since LiteRT 921360770, e.g. TF 2.21 BUILTIN_REF):
 *  q = round_half_away(double(acc) · scale[c]), scale[c] = double(in)·double(w[c]) / double(out), f64[np] at 20·np. */
export const REQUANT_FLOAT = 4;
/** The layer has the headroom for requantize_hw_i32x4 (its parameters are in the block); the uniform final shift
 *  is flags >>> REQUANT_HW_SHIFT_BIT. */
export const REQUANT_HIGH_WORD = 8;
export const REQUANT_HW_SHIFT_BIT = 8;

// 2^30 in both i64 lanes, the rounding term of requantize_i32x4. Kept in memory and loaded once per kernel call:
// V8 rebuilds a v128 constant at every use inside a loop (four instructions for this one, ≈ 20 % of the
// epilogue on V8 13), while a loaded loop-invariant value stays in a register or becomes one memory operand.
const ROUND_Q31 = memory.data<i64>([1 << 30, 1 << 30], 16);

/** The `half` operand of requantize_i32x4: load it before the kernel's loops. */
@inline
export function requantize_round_q31(): v128 {
  return v128.load(ROUND_Q31);
}

/** Four lanes of requantize_scalar, plus output zero point and clamp. half = requantize_round_q31(). */
@inline
export function requantize_i32x4(acc: v128, mult: v128, lmul: v128, rexp: v128, rnone: v128,
  zp: v128, lo: v128, hi: v128, flags: i32, half: v128): v128 {
  const x = flags & REQUANT_LEFT_SHIFT ? i32x4.mul(acc, lmul) : acc;
  const yLo = i64x2.shr_u(i64x2.add(i64x2.extmul_low_i32x4_s(x, mult), half), 31);
  const yHi = i64x2.shr_u(i64x2.add(i64x2.extmul_high_i32x4_s(x, mult), half), 31);
  const y = i32x4.shuffle(yLo, yHi, 0, 2, 4, 6);
  // Half away from zero = half up on |y| with the sign put back. |y| < 2^31 because M < 2^31.
  const sign = i32x4.shr_s(y, 31);
  const ay = i32x4.abs(y);
  const zLo = i64x2.shr_u(i64x2.add(i64x2.extmul_low_i32x4_s(ay, rexp), half), 31);
  const zHi = i64x2.shr_u(i64x2.add(i64x2.extmul_high_i32x4_s(ay, rexp), half), 31);
  let r = i32x4.sub(v128.xor(i32x4.shuffle(zLo, zHi, 0, 2, 4, 6), sign), sign);
  if (flags & REQUANT_NO_RIGHT_SHIFT) r = v128.bitselect(y, r, rnone);
  return i32x4.min_s(i32x4.max_s(i32x4.add(r, zp), lo), hi);
}

/**
 * requantize_i32x4 with one 32×32→64 multiply instead of two, plus the output zero point and clamp. Both roundings
 * fold into one floor: with e = the channel's right shift, E = the layer's largest, d = E − e,
 *   result = floor((x·2^(d+2)·M + 2^(30+d+2) + 2^(30+E+2) − [x < 0]·2^(31+d+2)) / 2^(33+E))
 * (floor of a floor is one floor; [x < 0] stands for TFLite's sign-dependent tie rule), and every added term is a
 * multiple of 2^32, so only the high word of the product is needed: h = hi32(x·hmul·M) + hadd − ([x < 0] & hneg),
 * result = h >> (E + 1), with hmul = 2^(left shift + d + 2), hadd = 2^d + 2^E·[e ≥ 1] + zp·2^(E+1),
 * hneg = 2^(d+1)·[e ≥ 1]. Exact when |x|·hmul < 2^31 for every channel (pack.ts highWordRequant checks this).
 */
@inline
export function requantize_hw_i32x4(x: v128, hmul: v128, mult: v128, hadd: v128, hneg: v128, shift: i32, lo: v128, hi: v128): v128 {
  const xs = i32x4.mul(x, hmul);
  const h = i32x4.shuffle(i64x2.extmul_low_i32x4_s(xs, mult), i64x2.extmul_high_i32x4_s(xs, mult), 1, 3, 5, 7);
  const r = i32x4.shr_s(i32x4.sub(i32x4.add(h, hadd), v128.and(i32x4.shr_s(x, 31), hneg)), shift);
  return i32x4.min_s(i32x4.max_s(r, lo), hi);
}

/** Stores the low `count` (< 8) bytes of the first i64 lane. */
@inline
export function store_bytes_partial(ptr: usize, bits: i64, count: i32): void {
  for (let j = 0; j < count; j++) store<u8>(ptr + <usize>j, u8(bits >> (8 * j)));
}

/** Scalar float requantization (REQUANT_FLOAT), before zero point and clamp. */
@inline
export function requantize_float_scalar(acc: i32, scale: f64): i32 {
  const v = f64(acc) * scale;
  const t = Math.trunc(v);
  let r = t + select<f64>(copysign<f64>(1, v), 0, Math.abs(v - t) >= 0.5);
  // Far outside int8 either way; keeps the i32 conversion and the zero-point add from wrapping.
  r = Math.min(Math.max(r, -1073741824.0), 1073741824.0);
  return i32(r);
}

/** Four lanes of requantize_float_scalar (scales s01 = lanes 0,1 and s23 = lanes 2,3 as f64x2), plus zp and clamp. */
@inline
export function requantize_float_i32x4(acc: v128, s01: v128, s23: v128, zp: v128, lo: v128, hi: v128): v128 {
  const lim = f64x2.splat(1073741824.0);
  const nlim = f64x2.splat(-1073741824.0);
  const half = f64x2.splat(0.5);
  const one = f64x2.splat(1.0);
  const sign = i64x2.splat(0x8000000000000000);
  let a = f64x2.mul(f64x2.convert_low_i32x4_s(acc), s01);
  let b = f64x2.mul(f64x2.convert_low_i32x4_s(i32x4.shuffle(acc, acc, 2, 3, 0, 1)), s23);
  let ta = f64x2.trunc(a), tb = f64x2.trunc(b);
  ta = f64x2.add(ta, v128.and(f64x2.ge(f64x2.abs(f64x2.sub(a, ta)), half), v128.or(v128.and(a, sign), one)));
  tb = f64x2.add(tb, v128.and(f64x2.ge(f64x2.abs(f64x2.sub(b, tb)), half), v128.or(v128.and(b, sign), one)));
  ta = f64x2.pmin(f64x2.pmax(ta, nlim), lim);
  tb = f64x2.pmin(f64x2.pmax(tb, nlim), lim);
  const q = i32x4.shuffle(i32x4.trunc_sat_f64x2_s_zero(ta), i32x4.trunc_sat_f64x2_s_zero(tb), 0, 1, 4, 5);
  return i32x4.min_s(i32x4.max_s(i32x4.add(q, zp), lo), hi);
}
