import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { CarRacing, CarRacingRenderer, STATE_H, STATE_W, VIDEO_H, VIDEO_W } from '../../src/carracing/index.js';
import { Downscaler } from '../../src/carracing/downscale.js';
import { formatScore } from '../../src/carracing/hud.js';
import { FIXTURE_DIR, loadRollouts, readJson, readU8 } from './fixtures.js';

interface Frame {
  rollout: string;
  domainRandomize?: boolean;
  seed: number;
  step: number;
  offset: number;
  t: number;
  reward: number;
  hull: number[];
  wheels: number[][];
  recoloredTiles: number[];
}

const HUD_FIRST_ROW = 84;

function meanAbsDiffPerChannel(a: Uint8Array, b: Uint8Array): number[] {
  const sum = [0, 0, 0];
  for (let i = 0; i < a.length; i++) sum[i % 3] += Math.abs(a[i]! - b[i]!);
  return sum.map((s) => s / (a.length / 3));
}

describe('96×96 observation parity with Gymnasium', () => {
  const frames = readJson<Frame[]>('frames.json');
  const bytes = readU8('frames.u8');
  const FRAME = STATE_W * STATE_H * 3;

  it(`renders ${frames.length} recorded states with per-channel MAD ≤ 2 on the worst frame (bit-exact expected)`, () => {
    const plainEnv = new CarRacing({ observations: false });
    const domainEnv = new CarRacing({ observations: false, domainRandomize: true });
    const renderer = new CarRacingRenderer();
    const scene = renderer.createScene();
    const out = new Uint8Array(FRAME);
    let worst = { mad: -1, label: '' };
    let sceneMismatches = 0;
    let hudMismatches = 0;
    let current = '';
    for (const f of frames) {
      const env = f.domainRandomize ? domainEnv : plainEnv;
      if (f.rollout !== current) {
        env.reset({ seed: f.seed });
        current = f.rollout;
      }
      const geo = env.trackGeometry;
      const recolored = new Set(f.recoloredTiles);
      const colors = new Float64Array(geo.track.length * 3);
      for (let i = 0; i < geo.track.length; i++) {
        for (let k = 0; k < 3; k++) colors[i * 3 + k] = env.roadColor[k]! + (recolored.has(i) ? 0 : 0.01 * (i % 3) * 255);
      }
      scene.t = f.t;
      scene.hudReward = f.reward;
      scene.hull.set(f.hull);
      f.wheels.forEach((w, i) => scene.wheels.set(w, i * 6));
      scene.geometry = geo;
      scene.tileColors = colors;
      scene.bgColor = env.bgColor;
      scene.grassColor = env.grassColor;
      renderer.renderState(scene, out);
      const ref = bytes.subarray(f.offset, f.offset + FRAME);
      const mad = Math.max(...meanAbsDiffPerChannel(out, ref));
      if (mad > worst.mad) worst = { mad, label: `${f.rollout} step ${f.step}` };
      for (let i = 0; i < FRAME; i++) if (out[i] !== ref[i]) (i < HUD_FIRST_ROW * STATE_W * 3 ? sceneMismatches++ : hudMismatches++);
    }
    console.log(
      `observation parity: worst frame ${worst.label}, max per-channel MAD ${worst.mad.toFixed(4)}; differing bytes ` +
        `over ${frames.length} frames: ${sceneMismatches} in the scene, ${hudMismatches} in the HUD`,
    );
    expect(worst.mad).toBeLessThanOrEqual(2);
    // Stronger than the bar: the port is expected to be bit-exact (regression guard).
    expect(sceneMismatches + hudMismatches).toBe(0);
  });

  it("the env's own observations along the recorded actions match Gymnasium's (MAD ≤ 2)", () => {
    const { rollouts } = loadRollouts();
    let worst = { mad: -1, label: '' };
    let exact = 0;
    for (const name of new Set(frames.map((f) => f.rollout))) {
      const r = rollouts.find((x) => x.name === name)!;
      const wanted = new Map(frames.filter((f) => f.rollout === name).map((f) => [f.step, f]));
      const env = new CarRacing({ continuous: r.continuous, domainRandomize: r.domain });
      let obs = env.reset({ seed: r.seed }).observation;
      for (let k = 0; k <= Math.max(...wanted.keys()); k++) {
        if (k > 0) obs = env.step(r.continuous ? [r.col(k, 'steer'), r.col(k, 'gas'), r.col(k, 'brake')] : (r.col(k, 'steer') as never)).observation;
        const f = wanted.get(k);
        if (!f) continue;
        const ref = bytes.subarray(f.offset, f.offset + FRAME);
        const mad = Math.max(...meanAbsDiffPerChannel(obs, ref));
        if (mad === 0) exact++;
        if (mad > worst.mad) worst = { mad, label: `${name} step ${k}` };
      }
    }
    console.log(`env observations along recorded actions: ${exact}/${frames.length} bit-exact, worst ${worst.label} MAD ${worst.mad.toFixed(4)}`);
    expect(worst.mad).toBeLessThanOrEqual(2);
  });

  it("the env's own reset observation matches Gymnasium's", () => {
    const first = frames.find((f) => f.step === 0)!;
    const env = new CarRacing();
    const { observation } = env.reset({ seed: first.seed });
    const mad = meanAbsDiffPerChannel(observation, bytes.subarray(first.offset, first.offset + FRAME));
    console.log(`reset observation seed ${first.seed}: MAD ${mad.map((m) => m.toFixed(4)).join('/')}`);
    expect(Math.max(...mad)).toBeLessThanOrEqual(2);
  });
});

