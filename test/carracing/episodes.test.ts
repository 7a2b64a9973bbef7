import { describe, expect, it } from 'vitest';
import { CarRacing } from '../../src/carracing/index.js';
import { readJson } from './fixtures.js';

interface EpisodeRecord {
  seed: number;
  return: number;
  steps: number;
  tiles: number;
  N: number;
  terminated: boolean;
}

/** Same track follower as pursuit_action() in python/record_carracing_parity.py, actions cast to float32. */
function pursuitAction(env: CarRacing, lookahead: number, targetSpeed: number): [number, number, number] {
  const [x, y, th, vx, vy] = env.carState().hull;
  const track = env.track;
  let best = 0;
  let bestD = Infinity;
  for (let i = 0; i < track.length; i++) {
    const d = (track[i]![2] - x) ** 2 + (track[i]![3] - y) ** 2;
    if (d < bestD) {
      bestD = d;
      best = i;
    }
  }
  const target = track[(best + lookahead) % track.length]!;
  const dx = target[2] - x;
  const dy = target[3] - y;
  const fwd = -Math.sin(th) * dx + Math.cos(th) * dy;
  const right = Math.cos(th) * dx + Math.sin(th) * dy;
  const steer = Math.min(Math.max(1.5 * Math.atan2(right, fwd), -1), 1);
  const speed = Math.hypot(vx, vy);
  const gas = speed < targetSpeed ? 0.4 : 0.0;
  const brake = speed > targetSpeed + 8 ? 0.4 : 0.0;
  return [Math.fround(steer), Math.fround(gas), Math.fround(brake)];
}

describe('closed-loop episodes vs Gymnasium', () => {
  const records = readJson<EpisodeRecord[]>('episodes.json');

  it(`a track-following controller earns the same mean return over ${records.length} seeds (within 3% or 2 SE)`, () => {
    const env = new CarRacing({ observations: false });
    const diffs: number[] = [];
    let sameLength = 0;
    let sameTiles = 0;
    let sumTs = 0;
    let sumPy = 0;
    for (const r of records) {
      env.reset({ seed: r.seed });
      expect(env.track.length).toBe(r.N);
      let total = 0;
      let steps = 0;
      for (;;) {
        const res = env.step(pursuitAction(env, 6, 45 + (r.seed % 3) * 10));
        total += res.reward;
        steps++;
        if (res.terminated || res.truncated) break;
      }
      diffs.push(total - r.return);
      sumTs += total;
      sumPy += r.return;
      if (steps === r.steps) sameLength++;
      if (env.tilesVisited === r.tiles) sameTiles++;
    }
    const n = records.length;
    const meanDiff = diffs.reduce((a, b) => a + b, 0) / n;
    const sd = Math.sqrt(diffs.reduce((a, d) => a + (d - meanDiff) ** 2, 0) / (n - 1));
    const se = sd / Math.sqrt(n);
    const maxAbs = Math.max(...diffs.map(Math.abs));
    console.log(
      `closed loop: mean return TS ${(sumTs / n).toFixed(2)} vs Gymnasium ${(sumPy / n).toFixed(2)}; ` +
        `paired diff ${meanDiff.toFixed(3)} ± ${se.toFixed(3)} (SE), max |diff| ${maxAbs.toFixed(2)}; ` +
        `same length ${sameLength}/${n}, same tiles ${sameTiles}/${n}`,
    );
    expect(Math.abs(meanDiff) <= 0.03 * Math.abs(sumPy / n) || Math.abs(meanDiff) <= 2 * se).toBe(true);
  });
});
