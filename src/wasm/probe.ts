// Start-up checks of what the engine's relaxed dot really computes, run on the instance that will be used.
//
// i32x4.relaxed_dot_i8x16_i7x16_add_s is only specified for a second operand in [0, 127]. Outside that
// range engines differ: x86 without VNNI lowers to pmaddubsw (second operand unsigned, pair sums saturate
// at i16), V8 13.6+ with AVX-VNNI to vpdpbusd (unsigned, exact), ARM SDOT (signed, exact). And Node 20's
// baseline compiler (Liftoff) ignores the accumulator and doubles the dot product even in range.
import type { KernelExports } from './exports.js';

/** How full-range int8 activations may be fed to the relaxed dot on this engine. */
export type RelaxedDotMode =
  /** Not exact outside [0,127] (or not working at all): use the dot16 kernels. */
  | 'none'
  /** Second operand read as unsigned, no saturation (VNNI): activations XOR 0x80, bias folded. */
  | 'usdot'
  /** Second operand read as signed, no saturation (SDOT): activations used as they are. */
  | 'sdot';

export interface RelaxedDotProbe {
  /** In-range operands with a non-zero accumulator give the specified result. */
  readonly inRangeExact: boolean;
  readonly unsignedExact: boolean;
  readonly signedExact: boolean;
  readonly mode: RelaxedDotMode;
}

const IN_RANGE: ReadonlyArray<[number, number, number]> = [
  [1, 1, 5], [-128, 127, 1000], [127, 127, -7], [-1, 3, 100], [-128, 0, -2147483000],
];
// Second operand ≥ 128 as a byte: exact unsigned reading gives 4·a·(b & 0xff) + acc.
const UNSIGNED: ReadonlyArray<[number, number, number]> = [
  [-128, 255, 3], [127, 255, -11], [-128, 128, 7], [-1, 200, 1],
];
const SIGNED: ReadonlyArray<[number, number, number]> = [
  [-128, -128, 3], [127, -1, -11], [-128, -1, 7], [100, -128, 1],
];

/** Runs the probe; returns all-false for builds without relaxed SIMD. */
export function probeRelaxedDot(k: KernelExports): RelaxedDotProbe {
  if (k.build_id() !== 2) return { inRangeExact: false, unsignedExact: false, signedExact: false, mode: 'none' };
  const check = (cases: ReadonlyArray<[number, number, number]>, asUnsigned: boolean): boolean =>
    cases.every(([a, b, acc]) => {
      const bv = asUnsigned ? b & 0xff : (b << 24) >> 24;
      return k.relaxed_dot_probe(a, b, acc) === ((4 * a * bv + acc) | 0);
    });
  const inRangeExact = check(IN_RANGE, false);
  const unsignedExact = inRangeExact && check(UNSIGNED, true);
  const signedExact = inRangeExact && check(SIGNED, false);
  const mode: RelaxedDotMode = unsignedExact ? 'usdot' : signedExact ? 'sdot' : 'none';
  return { inRangeExact, unsignedExact, signedExact, mode };
}
