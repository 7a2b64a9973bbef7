// Dynamic (per-run) float → int8 quantization for hybrid ops, as TFLite's tensor_utils
// SymmetricQuantizeFloats / AsymmetricQuantizeFloats compute it (float32 where TFLite uses float, float64
// where it uses double; TfLiteRound = half away from zero).

@inline
function round_half_away_f32(x: f32): f32 {
  const t = Mathf.trunc(x);
  return Mathf.abs(x - t) >= 0.5 ? (x < 0 ? t - 1 : t + 1) : t;
}

@inline
function round_half_away_f64(x: f64): f64 {
  const t = Math.trunc(x);
  return Math.abs(x - t) >= 0.5 ? (x < 0 ? t - 1 : t + 1) : t;
}

/** Symmetric [-127, 127]; returns the scaling factor (1 for an all-zero input). */
export function f32_quantize_symmetric(src: usize, n: i32, dst: usize): f32 {
  let mn = load<f32>(src), mx = mn;
  for (let i = 1; i < n; i++) {
    const v = load<f32>(src + (<usize>i << 2));
    if (v < mn) mn = v;
    if (v > mx) mx = v;
  }
  const range = Mathf.max(Mathf.abs(mn), Mathf.abs(mx));
  if (range == 0) { memory.fill(dst, 0, <usize>n); return 1; }
  const sf: f32 = range / <f32>127;
  const inv: f32 = <f32>127 / range;
  for (let i = 0; i < n; i++) {
    let q = i32(round_half_away_f32(load<f32>(src + (<usize>i << 2)) * inv));
    q = q < -127 ? -127 : q > 127 ? 127 : q;
    store<i8>(dst + <usize>i, i8(q));
  }
  return sf;
}

let lastZeroPoint: i32 = 0;

/** Zero point chosen by the last f32_quantize_asymmetric call. */
export function quantize_last_zero_point(): i32 {
  return lastZeroPoint;
}

/** Asymmetric [-128, 127]; returns the scaling factor (zero point: quantize_last_zero_point()). */
export function f32_quantize_asymmetric(src: usize, n: i32, dst: usize): f32 {
  let mn = load<f32>(src), mx = mn;
  for (let i = 1; i < n; i++) {
    const v = load<f32>(src + (<usize>i << 2));
    if (v < mn) mn = v;
    if (v > mx) mx = v;
  }
  const rmin = f64(Mathf.min(0, mn));
  const rmax = f64(Mathf.max(0, mx));
  if (rmin == rmax) {
    memory.fill(dst, 0, <usize>n);
    lastZeroPoint = 0;
    return 1;
  }
  const scale = (rmax - rmin) / 255.0;
  const zpFromMin = -128.0 - rmin / scale;
  const zpFromMax = 127.0 - rmax / scale;
  const zpFromMinError = 128.0 + Math.abs(rmin / scale);
  const zpFromMaxError = 127.0 + Math.abs(rmax / scale);
  const zpDouble = zpFromMinError < zpFromMaxError ? zpFromMin : zpFromMax;
  let zp: i32;
  if (zpDouble <= -128.0) zp = -128;
  else if (zpDouble >= 127.0) zp = 127;
  else zp = i32(round_half_away_f64(zpDouble));
  const sf = f32(scale);
  const inv = f32(1.0 / f64(sf));
  for (let i = 0; i < n; i++) {
    // zp + round(x·inv), not round(zp + x·inv): what TF 2.21's x86 build computes (checked against
    // BUILTIN_REF hybrid FC outputs); the two differ at negative ties (-128 + 127.5).
    let q = zp + i32(round_half_away_f32(load<f32>(src + (<usize>i << 2)) * inv));
    q = q < -128 ? -128 : q > 127 ? 127 : q;
    store<i8>(dst + <usize>i, i8(q));
  }
  lastZeroPoint = zp;
  return sf;
}

/**
 * Hybrid epilogue: int32 accumulators [m][n] → float [m][n] with TFLite's float32 operation order.
 *   D = acc - corr·rowsum[c]  (exact Σ w·(q - zp); corr ≠ 0 only for the relaxed u8/i8 encodings)
 *   order 0 (conv per-channel, reference HybridConvPerChannel): (f32(D)·ws[c])·sf + bias
 *   order 1 (conv per-tensor, depthwise):                        f32(D)·(ws[c]·sf) + bias
 *   order 2 (FC, MatrixBatchVectorMultiplyAccumulate):           bias + f32(D)·(sf·ws[c])  (int32 row-sum correction)
 * then clamp to [actMin, actMax].
 */
export function hybrid_epilogue(acc: usize, m: i32, n: i32, rowsum: usize, corr: i32, zp: i32, sf: f32,
  wscale: usize, order: i32, bias: usize, actMin: f32, actMax: f32, out: usize): void {
  for (let r = 0; r < m; r++) {
    const ar = acc + (<usize>(r * n) << 2);
    const orow = out + (<usize>(r * n) << 2);
    for (let c = 0; c < n; c++) {
      const cu = <usize>c << 2;
      const rs = load<i32>(rowsum + cu);
      const d = load<i32>(ar + cu) - corr * rs;
      const ws = load<f32>(wscale + cu);
      let v: f32;
      if (order == 0) {
        v = f32(d) * ws * sf + load<f32>(bias + cu);
      } else if (order == 1) {
        v = f32(d) * (ws * sf) + load<f32>(bias + cu);
      } else {
        v = load<f32>(bias + cu) + f32(d) * (sf * ws);
      }
      v = Mathf.min(Mathf.max(v, actMin), actMax);
      store<f32>(orow + cu, v);
    }
  }
}
