// Dynamic (per-run) float → int8 quantization for hybrid ops, as TFLite's tensor_utils
// SymmetricQuantizeFloats / AsymmetricQuantizeFloats compute it (float32 where TFLite uses float, float64
// where it uses double; TfLiteRound = half away from zero).

/** Branch-free (data-dependent branches mispredict on every other element). */
@inline
function round_half_away_f32(x: f32): f32 {
  const t = Mathf.trunc(x);
  return t + select<f32>(copysign<f32>(1, x), 0, Mathf.abs(x - t) >= 0.5);
}

@inline
function round_half_away_f64(x: f64): f64 {
  const t = Math.trunc(x);
  return Math.abs(x - t) >= 0.5 ? (x < 0 ? t - 1 : t + 1) : t;
}

let minOut: f32 = 0, maxOut: f32 = 0;

/** min and max of n ≥ 1 floats into minOut / maxOut (pmin/pmax = the scalar `v < m ? v : m`). */
@inline
function min_max_f32(src: usize, n: i32): void {
  let mn = load<f32>(src), mx = mn;
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    if (n >= 4) {
      let vmn = v128.load(src), vmx = vmn;
      for (i = 4; i + 4 <= n; i += 4) {
        const v = v128.load(src + (<usize>i << 2));
        vmn = f32x4.pmin(v, vmn);
        vmx = f32x4.pmax(v, vmx);
      }
      mn = Mathf.min(Mathf.min(f32x4.extract_lane(vmn, 0), f32x4.extract_lane(vmn, 1)),
        Mathf.min(f32x4.extract_lane(vmn, 2), f32x4.extract_lane(vmn, 3)));
      mx = Mathf.max(Mathf.max(f32x4.extract_lane(vmx, 0), f32x4.extract_lane(vmx, 1)),
        Mathf.max(f32x4.extract_lane(vmx, 2), f32x4.extract_lane(vmx, 3)));
    }
  }
  for (; i < n; i++) {
    const v = load<f32>(src + (<usize>i << 2));
    if (v < mn) mn = v;
    if (v > mx) mx = v;
  }
  minOut = mn;
  maxOut = mx;
}

/** Four lanes of round_half_away (as floats). */
@inline
function round_half_away_f32x4(v: v128): v128 {
  const t = f32x4.trunc(v);
  // ±1.0 where |v - t| ≥ 0.5 (sign of v), else 0: half away from zero. v - t and t ± 1 are exact.
  const one = v128.or(v128.and(v, i32x4.splat(0x80000000)), f32x4.splat(1));
  return f32x4.add(t, v128.and(f32x4.ge(f32x4.abs(f32x4.sub(v, t)), f32x4.splat(0.5)), one));
}

/**
 * Four lanes of clamp(round_half_away(x·s or x / s) + zp, lo, hi), as i32. The zero point is added and the clamp
 * done in float: below 2^24 the sum is exact, beyond it clamps either way; pmax(lo, r) = lo < r ? r : lo sends
 * NaN to lo (as x86 TFLite, whose int conversion of NaN is INT_MIN), after which the conversion is in range.
 */
@inline
function quantize_f32x4(x: v128, vs: v128, divide: bool, vzp: v128, vlo: v128, vhi: v128): v128 {
  const r = f32x4.add(round_half_away_f32x4(divide ? f32x4.div(x, vs) : f32x4.mul(x, vs)), vzp);
  return i32x4.trunc_sat_f32x4_s(f32x4.pmin(vhi, f32x4.pmax(vlo, r)));
}

