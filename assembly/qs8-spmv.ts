// int8 GEMV over the nonzero entries of x − zp only: y[r] = requant(Σ_k W[r][k]·(x[k] − zp) + bias[r]).
// A ReLU's output is mostly exact zeros (the DQN's FC1 input: 84 % of 4 096), and a zero term adds nothing to
// the int32 sum, so summing over the nonzero k alone gives the same accumulator as the dense GEMV.
// Weights transposed: wt = [k][np] int8 (row k holds every output's weight for input k), np % 32 == 0.
// qs8_gather_nonzero lists the nonzero k as pairs; qs8_gemv_pairs runs i32x4.dot_i16x8_s on each pair, the two
// weight rows interleaved on the fly (which rows pair up is only known at run time).
import { requantize_round_q31 } from './requantize';
import { store1, store4 } from './qs8-gemv';

/** Where the row-touching loads of qs8_gemv_pairs go, so that they are not optimized away. */
const TOUCH_SINK = memory.data(4);

/** One store4 (not inlined: eight call sites). Outputs past n are not written. */
function store4_at(out: usize, s: v128, chan: usize, np: usize, r: i32, n: i32,
  zp: v128, lo: v128, hi: v128, half: v128, mode: i32, flags: i32): void {
  if (r < n) store4(out, s, chan, np, <usize>r, zp, lo, hi, half, n - r, mode, flags);
}

/**
 * Compacts the nonzero d = x[k] − zp, k < kCount: byte offsets k·np into `offs` (i32), d into `vals` (i16), with a
 * zero-valued entry appended when the count is odd. Returns the number of pairs, or −1 as soon as there are more
 * than maxPairs (the caller then runs the dense GEMV). offs and vals need room for 2·maxPairs + 18 entries.
 * skip (0: none) is a byte per k; nonzero bytes leave k out (features a batched GEMM covers, qs8-spmm.ts).
 */
export function qs8_gather_nonzero(x: usize, kCount: i32, zp: i32, np: i32, maxPairs: i32, offs: usize, vals: usize,
  skip: usize): i32 {
  const limit = maxPairs << 1;
  let count = 0;
  let k = 0;
  if (ASC_FEATURE_SIMD) {
    const vzp = i8x16.splat(i8(zp));
    for (; k + 16 <= kCount; k += 16) {
      if (count > limit) return -1;
      let bits = i8x16.bitmask(i8x16.ne(v128.load(x + <usize>k), vzp));
      if (skip) bits &= ~i8x16.bitmask(v128.load(skip + <usize>k));
      while (bits != 0) {
        const j = k + ctz(bits);
        store<i32>(offs + (<usize>count << 2), j * np);
        store<i16>(vals + (<usize>count << 1), i16(i32(load<i8>(x + <usize>j)) - zp));
        count++;
        bits &= bits - 1;
      }
    }
  }
  for (; k < kCount; k++) {
    if (count > limit) return -1;
    const d = i32(load<i8>(x + <usize>k)) - zp;
    if (d != 0 && !(skip && load<u8>(skip + <usize>k))) {
      store<i32>(offs + (<usize>count << 2), k * np);
      store<i16>(vals + (<usize>count << 1), i16(d));
      count++;
    }
  }
  if (count > limit) return -1;
  if (count & 1) {
    store<i32>(offs + (<usize>count << 2), 0);
    store<i16>(vals + (<usize>count << 1), 0);
    count++;
  }
  return count >> 1;
}

