// TFLite's QuantizeMultiplier (tflite/kernels/internal/quantization_util.cc), double-rounding build:
// real = q · 2^shift with q in [0.5, 1); multiplier = round(q · 2^31) in [2^30, 2^31).

export interface QuantizedMultiplier {
  /** Q31 fixed-point multiplier (0, or in [2^30, 2^31)). */
  readonly multiplier: number;
  /** Power-of-two exponent: positive = left shift. */
  readonly shift: number;
}

/** frexp for finite positive doubles: d = q·2^e, q in [0.5, 1). */
function frexp(d: number): [number, number] {
  let e = Math.floor(Math.log2(d)) + 1;
  let q = d / 2 ** e;
  while (q >= 1) { q /= 2; e++; }
  while (q < 0.5) { q *= 2; e--; }
  return [q, e];
}

export function quantizeMultiplier(real: number): QuantizedMultiplier {
  if (!(real >= 0) || !Number.isFinite(real)) throw new RangeError(`quantization multiplier must be finite and ≥ 0, got ${real}`);
  if (real === 0) return { multiplier: 0, shift: 0 };
  let [q, shift] = frexp(real);
  // q·2^31 is exact in double; q > 0 so Math.round's half-up equals std::round's half-away.
  let fixed = Math.round(q * 2 ** 31);
  if (fixed === 2 ** 31) { fixed /= 2; shift++; }
  if (shift < -31) return { multiplier: 0, shift: 0 };
  return { multiplier: fixed, shift };
}

/** Per output channel multipliers for conv / depthwise / per-channel FC: double(in)·double(w[c])/double(out). */
export function channelMultipliers(inputScale: number, weightScales: Float32Array, outputScale: number,
  channels: number, fcPerTensor: boolean): QuantizedMultiplier[] {
  const out: QuantizedMultiplier[] = [];
  for (let c = 0; c < channels; c++) {
    const ws = weightScales.length === 1 ? weightScales[0]! : weightScales[c]!;
    // Per-tensor FC (GetQuantizedConvolutionMultipler) forms in·w in float32 first.
    const real = fcPerTensor ? Math.fround(inputScale * ws) / outputScale : (inputScale * ws) / outputScale;
    out.push(quantizeMultiplier(real));
  }
  return out;
}

/** Float requantization scales (TFLite reference FC): double(in)·double(w[c]) / double(out), per channel. */
export function floatRequantScales(inputScale: number, weightScales: Float32Array, outputScale: number, channels: number): Float64Array {
  const out = new Float64Array(channels);
  for (let c = 0; c < channels; c++) {
    const ws = weightScales.length === 1 ? weightScales[0]! : weightScales[c]!;
    out[c] = (inputScale * ws) / outputScale;
  }
  return out;
}
