// float32 GEMM / GEMV / depthwise for float models. Plain mul + add (no relaxed_madd: FMA would change
// rounding against TFLite's reference); k is accumulated in order, bias added last, as TFLite does.
import { store_f32x4_partial } from './store';

// B layout: per block of 8 columns, k rows × 8 f32 (32 bytes per k). bias f32[np], np = n rounded up to 8.
// A: f32 rows of k elements (row stride k*4 bytes). C: row stride n*4 bytes. Rows past m alias the last row.

@inline
function f32_store_row_8(cRow: usize, s0: v128, s1: v128, bias: usize, lo: v128, hi: v128, nrem: i32): void {
  s0 = f32x4.min(f32x4.max(f32x4.add(s0, v128.load(bias)), lo), hi);
  s1 = f32x4.min(f32x4.max(f32x4.add(s1, v128.load(bias, 16)), lo), hi);
  store_f32x4_partial(cRow, s0, nrem);
  if (nrem > 4) store_f32x4_partial(cRow + 16, s1, nrem - 4);
}

function f32_gemm_4x8__wasmsimd(a: usize, k: i32, m: i32, b: usize, n: i32, bias: usize,
  actMin: f32, actMax: f32, c: usize): void {
  const aStride = <usize>k << 2;
  const cs = <usize>n << 2;
  const blockBytes = <usize>k << 5;
  const lo = f32x4.splat(actMin), hi = f32x4.splat(actMax);
  for (let nb = 0; nb < n; nb += 8) {
    const w0 = b + <usize>(nb >> 3) * blockBytes;
    for (let mb = 0; mb < m; mb += 4) {
      const a0 = a + <usize>mb * aStride;
      const a1 = mb + 1 < m ? a0 + aStride : a0;
      const a2 = mb + 2 < m ? a1 + aStride : a1;
      const a3 = mb + 3 < m ? a2 + aStride : a2;
      let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
      let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
      let w = w0;
      let kk: usize = 0;
      // K unrolled ×2; each accumulator still sums k in order (TFLite's order).
      for (; kk + 8 <= aStride; kk += 8) {
        let b0: v128, b1: v128, x0: v128, x1: v128;
        b0 = v128.load(w, 0); b1 = v128.load(w, 16);
        x0 = v128.load32_splat(a0 + kk, 0); x1 = v128.load32_splat(a1 + kk, 0);
        c00 = f32x4.add(c00, f32x4.mul(x0, b0)); c01 = f32x4.add(c01, f32x4.mul(x0, b1));
        c10 = f32x4.add(c10, f32x4.mul(x1, b0)); c11 = f32x4.add(c11, f32x4.mul(x1, b1));
        x0 = v128.load32_splat(a2 + kk, 0); x1 = v128.load32_splat(a3 + kk, 0);
        c20 = f32x4.add(c20, f32x4.mul(x0, b0)); c21 = f32x4.add(c21, f32x4.mul(x0, b1));
        c30 = f32x4.add(c30, f32x4.mul(x1, b0)); c31 = f32x4.add(c31, f32x4.mul(x1, b1));
        b0 = v128.load(w, 32); b1 = v128.load(w, 48);
        x0 = v128.load32_splat(a0 + kk, 4); x1 = v128.load32_splat(a1 + kk, 4);
        c00 = f32x4.add(c00, f32x4.mul(x0, b0)); c01 = f32x4.add(c01, f32x4.mul(x0, b1));
        c10 = f32x4.add(c10, f32x4.mul(x1, b0)); c11 = f32x4.add(c11, f32x4.mul(x1, b1));
        x0 = v128.load32_splat(a2 + kk, 4); x1 = v128.load32_splat(a3 + kk, 4);
        c20 = f32x4.add(c20, f32x4.mul(x0, b0)); c21 = f32x4.add(c21, f32x4.mul(x0, b1));
        c30 = f32x4.add(c30, f32x4.mul(x1, b0)); c31 = f32x4.add(c31, f32x4.mul(x1, b1));
        w += 64;
      }
      for (; kk < aStride; kk += 4) {
        let b0: v128, b1: v128, x0: v128, x1: v128;
        b0 = v128.load(w, 0); b1 = v128.load(w, 16);
        x0 = v128.load32_splat(a0 + kk, 0); x1 = v128.load32_splat(a1 + kk, 0);
        c00 = f32x4.add(c00, f32x4.mul(x0, b0)); c01 = f32x4.add(c01, f32x4.mul(x0, b1));
        c10 = f32x4.add(c10, f32x4.mul(x1, b0)); c11 = f32x4.add(c11, f32x4.mul(x1, b1));
        x0 = v128.load32_splat(a2 + kk, 0); x1 = v128.load32_splat(a3 + kk, 0);
        c20 = f32x4.add(c20, f32x4.mul(x0, b0)); c21 = f32x4.add(c21, f32x4.mul(x0, b1));
        c30 = f32x4.add(c30, f32x4.mul(x1, b0)); c31 = f32x4.add(c31, f32x4.mul(x1, b1));
        w += 32;
      }
      const r0 = c + <usize>mb * cs + (<usize>nb << 2);
      const r1 = mb + 1 < m ? r0 + cs : r0;
      const r2 = mb + 2 < m ? r1 + cs : r1;
      const r3 = mb + 3 < m ? r2 + cs : r2;
      const bp = bias + (<usize>nb << 2);
      const nrem = n - nb;
      f32_store_row_8(r3, c30, c31, bp, lo, hi, nrem);
      f32_store_row_8(r2, c20, c21, bp, lo, hi, nrem);
      f32_store_row_8(r1, c10, c11, bp, lo, hi, nrem);
      f32_store_row_8(r0, c00, c01, bp, lo, hi, nrem);
    }
  }
}

