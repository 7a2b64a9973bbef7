// Batch-1 int8 GEMV for fully-connected layers: y[r] = requant(Σ_k W[r][k]·x[k] + bias[r]).
// W stays int8 (half the bytes of i16: FC1 is bandwidth-bound), packed as one sequential stream
// (src/kernels/pack.ts packGemvR4K16): groups of 4 rows, 16 k at a time, [np/4][kp/16][4][16],
// kp % 16 == 0, rows ≥ n zero. x: dot16/scalar — i16 (x - zp) of length kp; relaxed — u8/i8 of length kp;
// u4 — the 4-bit halves of x + 128, 2·kp bytes (qs8_pack_u4_halves).
// chan: channel-parameter block (requantize.ts). mode 0: int8 out; mode 1: int32 (acc + bias) out.
import { requantize_i32x4, requantize_round_q31, requantize_float_i32x4, requantize_scalar, requantize_float_scalar, clamp_i32, REQUANT_FLOAT } from './requantize';
import { store_i32x4_partial } from './store';

/** Sums each of four i32x4 accumulators horizontally into one vector [Σacc0, Σacc1, Σacc2, Σacc3]. */
@inline
function reduce4(a0: v128, a1: v128, a2: v128, a3: v128): v128 {
  const t0 = i32x4.add(i32x4.shuffle(a0, a1, 0, 4, 1, 5), i32x4.shuffle(a0, a1, 2, 6, 3, 7));
  const t1 = i32x4.add(i32x4.shuffle(a2, a3, 0, 4, 1, 5), i32x4.shuffle(a2, a3, 2, 6, 3, 7));
  return i32x4.add(i32x4.shuffle(t0, t1, 0, 1, 4, 5), i32x4.shuffle(t0, t1, 2, 3, 6, 7));
}

@inline
export function store4(out: usize, s: v128, chan: usize, np: usize, r: usize,
  zp: v128, lo: v128, hi: v128, half: v128, nrem: i32, mode: i32, flags: i32): void {
  const bp = chan + (r << 2);
  s = i32x4.add(s, v128.load(bp));
  if (mode == 0) {
    const fp = chan + np * 20 + (r << 3);
    const q = flags & REQUANT_FLOAT
      ? requantize_float_i32x4(s, v128.load(fp), v128.load(fp, 16), zp, lo, hi)
      : requantize_i32x4(s, v128.load(bp + (np << 2)), v128.load(bp + (np << 3)),
        v128.load(bp + np * 12), v128.load(bp + (np << 4)), zp, lo, hi, flags, half);
    const q16 = i16x8.narrow_i32x4_s(q, q);
    const bits = i32x4.extract_lane(i8x16.narrow_i16x8_s(q16, q16), 0);
    const o = out + r;
    if (nrem >= 4) store<i32>(o, bits);
    else for (let j = 0; j < nrem; j++) store<u8>(o + <usize>j, u8(bits >> (8 * j)));
  } else {
    store_i32x4_partial(out + (r << 2), s, nrem);
  }
}

/** 4 rows per step: W via load8x8_s (sign-extending load), x pre-widened, i32x4.dot_i16x8_s. */
function qs8_gemv_4x16__wasmsimd_dot16(x: usize, kp: i32, w: usize, n: i32, chan: usize, np: i32,
  out: usize, outZp: i32, outMin: i32, outMax: i32, mode: i32, flags: i32): void {
  const zp = i32x4.splat(outZp), lo = i32x4.splat(outMin), hi = i32x4.splat(outMax), half = requantize_round_q31();
  const kpu = <usize>kp;
  let wp = w;
  for (let r = 0; r < n; r += 4) {
    let a0 = i32x4.splat(0), a1 = i32x4.splat(0), a2 = i32x4.splat(0), a3 = i32x4.splat(0);
    for (let k: usize = 0; k < kpu; k += 16) {
      const xa = v128.load(x + (k << 1)), xb = v128.load(x + (k << 1), 16);
      a0 = i32x4.add(a0, i32x4.dot_i16x8_s(v128.load8x8_s(wp), xa));
      a1 = i32x4.add(a1, i32x4.dot_i16x8_s(v128.load8x8_s(wp, 16), xa));
      a2 = i32x4.add(a2, i32x4.dot_i16x8_s(v128.load8x8_s(wp, 32), xa));
      a3 = i32x4.add(a3, i32x4.dot_i16x8_s(v128.load8x8_s(wp, 48), xa));
      a0 = i32x4.add(a0, i32x4.dot_i16x8_s(v128.load8x8_s(wp, 8), xb));
      a1 = i32x4.add(a1, i32x4.dot_i16x8_s(v128.load8x8_s(wp, 24), xb));
      a2 = i32x4.add(a2, i32x4.dot_i16x8_s(v128.load8x8_s(wp, 40), xb));
      a3 = i32x4.add(a3, i32x4.dot_i16x8_s(v128.load8x8_s(wp, 56), xb));
      wp += 64;
    }
    store4(out, reduce4(a0, a1, a2, a3), chan, <usize>np, <usize>r, zp, lo, hi, half, n - r, mode, flags);
  }
}

