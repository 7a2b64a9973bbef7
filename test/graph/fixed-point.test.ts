// TFLite integer arithmetic in src/graph/fixed-point.ts against exact BigInt definitions.
import { describe, expect, it } from 'vitest';
import {
  multiplyByQuantizedMultiplier, quantizeMultiplier, roundHalfAway, roundingDivideByPOT, srdhm16, srdhm32,
} from '../../src/graph/fixed-point.js';
import { rng } from '../fuzz/fuzz-harness.js';

const I32_MIN = -(2 ** 31);

function srdhmExact(a: number, b: number): number {
  if (a === I32_MIN && b === I32_MIN) return 2 ** 31 - 1;
  const p = BigInt(a) * BigInt(b);
  const nudge = p >= 0n ? 1n << 30n : 1n - (1n << 30n);
  return Number((p + nudge) / (1n << 31n)); // BigInt division truncates like C
}

function rdbpExact(x: number, e: number): number {
  const mask = (1n << BigInt(e)) - 1n;
  const bx = BigInt(x);
  const rem = bx & mask;
  const threshold = (mask >> 1n) + (bx < 0n ? 1n : 0n);
  return Number((bx >> BigInt(e)) + (rem > threshold ? 1n : 0n));
}

describe('fixed point', () => {
  const random = rng(99);
  const int32 = () => {
    const r = random();
    if (r < 0.05) return I32_MIN;
    if (r < 0.1) return 2 ** 31 - 1;
    return Math.trunc((random() * 2 - 1) * 2 ** Math.floor(random() * 32));
  };

  it('SaturatingRoundingDoublingHighMul (int32) is exact for 100k random pairs and the edges', () => {
    for (let i = 0; i < 100_000; i++) {
      const a = int32(), b = int32();
      if (srdhm32(a, b) !== srdhmExact(a, b)) expect([a, b, srdhm32(a, b)]).toEqual([a, b, srdhmExact(a, b)]);
    }
    expect(srdhm32(I32_MIN, I32_MIN)).toBe(2 ** 31 - 1);
  });

  it('RoundingDivideByPOT rounds half away from zero', () => {
    for (let i = 0; i < 20_000; i++) {
      const x = int32(), e = Math.floor(random() * 31);
      if (roundingDivideByPOT(x, e) !== rdbpExact(x, e)) expect([x, e, roundingDivideByPOT(x, e)]).toEqual([x, e, rdbpExact(x, e)]);
    }
    expect([roundingDivideByPOT(5, 1), roundingDivideByPOT(-5, 1), roundingDivideByPOT(-6, 2)]).toEqual([3, -3, -2]);
  });

  it('QuantizeMultiplier matches frexp-based definitions', () => {
    expect(quantizeMultiplier(0)).toEqual([0, 0]);
    expect(quantizeMultiplier(0.5)).toEqual([2 ** 30, 0]);
    expect(quantizeMultiplier(1)).toEqual([2 ** 30, 1]);
    expect(quantizeMultiplier(0.75)).toEqual([Math.round(0.75 * 2 ** 31), 0]);
    // q·2^31 rounding up to 2^31 renormalises.
    expect(quantizeMultiplier(1 - 2 ** -40)).toEqual([2 ** 30, 1]);
    expect(quantizeMultiplier(2 ** -40)).toEqual([0, 0]);
    for (let i = 0; i < 1000; i++) {
      const real = (0.5 + random() * 0.5) * 2 ** (Math.floor(random() * 40) - 29);
      const [m, shift] = quantizeMultiplier(real);
      expect(m).toBeGreaterThanOrEqual(2 ** 30);
      expect(m).toBeLessThan(2 ** 31);
      expect(Math.abs((m / 2 ** 31) * 2 ** shift - real) / real).toBeLessThan(2 ** -30);
    }
  });

  it('MultiplyByQuantizedMultiplier = RDBP(SRDHM(x·2^left, M), right)', () => {
    for (let i = 0; i < 20_000; i++) {
      const x = Math.trunc((random() * 2 - 1) * 2 ** 20);
      const [m, shift] = quantizeMultiplier(random() * 4);
      const left = Math.max(shift, 0), right = Math.max(-shift, 0);
      expect(multiplyByQuantizedMultiplier(x, m, shift)).toBe(rdbpExact(srdhmExact(Math.imul(x, 2 ** left), m), right));
    }
  });

  it('int16 SRDHM and round half away', () => {
    expect(srdhm16(-32768, -32768)).toBe(32767);
    expect(srdhm16(16384, 16384)).toBe(8192);
    expect(srdhm16(3, 16384)).toBe(2); // +1.5 rounds up
    expect(srdhm16(-3, 16384)).toBe(-1); // the nudge 1 − 2^14 takes −1.5 toward zero
    expect([roundHalfAway(2.5), roundHalfAway(-2.5), roundHalfAway(0.49999999999999994), roundHalfAway(-0.5)]).toEqual([3, -3, 0, -1]);
  });
});
