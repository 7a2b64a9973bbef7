import { describe, expect, it } from 'vitest';
import { NumpyGenerator } from '../../src/carracing/rng.js';
import { CarRacing } from '../../src/carracing/index.js';
import { computeBorders } from '../../src/carracing/track.js';
import { loadTracks, readJson } from './fixtures.js';

describe('numpy-compatible RNG', () => {
  const cases = readJson<any[]>('rng.json');
  for (const c of cases) {
    it(`matches numpy for seed ${c.seed}`, () => {
      const g = new NumpyGenerator(BigInt(c.seed));
      for (const r of c.random) expect(g.random()).toBe(r);
      const u = [0, 1, 2].map(() => g.uniform(0, (2 * Math.PI) / 12)).concat([0, 1, 2].map(() => g.uniform(50, 150)));
      expect(u).toEqual(c.uniform);
      expect([0, 1, 2, 3, 4].map(() => g.integers(3))).toEqual(c.integers3);
      expect([g.random(), g.random()]).toEqual(c.afterIntegers);
      expect(g.stateBigInt.state.toString()).toBe(c.state);
      expect(g.stateBigInt.inc.toString()).toBe(c.inc);
    });
  }
});

describe('track parity with Gymnasium', () => {
  const fx = loadTracks();
  const env = new CarRacing({ renderMode: null, observations: false });

  const compare = (entry: number) => {
    const expected = fx.track(entry);
    const actual = env.track;
    expect(actual.length).toBe(expected.length);
    let maxDiff = 0;
    for (let i = 0; i < expected.length; i++) {
      for (let k = 0; k < 4; k++) maxDiff = Math.max(maxDiff, Math.abs(actual[i]![k]! - expected[i]![k]!));
    }
    const curbs: [number, number][] = [];
    const border = computeBorders(actual);
    for (let i = 0; i < actual.length; i++) if (border[i]) curbs.push([i, env.trackGeometry.curbSide[i]!]);
    expect(curbs).toEqual(fx.index.curbs[entry]);
    return maxDiff;
  };

  it(`gives the same tiles for ${fx.index.seeds.length} seeds (max coordinate diff ≤ 1e-9)`, () => {
    let worst = 0;
    fx.index.seeds.forEach((seed, entry) => {
      env.reset({ seed });
      worst = Math.max(worst, compare(entry));
    });
    console.log(`track parity: ${fx.index.seeds.length} seeds, max |Δ| over [alpha, beta, x, y] = ${worst.toExponential(2)}`);
    expect(worst).toBeLessThanOrEqual(1e-9);
  });

  it('continues the same stream on resets without a seed', () => {
    for (const seq of fx.index.sequences) {
      env.reset({ seed: seq.seed });
      for (const entry of seq.entries) {
        env.reset();
        expect(compare(entry)).toBeLessThanOrEqual(1e-9);
      }
    }
  });

  it('draws domain-randomised colours like Gymnasium (32-bit buffer carried across resets, randomize: false)', () => {
    const denv = new CarRacing({ renderMode: null, domainRandomize: true, observations: false });
    for (const d of fx.index.domain) {
      denv.reset({ seed: d.seed });
      d.colors.forEach((colors, k) => {
        if (k > 0) denv.reset({ options: { randomize: d.randomize[k] } });
        expect(Array.from(denv.roadColor)).toEqual(colors.road);
        expect(Array.from(denv.bgColor)).toEqual(colors.bg);
        expect(Array.from(denv.grassColor)).toEqual(colors.grass);
        const expected = fx.track(d.tracks[k]!);
        expect(denv.track.length).toBe(expected.length);
        expect(Math.abs(denv.track[5]![2] - expected[5]![2]!)).toBeLessThanOrEqual(1e-9);
      });
    }
  });
});