/** The i16 pairs (a0 b0 a1 b1 …) of outputs 0–3 (q = 0) … 12–15 (q = 3) of weight rows a and b. */
@inline
function interleave_q(a: v128, b: v128, q: i32): v128 {
  if (q < 2) {
    const lo = i8x16.shuffle(a, b, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
    return q == 0 ? i16x8.extend_low_i8x16_s(lo) : i16x8.extend_high_i8x16_s(lo);
  }
  const hi = i8x16.shuffle(a, b, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
  return q == 2 ? i16x8.extend_low_i8x16_s(hi) : i16x8.extend_high_i8x16_s(hi);
}

/**
 * Outputs r < n from the pairs of qs8_gather_nonzero, 32 outputs per pass over the pairs; epilogue as
 * qs8_gemv (mode 0: requantized int8, mode 1: int32 acc + bias). accIn (0: none) holds np int32 sums to start from.
 */
export function qs8_gemv_pairs(pairs: i32, offs: usize, vals: usize, wt: usize, n: i32, chan: usize, np: i32,
  out: usize, outZp: i32, outMin: i32, outMax: i32, mode: i32, flags: i32, accIn: usize): void {
  const npu = <usize>np;
  if (ASC_FEATURE_SIMD) {
    const zp = i32x4.splat(outZp), lo = i32x4.splat(outMin), hi = i32x4.splat(outMax), half = requantize_round_q31();
    const end = offs + (<usize>pairs << 3);
    // Touch every line of every listed row first: these loads do not depend on each other, so their cache misses
    // overlap, where the passes below (32 bytes of each row per pass, rows in random order) would meet them one
    // at a time. The first line of every row goes first (one page walk per row, all in flight together). In a game
    // loop the rows are usually out of cache: the in-episode policy step took 0.39 ms without touching, 0.30 with
    // the dense GEMV; now FC1 takes 108–110 µs there against 111–122 dense (Node 24, env steps in between).
    let touched: u32 = 0;
    for (let o = offs; o < end; o += 8) {
      touched |= u32(load<u8>(wt + <usize>load<i32>(o))) | u32(load<u8>(wt + <usize>load<i32>(o, 4)));
    }
    for (let o = offs; o < end; o += 8) {
      const ra = wt + <usize>load<i32>(o), rb = wt + <usize>load<i32>(o, 4);
      for (let l: usize = 64; l < npu; l += 64) touched |= u32(load<u8>(ra + l)) | u32(load<u8>(rb + l));
    }
    store<u32>(TOUCH_SINK, touched);
    for (let c0 = 0; c0 < np; c0 += 32) {
      const w = wt + <usize>c0;
      let a0 = i32x4.splat(0), a1 = i32x4.splat(0), a2 = i32x4.splat(0), a3 = i32x4.splat(0);
      let a4 = i32x4.splat(0), a5 = i32x4.splat(0), a6 = i32x4.splat(0), a7 = i32x4.splat(0);
      if (accIn) {
        const p = accIn + (<usize>c0 << 2);
        a0 = v128.load(p); a1 = v128.load(p, 16); a2 = v128.load(p, 32); a3 = v128.load(p, 48);
        a4 = v128.load(p, 64); a5 = v128.load(p, 80); a6 = v128.load(p, 96); a7 = v128.load(p, 112);
      }
      let v = vals;
      for (let o = offs; o < end; o += 8) {
        const ra = w + <usize>load<i32>(o), rb = w + <usize>load<i32>(o, 4);
        const xv = v128.load32_splat(v);
        let a = v128.load(ra), b = v128.load(rb);
        a0 = i32x4.add(a0, i32x4.dot_i16x8_s(interleave_q(a, b, 0), xv)); a1 = i32x4.add(a1, i32x4.dot_i16x8_s(interleave_q(a, b, 1), xv));
        a2 = i32x4.add(a2, i32x4.dot_i16x8_s(interleave_q(a, b, 2), xv)); a3 = i32x4.add(a3, i32x4.dot_i16x8_s(interleave_q(a, b, 3), xv));
        a = v128.load(ra, 16); b = v128.load(rb, 16);
        a4 = i32x4.add(a4, i32x4.dot_i16x8_s(interleave_q(a, b, 0), xv)); a5 = i32x4.add(a5, i32x4.dot_i16x8_s(interleave_q(a, b, 1), xv));
        a6 = i32x4.add(a6, i32x4.dot_i16x8_s(interleave_q(a, b, 2), xv)); a7 = i32x4.add(a7, i32x4.dot_i16x8_s(interleave_q(a, b, 3), xv));
        v += 4;
      }
      store4_at(out, a0, chan, npu, c0, n, zp, lo, hi, half, mode, flags);
      store4_at(out, a1, chan, npu, c0 + 4, n, zp, lo, hi, half, mode, flags);
      store4_at(out, a2, chan, npu, c0 + 8, n, zp, lo, hi, half, mode, flags);
      store4_at(out, a3, chan, npu, c0 + 12, n, zp, lo, hi, half, mode, flags);
      store4_at(out, a4, chan, npu, c0 + 16, n, zp, lo, hi, half, mode, flags);
      store4_at(out, a5, chan, npu, c0 + 20, n, zp, lo, hi, half, mode, flags);
      store4_at(out, a6, chan, npu, c0 + 24, n, zp, lo, hi, half, mode, flags);
      store4_at(out, a7, chan, npu, c0 + 28, n, zp, lo, hi, half, mode, flags);
    }
  } else {
    for (let r = 0; r < n; r++) {
      const w = wt + <usize>r;
      let s = accIn ? load<i32>(accIn + (<usize>r << 2)) : 0;
      let v = vals;
      for (let o = offs; o < offs + (<usize>pairs << 3); o += 8) {
        s += i32(load<i8>(w + <usize>load<i32>(o))) * i32(load<i16>(v)) + i32(load<i8>(w + <usize>load<i32>(o, 4))) * i32(load<i16>(v, 2));
        v += 4;
      }
      store1(out, s, chan, npu, <usize>r, outZp, outMin, outMax, mode, flags);
    }
  }
}