@inline
function clampf(v: f32, lo: f32, hi: f32): f32 {
  return Mathf.min(Mathf.max(v, lo), hi);
}

function f32_gemm_1x8__scalar(a: usize, k: i32, m: i32, b: usize, n: i32, bias: usize,
  actMin: f32, actMax: f32, c: usize): void {
  const aStride = <usize>k << 2;
  const cs = <usize>n << 2;
  const blockBytes = <usize>k << 5;
  for (let nb = 0; nb < n; nb += 8) {
    const w0 = b + <usize>(nb >> 3) * blockBytes;
    const cnt = min(8, n - nb);
    for (let mr = 0; mr < m; mr++) {
      const a0 = a + <usize>mr * aStride;
      let s0: f32 = 0, s1: f32 = 0, s2: f32 = 0, s3: f32 = 0, s4: f32 = 0, s5: f32 = 0, s6: f32 = 0, s7: f32 = 0;
      let w = w0;
      for (let kk: usize = 0; kk < aStride; kk += 4) {
        const x = load<f32>(a0 + kk);
        s0 += x * load<f32>(w); s1 += x * load<f32>(w, 4); s2 += x * load<f32>(w, 8); s3 += x * load<f32>(w, 12);
        s4 += x * load<f32>(w, 16); s5 += x * load<f32>(w, 20); s6 += x * load<f32>(w, 24); s7 += x * load<f32>(w, 28);
        w += 32;
      }
      const r0 = c + <usize>mr * cs + (<usize>nb << 2);
      const bp = bias + (<usize>nb << 2);
      for (let j = 0; j < cnt; j++) {
        const s = j == 0 ? s0 : j == 1 ? s1 : j == 2 ? s2 : j == 3 ? s3 : j == 4 ? s4 : j == 5 ? s5 : j == 6 ? s6 : s7;
        store<f32>(r0 + (<usize>j << 2), clampf(s + load<f32>(bp + (<usize>j << 2)), actMin, actMax));
      }
    }
  }
}

export function f32_gemm(a: usize, k: i32, m: i32, b: usize, n: i32, bias: usize,
  actMin: f32, actMax: f32, c: usize): void {
  if (ASC_FEATURE_SIMD) f32_gemm_4x8__wasmsimd(a, k, m, b, n, bias, actMin, actMax, c);
  else f32_gemm_1x8__scalar(a, k, m, b, n, bias, actMin, actMax, c);
}

@inline
function hsum_f32(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}

/** The GEMV's scalar tail (k not a multiple of 4) for one output. */
@inline
function f32_tail(s: f32, x: usize, w: usize, k4: i32, k: i32): f32 {
  for (let kk = k4; kk < k; kk++) s += load<f32>(w + (<usize>kk << 2)) * load<f32>(x + (<usize>kk << 2));
  return s;
}

@inline
function f32_store_cols_4(out: usize, x: usize, w0: usize, stride: usize, k4: i32, k: i32, bias: usize,
  s0: f32, s1: f32, s2: f32, s3: f32, actMin: f32, actMax: f32, cnt: i32): void {
  store<f32>(out, clampf(f32_tail(s0, x, w0, k4, k) + load<f32>(bias), actMin, actMax));
  if (cnt > 1) store<f32>(out, clampf(f32_tail(s1, x, w0 + stride, k4, k) + load<f32>(bias, 4), actMin, actMax), 4);
  if (cnt > 2) store<f32>(out, clampf(f32_tail(s2, x, w0 + 2 * stride, k4, k) + load<f32>(bias, 8), actMin, actMax), 8);
  if (cnt > 3) store<f32>(out, clampf(f32_tail(s3, x, w0 + 3 * stride, k4, k) + load<f32>(bias, 12), actMin, actMax), 12);
}

