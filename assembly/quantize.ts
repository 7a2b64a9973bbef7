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

// 1.5·2^23 in four lanes (see quantize_f32x4). Loaded once per call rather than written as a splat: V8 rebuilds a
// v128 constant at every use inside a loop.
const MAGIC_1P5_2P23 = memory.data<u32>([0x4b400000, 0x4b400000, 0x4b400000, 0x4b400000], 16);

/**
 * Four lanes of clamp(round_half_away(v) + zp, lo, hi) as i32, with vL = lo − zp, vH = hi − zp, vzm = zp + 1.5·2^23.
 * Clamping v to [lo − zp, hi − zp] first gives the same result (the bounds are integers, which rounding keeps) and
 * sends NaN to lo like the scalar path (pmax(L, v) = L < v ? v : L), ±Inf to the bounds. Then half away from zero
 * is t + trunc(2·(v − t)) (±1 exactly when |v − t| ≥ 0.5; every step exact), and adding zp + 1.5·2^23 leaves the
 * integer result in the low mantissa bits: an exact conversion without trunc_sat's NaN/overflow fix-ups.
 */
@inline
function quantize_f32x4(v: v128, vL: v128, vH: v128, vzm: v128, magic: v128): v128 {
  const c = f32x4.pmin(vH, f32x4.pmax(vL, v));
  const t = f32x4.trunc(c);
  const f = f32x4.sub(c, t);
  return i32x4.sub(f32x4.add(f32x4.add(t, f32x4.trunc(f32x4.add(f, f))), vzm), magic);
}

/** dst[i] = clamp(round_half_away(src[i]·s, or src[i] / s when divide) + zp, lo, hi) as int8 (uint8 when unsigned). */
@inline
function quantize_store(src: usize, n: i32, dst: usize, s: f32, divide: bool, zp: i32, lo: i32, hi: i32, unsigned: bool): void {
  let i = 0;
  const flo = f32(lo), fhi = f32(hi), fzp = f32(zp);
  if (ASC_FEATURE_SIMD) {
    const vs = f32x4.splat(s), vL = f32x4.splat(f32(lo - zp)), vH = f32x4.splat(f32(hi - zp));
    const vzm = f32x4.splat(fzp + f32(12582912.0)), magic = v128.load(MAGIC_1P5_2P23);
    for (; i + 16 <= n; i += 16) {
      const p = src + (<usize>i << 2);
      let x0 = v128.load(p), x1 = v128.load(p, 16), x2 = v128.load(p, 32), x3 = v128.load(p, 48);
      if (divide) {
        x0 = f32x4.div(x0, vs); x1 = f32x4.div(x1, vs); x2 = f32x4.div(x2, vs); x3 = f32x4.div(x3, vs);
      } else {
        x0 = f32x4.mul(x0, vs); x1 = f32x4.mul(x1, vs); x2 = f32x4.mul(x2, vs); x3 = f32x4.mul(x3, vs);
      }
      const a = quantize_f32x4(x0, vL, vH, vzm, magic), b = quantize_f32x4(x1, vL, vH, vzm, magic);
      const c = quantize_f32x4(x2, vL, vH, vzm, magic), d = quantize_f32x4(x3, vL, vH, vzm, magic);
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
  // Constant order / no-correction variants: as plain selects both sides would be computed for every vector.
  if (order == 0) {
    if (corr != 0) epilogue_rows(acc, m, n, rowsum, corr, sf, wscale, 0, bias, actMin, actMax, out, true);
    else epilogue_rows(acc, m, n, rowsum, 0, sf, wscale, 0, bias, actMin, actMax, out, false);
  } else if (order == 1) {
    if (corr != 0) epilogue_rows(acc, m, n, rowsum, corr, sf, wscale, 1, bias, actMin, actMax, out, true);
    else epilogue_rows(acc, m, n, rowsum, 0, sf, wscale, 1, bias, actMin, actMax, out, false);
  } else {
    epilogue_rows(acc, m, n, rowsum, corr, sf, wscale, 2, bias, actMin, actMax, out, corr != 0);
  }
}

@inline
function epilogue_rows(acc: usize, m: i32, n: i32, rowsum: usize, corr: i32, sf: f32, wscale: usize, order: i32,
  bias: usize, actMin: f32, actMax: f32, out: usize, withCorr: bool): void {
  for (let r = 0; r < m; r++) {
    const ar = acc + (<usize>(r * n) << 2);
    const orow = out + (<usize>(r * n) << 2);
    let c = 0;
    if (ASC_FEATURE_SIMD) {
      const vcorr = i32x4.splat(corr), vsf = f32x4.splat(sf), lo = f32x4.splat(actMin), hi = f32x4.splat(actMax);
      for (; c + 4 <= n; c += 4) {
        const cu = <usize>c << 2;
        const a = v128.load(ar + cu);
        const d = f32x4.convert_i32x4_s(withCorr ? i32x4.sub(a, i32x4.mul(vcorr, v128.load(rowsum + cu))) : a);
        const ws = v128.load(wscale + cu);
        // Orders 1 and 2 are both f32(D)·(ws·sf) + bias (products and sums commute bit-exactly).
        const v = order == 0 ? f32x4.mul(f32x4.mul(d, ws), vsf) : f32x4.mul(d, f32x4.mul(ws, vsf));
        // TFLite's std::min(std::max(v, lo), hi) is exactly pmin(pmax(v, lo), hi) (NaN kept, −0 kept): two
        // instructions where f32x4.min/max cost eight each on x64.
        v128.store(orow + cu, f32x4.pmin(f32x4.pmax(f32x4.add(v, v128.load(bias + cu)), lo), hi));
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
      v = v < actMin ? actMin : v;
      v = actMax < v ? actMax : v;
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
