/**
 * Track generation exactly as Gymnasium's CarRacing._create_track: 12 noisy checkpoints, a walk that turns
 * towards them, loop closing at the start crossing, curb detection and the tile / curb quads.
 * Every draw comes from the env's NumpyGenerator in Gymnasium's order, so a seed gives Gymnasium's track.
 */
import type { NumpyGenerator } from './rng.js';

export const SCALE = 6.0;
export const TRACK_RAD = 900 / SCALE;
export const PLAYFIELD = 2000 / SCALE;
export const TRACK_DETAIL_STEP = 21 / SCALE;
export const TRACK_TURN_RATE = 0.31;
export const TRACK_WIDTH = 40 / SCALE;
export const BORDER = 8 / SCALE;
export const BORDER_MIN_COUNT = 4;
export const GRASS_DIM = PLAYFIELD / 20.0;
export const CHECKPOINTS = 12;

const TWO_PI = 2 * Math.PI;

/** One track point: [alpha, beta, x, y] (beta = angle of the right-hand normal). */
export type TrackPoint = [number, number, number, number];

export interface TrackGeometry {
  track: TrackPoint[];
  /** Tile quads [L1, R1, R2, L2] flattened as 8 numbers per tile (world units). */
  tileQuads: Float64Array;
  /** Curb flag per tile and its side (+1/−1); curbs are visual only. */
  border: boolean[];
  curbSide: Int8Array;
  /** Curb quads, 8 numbers per tile (zeros where there is no curb). */
  curbQuads: Float64Array;
}

/** One attempt of the generator; null when Gymnasium would retry (no start crossing or badly glued). */
export function generateTrackAttempt(rng: NumpyGenerator): TrackPoint[] | null {
  const checkpoints: [number, number, number][] = [];
  for (let c = 0; c < CHECKPOINTS; c++) {
    const noise = rng.uniform(0, (TWO_PI * 1) / CHECKPOINTS);
    let alpha = (TWO_PI * c) / CHECKPOINTS + noise;
    let rad = rng.uniform(TRACK_RAD / 3, TRACK_RAD);
    if (c === 0) {
      alpha = 0;
      rad = 1.5 * TRACK_RAD;
    }
    if (c === CHECKPOINTS - 1) {
      alpha = (TWO_PI * c) / CHECKPOINTS;
      rad = 1.5 * TRACK_RAD;
    }
    checkpoints.push([alpha, rad * Math.cos(alpha), rad * Math.sin(alpha)]);
  }
  const startAlpha = (TWO_PI * -0.5) / CHECKPOINTS;

  let x = 1.5 * TRACK_RAD;
  let y = 0;
  let beta = 0;
  let destI = 0;
  let laps = 0;
  let noFreeze = 2500;
  let visitedOtherSide = false;
  const pts: TrackPoint[] = [];
  for (;;) {
    let alpha = Math.atan2(y, x);
    if (visitedOtherSide && alpha > 0) {
      laps += 1;
      visitedOtherSide = false;
    }
    if (alpha < 0) {
      visitedOtherSide = true;
      alpha += TWO_PI;
    }
    let destX = 0;
    let destY = 0;
    for (;;) {
      let failed = true;
      for (;;) {
        const cp = checkpoints[destI % CHECKPOINTS]!;
        destX = cp[1];
        destY = cp[2];
        if (alpha <= cp[0]) {
          failed = false;
          break;
        }
        destI += 1;
        if (destI % CHECKPOINTS === 0) break;
      }
      if (!failed) break;
      // Past the last checkpoint: the reduced alpha is what gets stored.
      alpha -= TWO_PI;
    }
    const r1x = Math.cos(beta);
    const r1y = Math.sin(beta);
    const p1x = -r1y;
    const p1y = r1x;
    let proj = r1x * (destX - x) + r1y * (destY - y);
    while (beta - alpha > 1.5 * Math.PI) beta -= TWO_PI;
    while (beta - alpha < -1.5 * Math.PI) beta += TWO_PI;
    const prevBeta = beta;
    proj *= SCALE;
    if (proj > 0.3) beta -= Math.min(TRACK_TURN_RATE, Math.abs(0.001 * proj));
    if (proj < -0.3) beta += Math.min(TRACK_TURN_RATE, Math.abs(0.001 * proj));
    // The move uses the heading from before this step's turn.
    x += p1x * TRACK_DETAIL_STEP;
    y += p1y * TRACK_DETAIL_STEP;
    pts.push([alpha, prevBeta * 0.5 + beta * 0.5, x, y]);
    if (laps > 4) break;
    noFreeze -= 1;
    if (noFreeze === 0) break;
  }

  let i1 = -1;
  let i2 = -1;
  let i = pts.length;
  for (;;) {
    i -= 1;
    if (i === 0) return null;
    const passThroughStart = pts[i]![0] > startAlpha && pts[i - 1]![0] <= startAlpha;
    if (passThroughStart && i2 === -1) i2 = i;
    else if (passThroughStart && i1 === -1) {
      i1 = i;
      break;
    }
  }
  const track = pts.slice(i1, i2 - 1);
  const first = track[0]!;
  const last = track[track.length - 1]!;
  // Component-wise product, not a dot product (as in Gymnasium).
  const gx = Math.cos(first[1]) * (first[2] - last[2]);
  const gy = Math.sin(first[1]) * (first[3] - last[3]);
  if (Math.sqrt(gx * gx + gy * gy) > TRACK_DETAIL_STEP) return null;
  return track;
}

