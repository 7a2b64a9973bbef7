// Test oracles: TFLite's quantization arithmetic written out literally, slow and obvious.
// Sources: tflite/kernels/internal/quantization_util.cc (QuantizeMultiplier), common.h
// (MultiplyByQuantizedMultiplier, double rounding), gemmlowp fixedpoint (SaturatingRoundingDoublingHighMul,
// RoundingDivideByPOT), reference/portable_tensor_utils.cc (Symmetric/AsymmetricQuantizeFloats).

const f32 = Math.fround;

/** std::round / TfLiteRound: halves go away from zero (Math.round sends −2.5 to −2). */
export function roundHalfAwayFromZero(x: number): number {
  const t = Math.trunc(x);
  return Math.abs(x - t) >= 0.5 ? t + Math.sign(x) : t;
}

/** std::round semantics without the x+0.5 rounding hazard near 2^52 and at 0.49999999999999994. */
function stdRound(x: number): number {
  const t = Math.trunc(x);
  return Math.abs(x - t) >= 0.5 ? t + Math.sign(x) : t;
}

/** QuantizeMultiplier(double): returns [quantized_multiplier, shift]. */
export function quantizeMultiplierRef(real: number): [number, number] {
  if (real === 0) return [0, 0];
  // frexp by repeated halving/doubling, the obvious way.
  let q = real, shift = 0;
  while (q >= 1) { q /= 2; shift++; }
  while (q < 0.5) { q *= 2; shift--; }
  let qFixed = stdRound(q * 2147483648);
  if (qFixed === 2147483648) { qFixed /= 2; shift++; }
  if (shift < -31) { shift = 0; qFixed = 0; }
  return [qFixed, shift];
}

const INT32_MIN = -2147483648;

/** gemmlowp SaturatingRoundingDoublingHighMul with C++ truncating division. */
export function saturatingRoundingDoublingHighMul(a: number, b: number): number {
  if (a === INT32_MIN && b === INT32_MIN) return 2147483647;
  const ab = BigInt(a) * BigInt(b);
  const nudge = ab >= 0n ? 1n << 30n : 1n - (1n << 30n);
  return Number((ab + nudge) / (1n << 31n)); // BigInt division truncates toward zero, like C++.
}

/** gemmlowp RoundingDivideByPOT: x / 2^exponent rounded half away from zero. */
export function roundingDivideByPOT(x: number, exponent: number): number {
  const mask = (2 ** exponent) - 1;
  const remainder = Number(BigInt(x) & BigInt(mask));
  const threshold = Math.floor(mask / 2) + (x < 0 ? 1 : 0);
  return Math.floor(x / 2 ** exponent) + (remainder > threshold ? 1 : 0);
}

/** MultiplyByQuantizedMultiplier, default (double-rounding) build. */
export function multiplyByQuantizedMultiplier(x: number, multiplier: number, shift: number): number {
  const leftShift = shift > 0 ? shift : 0;
  const rightShift = shift > 0 ? 0 : -shift;
  const shifted = Math.imul(x, 2 ** leftShift | 0) ; // int32 multiply, wraps like the C++ code in practice
  return roundingDivideByPOT(saturatingRoundingDoublingHighMul(shifted, multiplier), rightShift);
}

export interface QuantizedFloats {
  values: Int8Array;
  scale: number;
  zeroPoint: number;
}

/** PortableSymmetricQuantizeFloats: [-127, 127], all float32 arithmetic. */
export function symmetricQuantizeFloats(values: Float32Array): QuantizedFloats {
  let mn = values[0]!, mx = values[0]!;
  for (const v of values) { if (v < mn) mn = v; if (v > mx) mx = v; }
  const range = Math.max(Math.abs(mn), Math.abs(mx));
  const out = new Int8Array(values.length);
  if (range === 0) return { values: out, scale: 1, zeroPoint: 0 };
  const scale = f32(range / 127);
  const inv = f32(127 / range);
  for (let i = 0; i < values.length; i++) {
    const q = stdRound(f32(values[i]! * inv));
    out[i] = Math.min(127, Math.max(-127, q));
  }
  return { values: out, scale, zeroPoint: 0 };
}

/** AsymmetricQuantizeFloats: [-128, 127]; range and zero point in double, quantization in float. */
export function asymmetricQuantizeFloats(values: Float32Array): QuantizedFloats {
  let mn = values[0]!, mx = values[0]!;
  for (const v of values) { if (v < mn) mn = v; if (v > mx) mx = v; }
  const rmin = Math.min(0, mn), rmax = Math.max(0, mx);
  const out = new Int8Array(values.length);
  if (rmin === rmax) return { values: out, scale: 1, zeroPoint: 0 };
  const qmin = -128, qmax = 127;
  const scale = (rmax - rmin) / (qmax - qmin);
  const zeroPointFromMin = qmin - rmin / scale;
  const zeroPointFromMax = qmax - rmax / scale;
  const zeroPointFromMinError = Math.abs(qmin) + Math.abs(rmin / scale);
  const zeroPointFromMaxError = Math.abs(qmax) + Math.abs(rmax / scale);
  const zeroPointDouble = zeroPointFromMinError < zeroPointFromMaxError ? zeroPointFromMin : zeroPointFromMax;
  let zeroPoint: number;
  if (zeroPointDouble <= qmin) zeroPoint = qmin;
  else if (zeroPointDouble >= qmax) zeroPoint = qmax;
  else zeroPoint = stdRound(zeroPointDouble);
  const scaleF = f32(scale);
  const inv = f32(1 / scaleF);
  for (let i = 0; i < values.length; i++) {
    // The portable source reads TfLiteRound(zp + x·inv); TF 2.21's x86 wheel (BUILTIN_REF) computes
    // zp + TfLiteRound(x·inv) — checked on hybrid FC outputs; they differ at negative ties.
    const q = zeroPoint + stdRound(f32(values[i]! * inv));
    out[i] = Math.min(qmax, Math.max(qmin, q));
  }
  return { values: out, scale: scaleF, zeroPoint };
}

/** reference quantize.h AffineQuantize: round_half_away(float(x / float(scale))) + zp, clamped; NaN → qMin (x86 TFLite). */
export function quantizeStaticRef(x: ArrayLike<number>, scale: number, zeroPoint: number, qMin: number, qMax: number): number[] {
  const out: number[] = [];
  scale = f32(scale);
  for (let i = 0; i < x.length; i++) {
    const q = roundHalfAwayFromZero(f32(x[i]! / scale)) + zeroPoint;
    out.push(Number.isNaN(q) ? qMin : Math.min(qMax, Math.max(qMin, q)));
  }
  return out;
}