/** dst[i] = clamp(round_half_away(src[i]·s, or src[i] / s when divide) + zp, lo, hi) as int8 (uint8 when unsigned). */
@inline
function quantize_store(src: usize, n: i32, dst: usize, s: f32, divide: bool, zp: i32, lo: i32, hi: i32, unsigned: bool): void {
  let i = 0;
  const flo = f32(lo), fhi = f32(hi), fzp = f32(zp);
  if (ASC_FEATURE_SIMD) {
    const vs = f32x4.splat(s), vzp = f32x4.splat(fzp), vlo = f32x4.splat(flo), vhi = f32x4.splat(fhi);
    for (; i + 16 <= n; i += 16) {
      const p = src + (<usize>i << 2);
      const a = quantize_f32x4(v128.load(p), vs, divide, vzp, vlo, vhi);
      const b = quantize_f32x4(v128.load(p, 16), vs, divide, vzp, vlo, vhi);
      const c = quantize_f32x4(v128.load(p, 32), vs, divide, vzp, vlo, vhi);
      const d = quantize_f32x4(v128.load(p, 48), vs, divide, vzp, vlo, vhi);
      const ab = i16x8.narrow_i32x4_s(a, b), cd = i16x8.narrow_i32x4_s(c, d);
      v128.store(dst + <usize>i, unsigned ? i8x16.narrow_i16x8_u(ab, cd) : i8x16.narrow_i16x8_s(ab, cd));
    }
  }
  for (; i < n; i++) {
    const x = load<f32>(src + (<usize>i << 2));
    let r = round_half_away_f32(divide ? x / s : x * s) + fzp;
    r = flo < r ? r : flo;
    r = r < fhi ? r : fhi;
    store<u8>(dst + <usize>i, u8(i32(r)));
  }
}

/** Symmetric [-127, 127]; returns the scaling factor (1 for an all-zero input). */
export function f32_quantize_symmetric(src: usize, n: i32, dst: usize): f32 {
  min_max_f32(src, n);
  const range = Mathf.max(Mathf.abs(minOut), Mathf.abs(maxOut));
  if (range == 0) { memory.fill(dst, 0, <usize>n); return 1; }
  const sf: f32 = range / <f32>127;
  const inv: f32 = <f32>127 / range;
  quantize_store(src, n, dst, inv, false, 0, -127, 127, false);
  return sf;
}

let lastZeroPoint: i32 = 0;

/** Zero point chosen by the last f32_quantize_asymmetric call. */
export function quantize_last_zero_point(): i32 {
  return lastZeroPoint;
}

/** Asymmetric [-128, 127]; returns the scaling factor (zero point: quantize_last_zero_point()). */
export function f32_quantize_asymmetric(src: usize, n: i32, dst: usize): f32 {
  min_max_f32(src, n);
  const rmin = f64(Mathf.min(0, minOut));
  const rmax = f64(Mathf.max(0, maxOut));
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
  // zp + round(x·inv), not round(zp + x·inv): what TF 2.21's x86 build computes (checked against
  // BUILTIN_REF hybrid FC outputs); the two differ at negative ties (-128 + 127.5).
  quantize_store(src, n, dst, inv, false, zp, -128, 127, false);
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
    let c = 0;
    if (ASC_FEATURE_SIMD) {
      const vcorr = i32x4.splat(corr), vsf = f32x4.splat(sf), lo = f32x4.splat(actMin), hi = f32x4.splat(actMax);
      for (; c + 4 <= n; c += 4) {
        const cu = <usize>c << 2;
        const d = f32x4.convert_i32x4_s(i32x4.sub(v128.load(ar + cu), i32x4.mul(vcorr, v128.load(rowsum + cu))));
        const ws = v128.load(wscale + cu);
        // Orders 1 and 2 are both f32(D)·(ws·sf) + bias (products and sums commute bit-exactly).
        const v = order == 0 ? f32x4.mul(f32x4.mul(d, ws), vsf) : f32x4.mul(d, f32x4.mul(ws, vsf));
        v128.store(orow + cu, f32x4.min(f32x4.max(f32x4.add(v, v128.load(bias + cu)), lo), hi));
      }
    }
    for (; c < n; c++) {
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

/**
 * QUANTIZE with a fixed output scale (reference quantize.h AffineQuantize): q = round_half_away(x / scale) + zp,
 * division in float, clamped to [lo, hi] (an int8 or uint8 range; unsigned != 0 stores uint8); NaN gives lo.
 */
export function f32_quantize_static(src: usize, n: i32, dst: usize, scale: f32, zp: i32, lo: i32, hi: i32, unsigned: i32): void {
  quantize_store(src, n, dst, scale, true, zp, lo, hi, unsigned != 0);
}