describe('600×400 rgb_array parity with Gymnasium (skid marks included)', () => {
  it('renders recorded states and particles with per-channel MAD ≤ 2 (bit-exact expected)', () => {
    const frames = readJson<(Frame & { particles: { points: number[]; grass: boolean }[] })[]>('video_frames.json');
    const bytes = inflateSync(readFileSync(join(FIXTURE_DIR, 'video_frames.u8.zlib')));
    const env = new CarRacing({ observations: false });
    const renderer = new CarRacingRenderer();
    const scene = renderer.createScene();
    const out = new Uint8Array(VIDEO_W * VIDEO_H * 3);
    let worst = 0;
    let mismatches = 0;
    for (const f of frames) {
      env.reset({ seed: f.seed });
      const geo = env.trackGeometry;
      const recolored = new Set(f.recoloredTiles);
      const colors = new Float64Array(geo.track.length * 3);
      for (let i = 0; i < geo.track.length; i++) {
        for (let k = 0; k < 3; k++) colors[i * 3 + k] = env.roadColor[k]! + (recolored.has(i) ? 0 : 0.01 * (i % 3) * 255);
      }
      scene.t = f.t;
      scene.hudReward = f.reward;
      scene.hull.set(f.hull);
      f.wheels.forEach((w, i) => scene.wheels.set(w, i * 6));
      scene.geometry = geo;
      scene.tileColors = colors;
      scene.bgColor = env.bgColor;
      scene.grassColor = env.grassColor;
      scene.particles = f.particles;
      renderer.renderVideo(scene, out);
      const ref = bytes.subarray(f.offset, f.offset + out.length);
      worst = Math.max(worst, ...meanAbsDiffPerChannel(out, ref));
      for (let i = 0; i < out.length; i++) if (out[i] !== ref[i]) mismatches++;
    }
    console.log(`rgb_array parity: ${frames.length} frames, worst per-channel MAD ${worst.toFixed(4)}, ${mismatches} differing bytes`);
    expect(worst).toBeLessThanOrEqual(2);
    expect(mismatches).toBe(0);
  });
});

describe('smoothscale downscale', () => {
  it('summing uniform segments gives exactly the per-pixel result along a drive', () => {
    const env = new CarRacing({ observations: false });
    env.reset({ seed: 11 });
    const renderer = new CarRacingRenderer();
    const scene = renderer.createScene();
    const fast = new Uint8Array(STATE_W * STATE_H * 3);
    const slow = new Uint8Array(STATE_W * STATE_H * 3);
    let mismatches = 0;
    for (let k = 0; k < 160; k++) {
      env.step([0.6 * Math.sin(k / 15), k < 100 ? 0.5 : 0, k > 120 ? 0.3 : 0]);
      if (k % 4 !== 0) continue;
      env.fillRenderScene(scene);
      renderer.fastDownscale = true;
      renderer.renderState(scene, fast);
      renderer.fastDownscale = false;
      renderer.renderState(scene, slow);
      for (let i = 0; i < fast.length; i++) if (fast[i] !== slow[i]) mismatches++;
    }
    expect(mismatches).toBe(0);
  });

  // Same pattern as downscale_pattern() in python/record_carracing_parity.py.
  const pattern = new Uint32Array(1000 * 800);
  for (let y = 0; y < 800; y++) {
    for (let x = 0; x < 1000; x++) {
      const v = (Math.imul(x, 73856093) ^ Math.imul(y, 19349663)) & 0xffffff;
      pattern[y * 1000 + x] = v; // R = v & 255, G = (v >> 8) & 255, B = (v >> 16) & 255
    }
  }
  for (const [w, h] of [
    [96, 96],
    [600, 400],
  ] as const) {
    it(`is bit-exact with pygame for 1000×800 → ${w}×${h}`, () => {
      const out = new Uint8Array(w * h * 3);
      new Downscaler(1000, 800, w, h).run(pattern, out);
      const ref = readU8(`downscale_${w}x${h}.u8`);
      let mismatches = 0;
      for (let i = 0; i < out.length; i++) if (out[i] !== ref[i]) mismatches++;
      expect(mismatches).toBe(0);
    });
  }
});

describe('HUD score text', () => {
  it("formats like Python's f'{x:04.0f}' (round half to even, sign inside the width)", () => {
    expect(formatScore(6.27)).toBe('0006');
    expect(formatScore(-3.2)).toBe('-003');
    expect(formatScore(2.5)).toBe('0002');
    expect(formatScore(3.5)).toBe('0004');
    expect(formatScore(-0.3)).toBe('-000');
    expect(formatScore(0)).toBe('0000');
    expect(formatScore(999.6)).toBe('1000');
    expect(formatScore(12345.4)).toBe('12345');
  });
});
