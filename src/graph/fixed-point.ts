// TFLite integer arithmetic, reproduced exactly (tensorflow/lite/kernels/internal/common.h,
// quantization_util.cc, gemmlowp fixedpoint.h). int64 products are evaluated exactly by splitting.

/** std::round: half away from zero (JS Math.round rounds half toward +∞). */
export function roundHalfAway(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

/** QuantizeMultiplier(double): returns [multiplier (Q31), shift (positive = left)]. */
export function quantizeMultiplier(real: number): [number, number] {
  if (real === 0 || !Number.isFinite(real)) return [0, 0];
  let exponent = Math.floor(Math.log2(Math.abs(real))) + 1;
  let q = real / 2 ** exponent;
  // frexp normalisation: q in [0.5, 1); log2 can be off by one near powers of two.
  if (Math.abs(q) >= 1) { q /= 2; exponent += 1; }
  if (Math.abs(q) < 0.5) { q *= 2; exponent -= 1; }
  let qFixed = roundHalfAway(q * 2 ** 31);
  if (qFixed === 2 ** 31) { qFixed /= 2; exponent += 1; }
  if (exponent < -31) return [0, 0];
  return [qFixed, exponent];
}

const TWO_31 = 2 ** 31;

/** gemmlowp SaturatingRoundingDoublingHighMul for int32: trunc((a·b + nudge) / 2^31). */
export function srdhm32(a: number, b: number): number {
  if (a === -TWO_31 && b === -TWO_31) return 0x7fffffff;
  // a·b may exceed 2^53: split b into 16-bit halves so each partial product is exact.
  const bHi = Math.floor(b / 65536);
  const bLo = b - bHi * 65536;
  const hi = a * bHi; // |hi| < 2^46
  const n = (a >= 0) === (b >= 0) || a === 0 || b === 0 ? 2 ** 30 : 1 - 2 ** 30;
  // total = hi·2^16 + (a·bLo + n); split hi = hq·2^15 + hr so total = hq·2^31 + (hr·2^16 + a·bLo + n).
  const hq = Math.floor(hi / 32768);
  const hr = hi - hq * 32768;
  const rest = hr * 65536 + a * bLo + n; // exact: |rest| < 2^49
  const restQ = Math.floor(rest / TWO_31);
  let q = hq + restQ;
  const rem = rest - restQ * TWO_31;
  if (q < 0 && rem !== 0) q += 1; // C division truncates toward zero
  return q;
}

/** gemmlowp RoundingDivideByPOT (round half away from zero). */
export function roundingDivideByPOT(x: number, exponent: number): number {
  if (exponent === 0) return x;
  const mask = exponent >= 31 ? 0x7fffffff : (1 << exponent) - 1;
  const remainder = x & mask;
  const threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

/** MultiplyByQuantizedMultiplier (double-rounding, TFLite default build). */
export function multiplyByQuantizedMultiplier(x: number, multiplier: number, shift: number): number {
  const leftShift = shift > 0 ? shift : 0;
  const rightShift = shift > 0 ? 0 : -shift;
  return roundingDivideByPOT(srdhm32(leftShift ? Math.imul(x, 1 << leftShift) : x, multiplier), rightShift);
}

/** gemmlowp SaturatingRoundingDoublingHighMul for int16. */
export function srdhm16(a: number, b: number): number {
  if (a === -32768 && b === -32768) return 32767;
  const ab = a * b;
  const nudge = ab >= 0 ? 1 << 14 : 1 - (1 << 14);
  return Math.trunc((ab + nudge) / 32768);
}

/** int16 RoundingDivideByPOT. */
export function roundingDivideByPOT16(x: number, exponent: number): number {
  if (exponent === 0) return x;
  const mask = (1 << exponent) - 1;
  const remainder = x & mask;
  const threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

/** float32 rounding of a double, spelled out where C++ computes in float. */
export const f32 = Math.fround;
