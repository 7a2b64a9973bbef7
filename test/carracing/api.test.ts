import { describe, expect, it } from 'vitest';
import { PNG } from 'pngjs';
import { CarRacing, STATE_H, STATE_W, VIDEO_H, VIDEO_W } from '../../src/carracing/index.js';
import { encodePng } from '../../src/carracing/png.js';

describe('CarRacing API', () => {
  it('reuses one observation buffer and reports the documented shapes', () => {
    const env = new CarRacing({ renderMode: 'rgb_array' });
    const { observation, info } = env.reset({ seed: 2 });
    expect(observation.length).toBe(STATE_W * STATE_H * 3);
    expect(info).toEqual({});
    const first = observation.slice();
    const r = env.step([0, 1, 0]);
    expect(r.observation).toBe(observation);
    expect(r.truncated).toBe(false);
    expect(r.info).toEqual({});
    expect(first).not.toEqual(observation);
    const s = env.carState();
    expect(s.hull).toHaveLength(6);
    expect(s.wheelOmega).toHaveLength(4);
    expect(s.wheelJointAngle).toHaveLength(4);
    expect(env.render()!.length).toBe(VIDEO_W * VIDEO_H * 3);
    expect(env.renderFullRgba().length).toBe(1000 * 800 * 4);
    expect(new CarRacing({ renderMode: null }).render()).toBeNull();
  });

  it('refuses to step before reset', () => {
    expect(() => new CarRacing().step([0, 0, 0])).toThrow();
  });

  it('encodes frames as PNG (Node helper)', () => {
    const env = new CarRacing();
    const { observation } = env.reset({ seed: 5 });
    const png = PNG.sync.read(encodePng(observation, STATE_W, STATE_H));
    expect([png.width, png.height]).toEqual([STATE_W, STATE_H]);
    for (let i = 0; i < STATE_W * STATE_H; i++) {
      expect(png.data[4 * i]).toBe(observation[3 * i]);
      expect(png.data[4 * i + 2]).toBe(observation[3 * i + 2]);
    }
  });
});
