// TFLite fixed-point requantization (MultiplyByQuantizedMultiplier, double rounding:
// tflite/kernels/internal/common.h), in a form that vectorizes with per-lane shifts.
//
// Per output channel the caller packs (see src/kernels/quantize-multiplier.ts):
//   mult  = M (the Q31 multiplier, in [2^30, 2^31))
//   lmul  = 2^max(shift, 0)           — the left shift as a multiply (wraps like TFLite's int32 multiply)
//   rmul  = 2^(31 - max(-shift, 0))   — i64; rescales y so RoundingDivideByPOT becomes a fixed >> 31
//
// SaturatingRoundingDoublingHighMul(x, M) = (x*M + 2^30) >> 31 exactly: TFLite's sign-dependent nudge
// followed by truncating division collapses to this floor form, and the saturating case
// (x = M = INT32_MIN) cannot happen because M > 0.
// RoundingDivideByPOT(y, e) rounds y / 2^e half away from zero; with z = y * 2^(31-e) that is
// (z + 2^30 + (z < 0 ? -1 : 0)) >> 31, which needs no per-lane shift count.

/** Channel-parameter block layout (byte offsets from its base, np = channels padded to the tile). */
// bias i32[np] at 0, mult i32[np] at 4*np, lmul i32[np] at 8*np, rmul i64[np] at 12*np.

@inline
export function requantize_scalar(acc: i32, mult: i32, lmul: i32, rmul: i64): i32 {
  const x = acc * lmul;
  const y = (i64(x) * i64(mult) + (1 << 30)) >> 31;
  const z = y * rmul;
  return i32((z + (1 << 30) + (z >> 63)) >> 31);
}

@inline
export function clamp_i32(v: i32, lo: i32, hi: i32): i32 {
  return v < lo ? lo : v > hi ? hi : v;
}

/** Four lanes of requantize_scalar, plus output zero point and clamp. */
@inline
export function requantize_i32x4(acc: v128, mult: v128, lmul: v128, rmulLo: v128, rmulHi: v128,
  zp: v128, lo: v128, hi: v128): v128 {
  const half = i64x2.splat(1 << 30);
  const x = i32x4.mul(acc, lmul);
  const yLo = i64x2.shr_s(i64x2.add(i64x2.extmul_low_i32x4_s(x, mult), half), 31);
  const yHi = i64x2.shr_s(i64x2.add(i64x2.extmul_high_i32x4_s(x, mult), half), 31);
  const zLo = i64x2.mul(yLo, rmulLo);
  const zHi = i64x2.mul(yHi, rmulHi);
  const rLo = i64x2.shr_s(i64x2.add(i64x2.add(zLo, half), i64x2.shr_s(zLo, 63)), 31);
  const rHi = i64x2.shr_s(i64x2.add(i64x2.add(zHi, half), i64x2.shr_s(zHi, 63)), 31);
  const r = i32x4.shuffle(rLo, rHi, 0, 2, 4, 6);
  return i32x4.min_s(i32x4.max_s(i32x4.add(r, zp), lo), hi);
}

/** Stores the low `count` (< 8) bytes of the first i64 lane. */
@inline
export function store_bytes_partial(ptr: usize, bits: i64, count: i32): void {
  for (let j = 0; j < count; j++) store<u8>(ptr + <usize>j, u8(bits >> (8 * j)));
}