/** 4 rows per step with relaxed dot over 16 k at a time (weights first operand, activations second). */
function qs8_gemv_4x16__wasmrelaxed_dot(x: usize, kp: i32, w: usize, n: i32, chan: usize, np: i32,
  out: usize, outZp: i32, outMin: i32, outMax: i32, mode: i32, flags: i32): void {
  const zp = i32x4.splat(outZp), lo = i32x4.splat(outMin), hi = i32x4.splat(outMax), half = requantize_round_q31();
  const kpu = <usize>kp;
  let wp = w;
  for (let r = 0; r < n; r += 4) {
    let a0 = i32x4.splat(0), a1 = i32x4.splat(0), a2 = i32x4.splat(0), a3 = i32x4.splat(0);
    for (let k: usize = 0; k < kpu; k += 16) {
      const xv = v128.load(x + k);
      a0 = i32x4.relaxed_dot_i8x16_i7x16_add_s(v128.load(wp), xv, a0);
      a1 = i32x4.relaxed_dot_i8x16_i7x16_add_s(v128.load(wp, 16), xv, a1);
      a2 = i32x4.relaxed_dot_i8x16_i7x16_add_s(v128.load(wp, 32), xv, a2);
      a3 = i32x4.relaxed_dot_i8x16_i7x16_add_s(v128.load(wp, 48), xv, a3);
      wp += 64;
    }
    store4(out, reduce4(a0, a1, a2, a3), chan, <usize>np, <usize>r, zp, lo, hi, half, n - r, mode, flags);
  }
}

/**
 * 4 rows per step with i16x8.relaxed_dot_i8x16_i7x16_s on the 4-bit halves of u = x + 128 (qs8_pack_u4_halves):
 * Σ w·u = Σ w·lo + 16·Σ w·hi. The second operand stays in [0, 15], inside the range where the relaxed dot is
 * specified, so this is exact on every engine — unlike feeding full-range bytes, which x86 engines without
 * VNNI lower to saturating pmaddubsw. Each pair sum is at most 2·128·15 = 3 840 in magnitude, so eight 16-k
 * steps accumulate in i16 (≤ 30 720) before widening. Against dot16 it saves the sign extension of every
 * weight (measured FC1 4096→512 on Node 24: 56 µs vs 71 µs).
 * x: the halves from qs8_pack_u4_halves, 32 bytes per 16 k (low half then high half), kp % 16 == 0.
 */
function qs8_gemv_4x16__wasmrelaxed_u4dot(x: usize, kp: i32, w: usize, n: i32, chan: usize, np: i32,
  out: usize, outZp: i32, outMin: i32, outMax: i32, mode: i32, flags: i32): void {
  const zp = i32x4.splat(outZp), lo = i32x4.splat(outMin), hi = i32x4.splat(outMax), half = requantize_round_q31();
  const kpu = <usize>kp;
  let wp = w;
  for (let r = 0; r < n; r += 4) {
    let s0 = i32x4.splat(0), s1 = i32x4.splat(0), s2 = i32x4.splat(0), s3 = i32x4.splat(0);
    for (let k0: usize = 0; k0 < kpu; k0 += 128) {
      const kEnd = min(k0 + 128, kpu);
      let l0 = i16x8.splat(0), l1 = i16x8.splat(0), l2 = i16x8.splat(0), l3 = i16x8.splat(0);
      let h0 = i16x8.splat(0), h1 = i16x8.splat(0), h2 = i16x8.splat(0), h3 = i16x8.splat(0);
      for (let k = k0; k < kEnd; k += 16) {
        const ql = v128.load(x + (k << 1)), qh = v128.load(x + (k << 1), 16);
        let wv = v128.load(wp);
        l0 = i16x8.add(l0, i16x8.relaxed_dot_i8x16_i7x16_s(wv, ql)); h0 = i16x8.add(h0, i16x8.relaxed_dot_i8x16_i7x16_s(wv, qh));
        wv = v128.load(wp, 16);
        l1 = i16x8.add(l1, i16x8.relaxed_dot_i8x16_i7x16_s(wv, ql)); h1 = i16x8.add(h1, i16x8.relaxed_dot_i8x16_i7x16_s(wv, qh));
        wv = v128.load(wp, 32);
        l2 = i16x8.add(l2, i16x8.relaxed_dot_i8x16_i7x16_s(wv, ql)); h2 = i16x8.add(h2, i16x8.relaxed_dot_i8x16_i7x16_s(wv, qh));
        wv = v128.load(wp, 48);
        l3 = i16x8.add(l3, i16x8.relaxed_dot_i8x16_i7x16_s(wv, ql)); h3 = i16x8.add(h3, i16x8.relaxed_dot_i8x16_i7x16_s(wv, qh));
        wp += 64;
      }
      s0 = i32x4.add(s0, i32x4.add(i32x4.extadd_pairwise_i16x8_s(l0), i32x4.shl(i32x4.extadd_pairwise_i16x8_s(h0), 4)));
      s1 = i32x4.add(s1, i32x4.add(i32x4.extadd_pairwise_i16x8_s(l1), i32x4.shl(i32x4.extadd_pairwise_i16x8_s(h1), 4)));
      s2 = i32x4.add(s2, i32x4.add(i32x4.extadd_pairwise_i16x8_s(l2), i32x4.shl(i32x4.extadd_pairwise_i16x8_s(h2), 4)));
      s3 = i32x4.add(s3, i32x4.add(i32x4.extadd_pairwise_i16x8_s(l3), i32x4.shl(i32x4.extadd_pairwise_i16x8_s(h3), 4)));
    }
    store4(out, reduce4(s0, s1, s2, s3), chan, <usize>np, <usize>r, zp, lo, hi, half, n - r, mode, flags);
  }
}

