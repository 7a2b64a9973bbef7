import { describe, expect, it } from 'vitest';
import { CarRacing, InvalidAction } from '../../src/carracing/index.js';
import { loadRollouts } from './fixtures.js';

// Replays the actions Gymnasium received and compares the planck car with pybox2d's, step by step.
describe('car dynamics and reward parity with Gymnasium', () => {
  const { rollouts } = loadRollouts();
  const HORIZON = 300;

  for (const r of rollouts) {
    it(`${r.name}: hull drift ≤ 0.01 and reward within one tile after ${Math.min(HORIZON, r.rows - 1)} steps`, () => {
      const env = new CarRacing({ continuous: r.continuous, domainRandomize: r.domain, observations: false });
      env.reset({ seed: r.seed });
      expect(env.track.length).toBe(r.tiles);
      let maxDrift = 0;
      let maxAngleDiff = 0;
      let maxOmegaDiff = 0;
      let maxJointDiff = 0;
      let rewardTs = 0;
      let rewardPy = 0;
      let terminatedAt = -1;
      const steps = Math.min(HORIZON, r.rows - 1);
      for (let k = 1; k <= steps; k++) {
        const action = r.continuous ? [r.col(k, 'steer'), r.col(k, 'gas'), r.col(k, 'brake')] : r.col(k, 'steer');
        const res = env.step(action as never);
        const s = env.carState();
        maxDrift = Math.max(maxDrift, Math.hypot(s.hull[0] - r.col(k, 'hull_x'), s.hull[1] - r.col(k, 'hull_y')));
        maxAngleDiff = Math.max(maxAngleDiff, Math.abs(s.hull[2] - r.col(k, 'hull_angle')));
        for (let i = 0; i < 4; i++) {
          maxOmegaDiff = Math.max(maxOmegaDiff, Math.abs(s.wheelOmega[i]! - r.col(k, `omega${i}`)));
          maxJointDiff = Math.max(maxJointDiff, Math.abs(s.wheelJointAngle[i]! - r.col(k, `joint${i}`)));
        }
        rewardTs += res.reward;
        rewardPy += r.col(k, 'step_reward');
        if (res.terminated && terminatedAt < 0) terminatedAt = k;
        expect(res.terminated).toBe(r.col(k, 'terminated') === 1);
        if (res.terminated) break;
      }
      const tileReward = 1000 / r.tiles;
      console.log(
        `${r.name}: max hull drift ${maxDrift.toExponential(2)}, max angle diff ${maxAngleDiff.toExponential(2)}, ` +
          `wheel ω ${maxOmegaDiff.toExponential(2)}, joint angle ${maxJointDiff.toExponential(2)}, ` +
          `reward TS ${rewardTs.toFixed(4)} vs Gymnasium ${rewardPy.toFixed(4)} (|Δ| ${Math.abs(rewardTs - rewardPy).toExponential(2)}, one tile ${tileReward.toFixed(3)})` +
          (terminatedAt > 0 ? `, terminated at step ${terminatedAt}` : ''),
      );
      expect(maxDrift).toBeLessThanOrEqual(0.01);
      // Regression guards (no bar in the issue; measured ≤ 6e-4 rad/s and ≤ 3e-5 rad).
      expect(maxOmegaDiff).toBeLessThanOrEqual(0.05);
      expect(maxJointDiff).toBeLessThanOrEqual(1e-3);
      expect(Math.abs(rewardTs - rewardPy)).toBeLessThanOrEqual(tileReward);
    });
  }

  it('pays the two tiles collected during reset in the first step (quirk Q4)', () => {
    const r = rollouts.find((x) => x.name === 'pursuit_s0')!;
    const env = new CarRacing({ observations: false });
    env.reset({ seed: r.seed });
    expect(env.tilesVisited).toBe(2);
    const res = env.step([r.col(1, 'steer'), r.col(1, 'gas'), r.col(1, 'brake')]);
    expect(res.reward).toBeCloseTo(r.col(1, 'step_reward'), 12);
    expect(res.reward).toBeCloseTo((2 * 1000) / env.track.length - 0.1, 12);
  });

  it('truncates at 1000 steps like the registered env, and validates discrete actions', () => {
    const env = new CarRacing({ continuous: false, observations: false });
    env.reset({ seed: 3 });
    expect(() => env.step(5)).toThrow(InvalidAction);
    let last = env.step(0);
    let steps = 1;
    while (!last.truncated && !last.terminated) {
      last = env.step(0);
      steps++;
    }
    expect(last.truncated).toBe(true);
    expect(steps).toBe(1000);
    env.reset({ seed: 3 });
    expect(env.step(0).truncated).toBe(false);
  });
});
