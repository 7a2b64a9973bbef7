// Several rows of a fully-connected layer whose inputs are mostly zero points (a ReLU's output, batched frames):
// the input features that are nonzero in many rows run as ONE GEMM over just those columns, the rest per row as
// pairs (qs8-spmv.ts, seeded with the GEMM's sums). Every path adds the same integer terms: identical int32 sums.
//   qs8_count_nonzero  → how many rows use each feature
//   qs8_select_columns → the shared features (count > thr): their list and a byte mask for the per-row gather
//   qs8_pack_columns   → their weight rows (from the transposed [k][np] weights) in the GEMM's B layout
//   qs8_gather_columns → every row's x − zp at those features, in the GEMM's A encoding
// SIMD builds only (the scalar build keeps the per-row path).

/**
 * counts[j] (u8, saturating) = how many rows r < rows have x[r·k + j] ≠ zps[r] (i32 per row); counts has
 * k rounded up to 16 bytes, the padding zeroed.
 */
function qs8_count_nonzero_simd(x: usize, rows: i32, k: i32, zps: usize, counts: usize): void {
  const ku = <usize>k;
  memory.fill(counts, 0, (ku + 15) & ~15);
  const one = i8x16.splat(1);
  for (let r = 0; r < rows; r++) {
    const zp = load<i32>(zps + (<usize>r << 2));
    const vzp = i8x16.splat(i8(zp));
    const row = x + <usize>r * ku;
    let j: usize = 0;
    for (; j + 16 <= ku; j += 16) {
      const hit = v128.and(i8x16.ne(v128.load(row + j), vzp), one);
      v128.store(counts + j, i8x16.add_sat_u(v128.load(counts + j), hit));
    }
    for (; j < ku; j++) {
      if (i32(load<i8>(row + j)) != zp && load<u8>(counts + j) < 255) store<u8>(counts + j, load<u8>(counts + j) + 1);
    }
  }
}

/**
 * The features with counts[j] > thr: their indices j into idx (i32), padded with −1 to a multiple of 8, and
 * skip[j] = 0xff for them, 0 otherwise (qs8_gather_nonzero leaves them out). Returns how many (before padding).
 */
function qs8_select_columns_simd(counts: usize, k: i32, thr: i32, idx: usize, skip: usize): i32 {
  const vthr = i8x16.splat(i8(thr));
  let u = 0;
  for (let j = 0; j < k; j += 16) {
    const m = i8x16.gt_u(v128.load(counts + <usize>j), vthr);
    v128.store(skip + <usize>j, m);
    let bits = i8x16.bitmask(m);
    while (bits != 0) {
      store<i32>(idx + (<usize>u << 2), j + ctz(bits));
      u++;
      bits &= bits - 1;
    }
  }
  for (let p = u; p & 7; p++) store<i32>(idx + (<usize>p << 2), -1);
  return u;
}

/** Row j of the transposed weights, or zeros for padding (idx −1). */
@inline
function wt_row(wt: usize, np: usize, idx: usize, j: i32, c: usize): v128 {
  const f = load<i32>(idx + (<usize>j << 2));
  return f < 0 ? i8x16.splat(0) : v128.load(wt + <usize>f * np + c);
}

/**
 * Weight rows idx[0 .. kp) of wt = [k][np] (np % 32 == 0) in the GEMM's B layout, blocks of 8 columns kp·8 bytes
 * (c4) or kp·16 bytes (c2) apart, np/8 blocks:
 *   layout 1 (c4, relaxed dot): per block, kp/4 quads × [c0 k0..3, c1 k0..3, …, c7 k0..3] i8 (kp % 8 == 0);
 *   layout 0 (c2, dot16):      per block, kp/2 pairs × [c0 k0 k1, …, c7 k0 k1] i16 (kp % 4 == 0).
 */
