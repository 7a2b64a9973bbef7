// Build identity and the relaxed-dot probe used at start-up (src/wasm/probe.ts decides from the results).

/** 0 = scalar, 1 = simd, 2 = relaxed: lets JS check that the instance is the build it asked for. */
export function build_id(): i32 {
  if (ASC_FEATURE_RELAXED_SIMD) return 2;
  if (ASC_FEATURE_SIMD) return 1;
  return 0;
}

/** First byte past the module's static data: the JS bump allocator starts here. */
export function heap_base(): usize {
  return __heap_base;
}

/**
 * Lane 0 of i32x4.relaxed_dot_i8x16_i7x16_add_s(splat(a), splat(b), splat(acc)): 4·a·b + acc if the
 * engine is exact for these bytes. Operands come from parameters so nothing is constant-folded, and
 * the accumulator is non-zero to catch Node 20's Liftoff bug (it drops the accumulator and doubles).
 */
export function relaxed_dot_probe(a: i32, b: i32, acc: i32): i32 {
  if (ASC_FEATURE_RELAXED_SIMD) {
    const r = i32x4.relaxed_dot_i8x16_i7x16_add_s(i8x16.splat(i8(a)), i8x16.splat(i8(b)), i32x4.splat(acc));
    return i32x4.extract_lane(r, 0);
  }
  return i32.MIN_VALUE;
}

/**
 * Pure multiply-accumulate loop on registers (the benchmark's "peak"): `iters` iterations of 8
 * independent accumulators. useRelaxed selects relaxed dot (16 MAC/op) over dot_i16x8_s (8 MAC/op).
 * The operands change every iteration (one add each): with loop-invariant operands V8 hoists the dot
 * out of the loop and the "peak" would time the adds alone.
 * Returns a checksum so the work cannot be dropped; qs8_mac_peak_macs_per_iter gives the MAC count.
 */
export function qs8_mac_peak(iters: i32, seed: i32, useRelaxed: i32): i32 {
  if (ASC_FEATURE_SIMD) {
    let x = i8x16.splat(i8(seed)), y = i8x16.splat(i8(seed + 1));
    const step = i8x16.splat(1);
    let a0 = i32x4.splat(0), a1 = i32x4.splat(1), a2 = i32x4.splat(2), a3 = i32x4.splat(3);
    let a4 = i32x4.splat(4), a5 = i32x4.splat(5), a6 = i32x4.splat(6), a7 = i32x4.splat(7);
    if (ASC_FEATURE_RELAXED_SIMD) {
      if (useRelaxed) {
        for (let i = 0; i < iters; i++) {
          a0 = i32x4.relaxed_dot_i8x16_i7x16_add_s(x, y, a0); a1 = i32x4.relaxed_dot_i8x16_i7x16_add_s(y, x, a1);
          a2 = i32x4.relaxed_dot_i8x16_i7x16_add_s(x, y, a2); a3 = i32x4.relaxed_dot_i8x16_i7x16_add_s(y, x, a3);
          a4 = i32x4.relaxed_dot_i8x16_i7x16_add_s(x, y, a4); a5 = i32x4.relaxed_dot_i8x16_i7x16_add_s(y, x, a5);
          a6 = i32x4.relaxed_dot_i8x16_i7x16_add_s(x, y, a6); a7 = i32x4.relaxed_dot_i8x16_i7x16_add_s(y, x, a7);
          x = i8x16.add(x, step); y = i8x16.add(y, step);
        }
        const s = i32x4.add(i32x4.add(i32x4.add(a0, a1), i32x4.add(a2, a3)), i32x4.add(i32x4.add(a4, a5), i32x4.add(a6, a7)));
        return i32x4.extract_lane(s, 0);
      }
    }
    for (let i = 0; i < iters; i++) {
      a0 = i32x4.add(a0, i32x4.dot_i16x8_s(x, y)); a1 = i32x4.add(a1, i32x4.dot_i16x8_s(y, x));
      a2 = i32x4.add(a2, i32x4.dot_i16x8_s(x, y)); a3 = i32x4.add(a3, i32x4.dot_i16x8_s(y, x));
      a4 = i32x4.add(a4, i32x4.dot_i16x8_s(x, y)); a5 = i32x4.add(a5, i32x4.dot_i16x8_s(y, x));
      a6 = i32x4.add(a6, i32x4.dot_i16x8_s(x, y)); a7 = i32x4.add(a7, i32x4.dot_i16x8_s(y, x));
      x = i8x16.add(x, step); y = i8x16.add(y, step);
    }
    const s = i32x4.add(i32x4.add(i32x4.add(a0, a1), i32x4.add(a2, a3)), i32x4.add(i32x4.add(a4, a5), i32x4.add(a6, a7)));
    return i32x4.extract_lane(s, 0);
  }
  let s0 = 0, s1 = 1, s2 = 2, s3 = 3, s4 = 4, s5 = 5, s6 = 6, s7 = 7;
  const x = seed, y = seed + 1;
  for (let i = 0; i < iters; i++) {
    s0 += x * (y + i); s1 += y * (x + i); s2 += x * (y - i); s3 += y * (x - i);
    s4 += x * (y ^ i); s5 += y * (x ^ i); s6 += x * (y | i); s7 += y * (x | i);
  }
  return s0 + s1 + s2 + s3 + s4 + s5 + s6 + s7;
}

export function qs8_mac_peak_macs_per_iter(useRelaxed: i32): i32 {
  if (ASC_FEATURE_RELAXED_SIMD) { if (useRelaxed) return 8 * 16; }
  if (ASC_FEATURE_SIMD) return 8 * 8;
  return 8;
}