/** Python-style wrap-around index. */
const wrap = (i: number, n: number) => (i < 0 ? i + n : i);

/** Curb flags: 4 consecutive same-sign sharp beta steps, then spread backwards in place (wrapping). */
export function computeBorders(track: TrackPoint[]): boolean[] {
  const n = track.length;
  const border = new Array<boolean>(n).fill(false);
  for (let i = 0; i < n; i++) {
    let good = true;
    let oneSide = 0;
    for (let neg = 0; neg < BORDER_MIN_COUNT; neg++) {
      const beta1 = track[wrap(i - neg, n)]![1];
      const beta2 = track[wrap(i - neg - 1, n)]![1];
      good = good && Math.abs(beta1 - beta2) > TRACK_TURN_RATE * 0.2;
      oneSide += Math.sign(beta1 - beta2);
    }
    border[i] = good && Math.abs(oneSide) === BORDER_MIN_COUNT;
  }
  // Sequential in-place spreading: writes near index 0 cascade into the last indices, as in Python.
  for (let i = 0; i < n; i++) {
    for (let neg = 0; neg < BORDER_MIN_COUNT; neg++) {
      const k = wrap(i - neg, n);
      border[k] = border[k]! || border[i]!;
    }
  }
  return border;
}

/** Tile and curb quads in Gymnasium's vertex order. */
export function buildTrackGeometry(track: TrackPoint[]): TrackGeometry {
  const n = track.length;
  const border = computeBorders(track);
  const tileQuads = new Float64Array(n * 8);
  const curbQuads = new Float64Array(n * 8);
  const curbSide = new Int8Array(n);
  for (let i = 0; i < n; i++) {
    const [, beta1, x1, y1] = track[i]!;
    const [, beta2, x2, y2] = track[wrap(i - 1, n)]!;
    const c1 = Math.cos(beta1);
    const s1 = Math.sin(beta1);
    const c2 = Math.cos(beta2);
    const s2 = Math.sin(beta2);
    const q = i * 8;
    tileQuads[q] = x1 - TRACK_WIDTH * c1;
    tileQuads[q + 1] = y1 - TRACK_WIDTH * s1;
    tileQuads[q + 2] = x1 + TRACK_WIDTH * c1;
    tileQuads[q + 3] = y1 + TRACK_WIDTH * s1;
    tileQuads[q + 4] = x2 + TRACK_WIDTH * c2;
    tileQuads[q + 5] = y2 + TRACK_WIDTH * s2;
    tileQuads[q + 6] = x2 - TRACK_WIDTH * c2;
    tileQuads[q + 7] = y2 - TRACK_WIDTH * s2;
    if (border[i]) {
      const side = Math.sign(beta2 - beta1);
      curbSide[i] = side;
      curbQuads[q] = x1 + side * TRACK_WIDTH * c1;
      curbQuads[q + 1] = y1 + side * TRACK_WIDTH * s1;
      curbQuads[q + 2] = x1 + side * (TRACK_WIDTH + BORDER) * c1;
      curbQuads[q + 3] = y1 + side * (TRACK_WIDTH + BORDER) * s1;
      curbQuads[q + 4] = x2 + side * (TRACK_WIDTH + BORDER) * c2;
      curbQuads[q + 5] = y2 + side * (TRACK_WIDTH + BORDER) * s2;
      curbQuads[q + 6] = x2 + side * TRACK_WIDTH * c2;
      curbQuads[q + 7] = y2 + side * TRACK_WIDTH * s2;
    }
  }
  return { track, tileQuads, border, curbSide, curbQuads };
}

/** Repeat attempts until one succeeds, as reset() does. */
export function generateTrack(rng: NumpyGenerator): TrackGeometry {
  for (;;) {
    const track = generateTrackAttempt(rng);
    if (track) return buildTrackGeometry(track);
  }
}