function qs8_pack_columns_simd(wt: usize, np: i32, idx: usize, kp: i32, layout: i32, out: usize): void {
  const npu = <usize>np;
  if (layout == 1) {
    const block = <usize>kp << 3;
    for (let q = 0; q < kp; q += 4) {
      const o = out + (<usize>q << 3);
      for (let c: usize = 0; c < npu; c += 16) {
        const a = wt_row(wt, npu, idx, q, c), b = wt_row(wt, npu, idx, q + 1, c);
        const e = wt_row(wt, npu, idx, q + 2, c), d = wt_row(wt, npu, idx, q + 3, c);
        const abLo = i8x16.shuffle(a, b, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
        const edLo = i8x16.shuffle(e, d, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
        const abHi = i8x16.shuffle(a, b, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
        const edHi = i8x16.shuffle(e, d, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
        const p = o + (c >> 3) * block;
        v128.store(p, i8x16.shuffle(abLo, edLo, 0, 1, 16, 17, 2, 3, 18, 19, 4, 5, 20, 21, 6, 7, 22, 23));
        v128.store(p, i8x16.shuffle(abLo, edLo, 8, 9, 24, 25, 10, 11, 26, 27, 12, 13, 28, 29, 14, 15, 30, 31), 16);
        v128.store(p + block, i8x16.shuffle(abHi, edHi, 0, 1, 16, 17, 2, 3, 18, 19, 4, 5, 20, 21, 6, 7, 22, 23));
        v128.store(p + block, i8x16.shuffle(abHi, edHi, 8, 9, 24, 25, 10, 11, 26, 27, 12, 13, 28, 29, 14, 15, 30, 31), 16);
      }
    }
  } else {
    const block = <usize>kp << 4;
    for (let q = 0; q < kp; q += 2) {
      const o = out + (<usize>q << 4);
      for (let c: usize = 0; c < npu; c += 16) {
        const a = wt_row(wt, npu, idx, q, c), b = wt_row(wt, npu, idx, q + 1, c);
        const lo = i8x16.shuffle(a, b, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
        const hi = i8x16.shuffle(a, b, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
        const p = o + (c >> 3) * block;
        v128.store(p, i16x8.extend_low_i8x16_s(lo));
        v128.store(p, i16x8.extend_high_i8x16_s(lo), 16);
        v128.store(p + block, i16x8.extend_low_i8x16_s(hi));
        v128.store(p + block, i16x8.extend_high_i8x16_s(hi), 16);
      }
    }
  }
}

/**
 * Rows of the GEMM's A: a[r][j] = x[r·k + idx[j]] − zps[r] for j < kp (0 where idx[j] is −1), rows 2·kp (enc 0)
 * or kp (enc 1) bytes apart. enc 0: i16 (dot16); enc 1: u8, for the relaxed dot on VNNI-like engines. Returns 0,
 * leaving a partly written, if a difference does not fit u8.
 */
function qs8_gather_columns_simd(x: usize, rows: i32, k: i32, zps: usize, idx: usize, kp: i32, enc: i32, a: usize): i32 {
  let bad = 0;
  for (let r = 0; r < rows; r++) {
    const zp = load<i32>(zps + (<usize>r << 2));
    const row = x + <usize>r * <usize>k;
    const dst = a + <usize>r * <usize>kp * (enc == 0 ? 2 : 1);
    for (let j = 0; j < kp; j++) {
      const f = load<i32>(idx + (<usize>j << 2));
      const d = f < 0 ? 0 : i32(load<i8>(row + <usize>f)) - zp;
      if (enc == 0) {
        store<i16>(dst + (<usize>j << 1), i16(d));
      } else {
        bad |= i32(<u32>d > 255);
        store<u8>(dst + <usize>j, u8(d));
      }
    }
  }
  return bad ? 0 : 1;
}


export function qs8_count_nonzero(x: usize, rows: i32, k: i32, zps: usize, counts: usize): void {
  if (ASC_FEATURE_SIMD) qs8_count_nonzero_simd(x, rows, k, zps, counts);
  else unreachable();
}

export function qs8_select_columns(counts: usize, k: i32, thr: i32, idx: usize, skip: usize): i32 {
  if (ASC_FEATURE_SIMD) return qs8_select_columns_simd(counts, k, thr, idx, skip);
  else unreachable();
  return 0;
}

export function qs8_pack_columns(wt: usize, np: i32, idx: usize, kp: i32, layout: i32, out: usize): void {
  if (ASC_FEATURE_SIMD) qs8_pack_columns_simd(wt, np, idx, kp, layout, out);
  else unreachable();
}

export function qs8_gather_columns(x: usize, rows: i32, k: i32, zps: usize, idx: usize, kp: i32, enc: i32, a: usize): i32 {
  if (ASC_FEATURE_SIMD) return qs8_gather_columns_simd(x, rows, k, zps, idx, kp, enc, a);
  else unreachable();
  return 0;
}