/**
 * Several rows over the GEMV's weight layout with the GEMV's arithmetic for every output (four lane partial
 * sums over k, reduced in lane order, then the scalar tail), so a batched float FC equals per-row GEMVs bit
 * for bit, while each block of four weight rows is read once per two input rows instead of once per row.
 * x: m rows of k f32 (row stride k·4 bytes); out: m rows of n f32.
 */
function f32_gemm_2x4c4__wasmsimd(x: usize, k: i32, m: i32, w: usize, kp: i32, n: i32, bias: usize,
  actMin: f32, actMax: f32, out: usize): void {
  const stride = <usize>kp << 2, xStride = <usize>k << 2, os = <usize>n << 2;
  const k4 = k & ~3;
  const kEnd = <usize>k4 << 2;
  for (let r = 0; r < n; r += 4) {
    const w0 = w + <usize>r * stride, w1 = w0 + stride, w2 = w1 + stride, w3 = w2 + stride;
    const cnt = min(4, n - r);
    const bp = bias + (<usize>r << 2);
    for (let mb = 0; mb < m; mb += 2) {
      const x0 = x + <usize>mb * xStride;
      const x1 = mb + 1 < m ? x0 + xStride : x0;
      let a00 = f32x4.splat(0), a01 = f32x4.splat(0), a02 = f32x4.splat(0), a03 = f32x4.splat(0);
      let a10 = f32x4.splat(0), a11 = f32x4.splat(0), a12 = f32x4.splat(0), a13 = f32x4.splat(0);
      for (let off: usize = 0; off < kEnd; off += 16) {
        const v0 = v128.load(x0 + off), v1 = v128.load(x1 + off);
        let wv = v128.load(w0 + off);
        a00 = f32x4.add(a00, f32x4.mul(wv, v0)); a10 = f32x4.add(a10, f32x4.mul(wv, v1));
        wv = v128.load(w1 + off);
        a01 = f32x4.add(a01, f32x4.mul(wv, v0)); a11 = f32x4.add(a11, f32x4.mul(wv, v1));
        wv = v128.load(w2 + off);
        a02 = f32x4.add(a02, f32x4.mul(wv, v0)); a12 = f32x4.add(a12, f32x4.mul(wv, v1));
        wv = v128.load(w3 + off);
        a03 = f32x4.add(a03, f32x4.mul(wv, v0)); a13 = f32x4.add(a13, f32x4.mul(wv, v1));
      }
      // Second row first: when it aliases the first (m odd), the real row's values are stored last.
      if (mb + 1 < m) {
        f32_store_cols_4(out + <usize>(mb + 1) * os + (<usize>r << 2), x1, w0, stride, k4, k, bp,
          hsum_f32(a10), hsum_f32(a11), hsum_f32(a12), hsum_f32(a13), actMin, actMax, cnt);
      }
      f32_store_cols_4(out + <usize>mb * os + (<usize>r << 2), x0, w0, stride, k4, k, bp,
        hsum_f32(a00), hsum_f32(a01), hsum_f32(a02), hsum_f32(a03), actMin, actMax, cnt);
    }
  }
}

/** Float FC over several rows, identical to f32_gemv per row (the scalar build runs exactly that). */
export function f32_gemm_c4(x: usize, k: i32, m: i32, w: usize, kp: i32, n: i32, bias: usize,
  actMin: f32, actMax: f32, out: usize): void {
  if (ASC_FEATURE_SIMD) f32_gemm_2x4c4__wasmsimd(x, k, m, w, kp, n, bias, actMin, actMax, out);
  else for (let r = 0; r < m; r++) f32_gemv(x + <usize>r * (<usize>k << 2), k, kp, w, n, bias, actMin, actMax, out + <usize>r * (<usize>n << 2));
}

/**
 * Batch-1 float GEMV: y[r] = clamp(Σ_k W[r][k]·x[k] + bias[r]). W row-major [np][kp] (kp = k rounded up
 * to 4, np = n rounded up to 4, padding 0); x has k elements (the tail is handled scalar, never read past k).
 */