/** Scalar epilogue of one output: + bias, then requantized int8 (mode 0) or int32 (mode 1). */
@inline
export function store1(out: usize, s: i32, chan: usize, npu: usize, col: usize,
  outZp: i32, outMin: i32, outMax: i32, mode: i32, flags: i32): void {
  const cp4 = chan + (col << 2);
  const acc = s + load<i32>(cp4);
  if (mode == 0) {
    const q = flags & REQUANT_FLOAT
      ? requantize_float_scalar(acc, load<f64>(chan + npu * 20 + (col << 3)))
      : requantize_scalar(acc, load<i32>(cp4 + (npu << 2)), load<i32>(cp4 + (npu << 3)),
        load<i32>(cp4 + npu * 12), load<i32>(cp4 + (npu << 4)));
    store<i8>(out + col, i8(clamp_i32(q + outZp, outMin, outMax)));
  } else {
    store<i32>(out + (col << 2), acc);
  }
}

/** Scalar 4 rows per step over the same layout. */
function qs8_gemv_4x1__scalar(x: usize, kp: i32, w: usize, n: i32, chan: usize, np: i32,
  out: usize, outZp: i32, outMin: i32, outMax: i32, mode: i32, flags: i32): void {
  const kpu = <usize>kp;
  const npu = <usize>np;
  let wp = w;
  for (let r = 0; r < n; r += 4) {
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (let k: usize = 0; k < kpu; k += 16) {
      for (let j: usize = 0; j < 16; j++) {
        const xv = i32(load<i16>(x + ((k + j) << 1)));
        s0 += i32(load<i8>(wp + j)) * xv;
        s1 += i32(load<i8>(wp + j, 16)) * xv;
        s2 += i32(load<i8>(wp + j, 32)) * xv;
        s3 += i32(load<i8>(wp + j, 48)) * xv;
      }
      wp += 64;
    }
    const cnt = min(4, n - r);
    for (let j = 0; j < cnt; j++) {
      store1(out, j == 0 ? s0 : j == 1 ? s1 : j == 2 ? s2 : s3, chan, npu, <usize>(r + j), outZp, outMin, outMax, mode, flags);
    }
  }
}

export function qs8_gemv(x: usize, kp: i32, w: usize, n: i32, chan: usize, np: i32,
  out: usize, outZp: i32, outMin: i32, outMax: i32, mode: i32, flags: i32): void {
  if (ASC_FEATURE_SIMD) qs8_gemv_4x16__wasmsimd_dot16(x, kp, w, n, chan, np, out, outZp, outMin, outMax, mode, flags);
  else qs8_gemv_4x1__scalar(x, kp, w, n, chan, np, out, outZp, outMin, outMax, mode, flags);
}

/** int8 GEMV over the 4-bit halves of the activations with the relaxed i16 dot; traps in builds without relaxed SIMD. */
export function qs8_gemv_u4(x: usize, kp: i32, w: usize, n: i32, chan: usize, np: i32,
  out: usize, outZp: i32, outMin: i32, outMax: i32, mode: i32, flags: i32): void {
  if (ASC_FEATURE_RELAXED_SIMD) qs8_gemv_4x16__wasmrelaxed_u4dot(x, kp, w, n, chan, np, out, outZp, outMin, outMax, mode, flags);
  else unreachable();
}

export function qs8_gemv_relaxed(x: usize, kp: i32, w: usize, n: i32, chan: usize, np: i32,
  out: usize, outZp: i32, outMin: i32, outMax: i32, mode: i32, flags: i32): void {
  if (ASC_FEATURE_RELAXED_SIMD) qs8_gemv_4x16__wasmrelaxed_dot(x, kp, w, n, chan, np, out, outZp, outMin, outMax, mode, flags);
  else unreachable();
}