export function f32_gemv(x: usize, k: i32, kp: i32, w: usize, n: i32, bias: usize,
  actMin: f32, actMax: f32, out: usize): void {
  const stride = <usize>kp << 2;
  const k4 = k & ~3;
  for (let r = 0; r < n; r += 4) {
    const w0 = w + <usize>r * stride, w1 = w0 + stride, w2 = w1 + stride, w3 = w2 + stride;
    let s0: f32 = 0, s1: f32 = 0, s2: f32 = 0, s3: f32 = 0;
    let kk = 0;
    if (ASC_FEATURE_SIMD) {
      let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
      for (; kk < k4; kk += 4) {
        const off = <usize>kk << 2;
        const xv = v128.load(x + off);
        a0 = f32x4.add(a0, f32x4.mul(v128.load(w0 + off), xv));
        a1 = f32x4.add(a1, f32x4.mul(v128.load(w1 + off), xv));
        a2 = f32x4.add(a2, f32x4.mul(v128.load(w2 + off), xv));
        a3 = f32x4.add(a3, f32x4.mul(v128.load(w3 + off), xv));
      }
      s0 = f32x4.extract_lane(a0, 0) + f32x4.extract_lane(a0, 1) + f32x4.extract_lane(a0, 2) + f32x4.extract_lane(a0, 3);
      s1 = f32x4.extract_lane(a1, 0) + f32x4.extract_lane(a1, 1) + f32x4.extract_lane(a1, 2) + f32x4.extract_lane(a1, 3);
      s2 = f32x4.extract_lane(a2, 0) + f32x4.extract_lane(a2, 1) + f32x4.extract_lane(a2, 2) + f32x4.extract_lane(a2, 3);
      s3 = f32x4.extract_lane(a3, 0) + f32x4.extract_lane(a3, 1) + f32x4.extract_lane(a3, 2) + f32x4.extract_lane(a3, 3);
    }
    for (; kk < k; kk++) {
      const off = <usize>kk << 2;
      const xv = load<f32>(x + off);
      s0 += load<f32>(w0 + off) * xv; s1 += load<f32>(w1 + off) * xv;
      s2 += load<f32>(w2 + off) * xv; s3 += load<f32>(w3 + off) * xv;
    }
    const cnt = min(4, n - r);
    for (let j = 0; j < cnt; j++) {
      const s = j == 0 ? s0 : j == 1 ? s1 : j == 2 ? s2 : s3;
      const col = <usize>(r + j) << 2;
      store<f32>(out + col, clampf(s + load<f32>(bias + col), actMin, actMax));
    }
  }
}

/**
 * Float depthwise conv, direct. w: f32 [kH*kW][cp] (cp = outC rounded up to 4); bias f32[cp].
 * Padded taps are skipped (they would add 0·w). One batch item per call.
 */
export function f32_dwconv(input: usize, inH: i32, inW: i32, inC: i32, outH: i32, outW: i32,
  kH: i32, kW: i32, strideH: i32, strideW: i32, dilH: i32, dilW: i32, padTop: i32, padLeft: i32,
  mult: i32, w: usize, cp: i32, bias: usize, actMin: f32, actMax: f32, out: usize): void {
  const outC = inC * mult;
  const tapStride = <usize>cp << 2;
  let o = out;
  for (let oy = 0; oy < outH; oy++) {
    const iy0 = oy * strideH - padTop;
    for (let ox = 0; ox < outW; ox++) {
      const ix0 = ox * strideW - padLeft;
      let c = 0;
      if (ASC_FEATURE_SIMD) {
        if (mult == 1) {
          const lo = f32x4.splat(actMin), hi = f32x4.splat(actMax);
          for (; c + 4 <= outC; c += 4) {
            let acc = f32x4.splat(0);
            for (let ky = 0; ky < kH; ky++) {
              const iy = iy0 + ky * dilH;
              if (iy < 0 || iy >= inH) continue;
              for (let kx = 0; kx < kW; kx++) {
                const ix = ix0 + kx * dilW;
                if (ix < 0 || ix >= inW) continue;
                const xv = v128.load(input + (<usize>((iy * inW + ix) * inC + c) << 2));
                const wv = v128.load(w + <usize>(ky * kW + kx) * tapStride + (<usize>c << 2));
                acc = f32x4.add(acc, f32x4.mul(xv, wv));
              }
            }
            acc = f32x4.min(f32x4.max(f32x4.add(acc, v128.load(bias + (<usize>c << 2))), lo), hi);
            v128.store(o + (<usize>c << 2), acc);
          }
        }
      }
      for (; c < outC; c++) {
        const ic = c / mult;
        let acc: f32 = 0;
        for (let ky = 0; ky < kH; ky++) {
          const iy = iy0 + ky * dilH;
          if (iy < 0 || iy >= inH) continue;
          for (let kx = 0; kx < kW; kx++) {
            const ix = ix0 + kx * dilW;
            if (ix < 0 || ix >= inW) continue;
            acc += load<f32>(input + (<usize>((iy * inW + ix) * inC + ic) << 2)) *
              load<f32>(w + <usize>(ky * kW + kx) * tapStride + (<usize>c << 2));
          }
        }
        store<f32>(o + (<usize>c << 2), clampf(acc + load<f32>(bias + (<usize>c << 2)), actMin, actMax));
      }
      o += <usize>outC << 2;
    }
  }
}
