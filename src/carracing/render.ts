/**
 * CarRacing's renderer: world → 1000×800 surface (camera, background, grass, road + curbs, car), flip, HUD,
 * then smoothscale to 96×96 (observation) or 600×400 (rgb_array). All buffers are preallocated; rendering a
 * frame allocates nothing.
 */
import { PolygonShape, Vec2 } from 'planck';
import { HULL_POLYS, SIZE, WHEEL_R, WHEEL_W, type SkidParticle } from './car.js';
import { Downscaler } from './downscale.js';
import { Hud, WINDOW_H, WINDOW_W } from './hud.js';
import { Framebuffer, SegmentMap, rgb } from './raster.js';
import { GRASS_DIM, PLAYFIELD, SCALE, TRACK_DETAIL_STEP, TRACK_WIDTH, type TrackGeometry } from './track.js';

export const STATE_W = 96;
export const STATE_H = 96;
export const VIDEO_W = 600;
export const VIDEO_H = 400;
const ZOOM = 2.7;
const MAX_SHAPE_DIM = Math.max(GRASS_DIM, TRACK_WIDTH, TRACK_DETAIL_STEP) * Math.sqrt(2) * ZOOM * SCALE;

const HULL_COLOR = rgb(204, 0, 0);
const WHEEL_COLOR = rgb(0, 0, 0);
const WHEEL_WHITE = rgb(77, 77, 77);
const MUD_COLOR = rgb(102, 102, 0);
const CURB_WHITE = rgb(255, 255, 255);
const CURB_RED = rgb(255, 0, 0);

/** Everything a frame depends on. The env fills it from its bodies; tests fill it from recorded states. */
export interface RenderScene {
  /** Simulated time (drives the zoom-in animation). */
  t: number;
  /** Cumulative reward shown in the HUD. */
  hudReward: number;
  /** [x, y, angle, vx, vy, angularVelocity] */
  hull: Float64Array;
  /** Per wheel: [x, y, angle, omega, phase, jointAngle] */
  wheels: Float64Array;
  geometry: TrackGeometry | null;
  /** 3 floats per tile (current, possibly recoloured). */
  tileColors: Float64Array;
  bgColor: ArrayLike<number>;
  grassColor: ArrayLike<number>;
  particles: readonly SkidParticle[];
}

/** Box2D keeps polygon vertices as their convex hull in its own order; draw order follows it. */
function hullOrdered(points: readonly (readonly [number, number])[]): Float64Array {
  const shape = new PolygonShape(points.map(([x, y]) => Vec2(x * SIZE, y * SIZE)));
  const n = shape.m_count;
  const out = new Float64Array(n * 2);
  for (let i = 0; i < n; i++) {
    out[2 * i] = shape.m_vertices[i]!.x;
    out[2 * i + 1] = shape.m_vertices[i]!.y;
  }
  return out;
}

const HULL_LOCAL = HULL_POLYS.map(hullOrdered);
const WHEEL_LOCAL = hullOrdered([
  [-WHEEL_W, +WHEEL_R],
  [+WHEEL_W, +WHEEL_R],
  [+WHEEL_W, -WHEEL_R],
  [-WHEEL_W, -WHEEL_R],
]);

const FIELD = new Float64Array([PLAYFIELD, PLAYFIELD, PLAYFIELD, -PLAYFIELD, -PLAYFIELD, -PLAYFIELD, -PLAYFIELD, PLAYFIELD]);

const SCREEN_CORNERS_WITH_MARGIN = [-2, -2, WINDOW_W + 2, -2, WINDOW_W + 2, WINDOW_H + 2, -2, WINDOW_H + 2];

const colorOf = (c: ArrayLike<number>, o = 0) => rgb(Math.trunc(c[o]!), Math.trunc(c[o + 1]!), Math.trunc(c[o + 2]!));

export class CarRacingRenderer {
  readonly fb = new Framebuffer(WINDOW_W, WINDOW_H);
  private readonly hud = new Hud();
  private readonly toState = new Downscaler(WINDOW_W, WINDOW_H, STATE_W, STATE_H);
  private toVideo: Downscaler | null = null;
  private readonly vx = new Int32Array(8);
  private readonly vy = new Int32Array(8);
  private readonly fx = new Float64Array(8);
  private readonly fy = new Float64Array(8);
  private readonly omegas = new Float64Array(4);
  // camera
  private cosA = 1;
  private sinA = 0;
  private zoom = 1;
  private transX = 0;
  private transY = 0;

  createScene(): RenderScene {
    return {
      t: 0,
      hudReward: 0,
      hull: new Float64Array(6),
      wheels: new Float64Array(24),
      geometry: null,
      tileColors: new Float64Array(0),
      bgColor: [102, 204, 102],
      grassColor: [102, 230, 102],
      particles: [],
    };
  }

  /** The 96×96×3 observation into `out`. */
  renderState(scene: RenderScene, out: Uint8Array): void {
    this.fb.segments = this.stateSegments;
    this.drawFrame(scene, false);
    this.fb.segments = null;
    this.toState.run(this.fb.data, out, this.fastDownscale ? this.stateSegments : null);
  }

  private readonly stateSegments = new SegmentMap(WINDOW_W, WINDOW_H, this.toState.emitColumns);
  /** Sum uniform runs without reading them (exact either way; false reads every pixel). */
  fastDownscale = true;

  /** rgb_array: 600×400×3 with skid marks. */
  renderVideo(scene: RenderScene, out: Uint8Array): void {
    this.drawFrame(scene, true);
    if (!this.toVideo) this.toVideo = new Downscaler(WINDOW_W, WINDOW_H, VIDEO_W, VIDEO_H);
    this.toVideo.run(this.fb.data, out);
  }

  /** The full 1000×800 frame as RGBA bytes. */
  renderFullRgba(scene: RenderScene, particles: boolean, out?: Uint8Array): Uint8Array {
    this.drawFrame(scene, particles);
    const target = out ?? new Uint8Array(WINDOW_W * WINDOW_H * 4);
    const d = this.fb.data;
    for (let i = 0; i < d.length; i++) {
      const p = d[i]!;
      target[4 * i] = p & 255;
      target[4 * i + 1] = (p >>> 8) & 255;
      target[4 * i + 2] = (p >>> 16) & 255;
      target[4 * i + 3] = 255;
    }
    return target;
  }

  /** Gymnasium's _render up to (not including) the downscale. */
  drawFrame(scene: RenderScene, drawParticles: boolean): void {
    const fb = this.fb;
    const hx = scene.hull[0]!;
    const hy = scene.hull[1]!;
    const angle = -scene.hull[2]!;
    const t = scene.t;
    const zoom = 0.1 * SCALE * Math.max(1 - t, 0) + ZOOM * SCALE * Math.min(t, 1);
    this.zoom = zoom;
    this.cosA = Math.cos(angle);
    this.sinA = Math.sin(angle);
    const scrollX = -hx * zoom;
    const scrollY = -hy * zoom;
    this.transX = WINDOW_W / 2 + (this.cosA * scrollX - this.sinA * scrollY);
    this.transY = WINDOW_H / 4 + (this.sinA * scrollX + this.cosA * scrollY);

    fb.flipY = true;
    // Gymnasium starts from a black surface; skip clearing when the background square covers it anyway.
    this.project(FIELD, 0, 4);
    if (!this.projectedQuadCoversScreen()) fb.fill(0);
    // background (never culled)
    this.worldPolyGfx(FIELD, 0, 4, colorOf(scene.bgColor), false);
    // grass: one square in every 2×2 cell
    const grass = colorOf(scene.grassColor);
    const G = GRASS_DIM;
    const sq = this.grassSquare;
    for (let x = -20; x < 20; x += 2) {
      for (let y = -20; y < 20; y += 2) {
        sq[0] = G * x + G;
        sq[1] = G * y + 0;
        sq[2] = G * x + 0;
        sq[3] = G * y + 0;
        sq[4] = G * x + 0;
        sq[5] = G * y + G;
        sq[6] = G * x + G;
        sq[7] = G * y + G;
        this.worldPolyGfx(sq, 0, 4, grass, true);
      }
    }
    // road: tile i, then its curb
    const geo = scene.geometry;
    if (geo) {
      const n = geo.track.length;
      for (let i = 0; i < n; i++) {
        this.worldPolyGfx(geo.tileQuads, i * 8, 4, colorOf(scene.tileColors, i * 3), true);
        if (geo.border[i]) this.worldPolyGfx(geo.curbQuads, i * 8, 4, i % 2 === 0 ? CURB_WHITE : CURB_RED, true);
      }
    }
    this.drawCar(scene, drawParticles);

    const v = scene.hull;
    const speed = Math.sqrt(v[3]! * v[3]! + v[4]! * v[4]!);
    for (let i = 0; i < 4; i++) this.omegas[i] = scene.wheels[i * 6 + 3]!;
    this.hud.draw(fb, speed, this.omegas, scene.wheels[5]!, v[5]!, scene.hudReward);
  }

  private readonly grassSquare = new Float64Array(8);

  /** Whether the convex quad in (fx, fy) contains the whole surface with a 2-px margin. */
  private projectedQuadCoversScreen(): boolean {
    const corners = SCREEN_CORNERS_WITH_MARGIN;
    let sign = 0;
    for (let i = 0; i < 4; i++) {
      const x0 = this.fx[i]!;
      const y0 = this.fy[i]!;
      const ex = this.fx[(i + 1) % 4]! - x0;
      const ey = this.fy[(i + 1) % 4]! - y0;
      for (let k = 0; k < 8; k += 2) {
        const cross = ex * (corners[k + 1]! - y0) - ey * (corners[k]! - x0);
        const s = cross > 0 ? 1 : cross < 0 ? -1 : 0;
        if (s === 0 || (sign !== 0 && s !== sign)) return false;
        sign = s;
      }
    }
    return true;
  }

  /** Camera transform of world points into (fx, fy). */
  private project(pts: ArrayLike<number>, offset: number, n: number): void {
    const { cosA, sinA, zoom, transX, transY } = this;
    for (let k = 0; k < n; k++) {
      const x = pts[offset + 2 * k]!;
      const y = pts[offset + 2 * k + 1]!;
      this.fx[k] = (cosA * x - sinA * y) * zoom + transX;
      this.fy[k] = (sinA * x + cosA * y) * zoom + transY;
    }
  }

  /** gfxdraw.aapolygon + gfxdraw.filled_polygon with Gymnasium's culling. */
  private worldPolyGfx(pts: ArrayLike<number>, offset: number, n: number, color: number, clip: boolean): void {
    this.project(pts, offset, n);
    if (clip) {
      let visible = false;
      for (let k = 0; k < n; k++) {
        const x = this.fx[k]!;
        const y = this.fy[k]!;
        if (x >= -MAX_SHAPE_DIM && x <= WINDOW_W + MAX_SHAPE_DIM && y >= -MAX_SHAPE_DIM && y <= WINDOW_H + MAX_SHAPE_DIM) {
          visible = true;
          break;
        }
      }
      if (!visible) return;
    }
    for (let k = 0; k < n; k++) {
      // Sint16 truncation as SDL_gfx receives the coordinates
      this.vx[k] = (Math.trunc(this.fx[k]!) << 16) >> 16;
      this.vy[k] = (Math.trunc(this.fy[k]!) << 16) >> 16;
    }
    this.fb.aaPolygonGfx(this.vx, this.vy, n, color);
    this.fb.fillPolygonGfx(this.vx, this.vy, n, color);
  }

  private readonly localTmp = new Float64Array(16);

  /** pygame.draw.polygon of a body-local polygon under body transform (x, y, angle). */
  private bodyPoly(local: ArrayLike<number>, n: number, bx: number, by: number, bAngle: number, color: number): void {
    const c = Math.cos(bAngle);
    const s = Math.sin(bAngle);
    const w = this.localTmp;
    for (let k = 0; k < n; k++) {
      const lx = local[2 * k]!;
      const ly = local[2 * k + 1]!;
      w[2 * k] = c * lx - s * ly + bx;
      w[2 * k + 1] = s * lx + c * ly + by;
    }
    this.project(w, 0, n);
    for (let k = 0; k < n; k++) {
      this.vx[k] = Math.trunc(this.fx[k]!);
      this.vy[k] = Math.trunc(this.fy[k]!);
    }
    this.fb.fillPolygonPygame(this.vx, this.vy, n, color);
  }

  private readonly stripe = new Float64Array(8);

  private drawCar(scene: RenderScene, drawParticles: boolean): void {
    if (drawParticles) {
      for (const p of scene.particles) {
        const pts = p.points;
        const color = p.grass ? MUD_COLOR : WHEEL_COLOR;
        this.project(pts, 0, 2);
        let x0 = Math.trunc(this.fx[0]!);
        let y0 = Math.trunc(this.fy[0]!);
        for (let k = 1; k < pts.length / 2; k++) {
          this.project(pts, 2 * k, 1);
          const x1 = Math.trunc(this.fx[0]!);
          const y1 = Math.trunc(this.fy[0]!);
          this.fb.lineWidth(x0, y0, x1, y1, 2, color);
          x0 = x1;
          y0 = y1;
        }
      }
    }
    const W = scene.wheels;
    for (let i = 0; i < 4; i++) {
      const o = i * 6;
      const wx = W[o]!;
      const wy = W[o + 1]!;
      const wa = W[o + 2]!;
      this.bodyPoly(WHEEL_LOCAL, WHEEL_LOCAL.length / 2, wx, wy, wa, WHEEL_COLOR);
      const a1 = W[o + 4]!;
      const a2 = a1 + 1.2;
      const s1 = Math.sin(a1);
      const s2 = Math.sin(a2);
      let c1 = Math.cos(a1);
      let c2 = Math.cos(a2);
      if (s1 > 0 && s2 > 0) continue;
      if (s1 > 0) c1 = Math.sign(c1);
      if (s2 > 0) c2 = Math.sign(c2);
      const st = this.stripe;
      st[0] = -WHEEL_W * SIZE;
      st[1] = +WHEEL_R * c1 * SIZE;
      st[2] = +WHEEL_W * SIZE;
      st[3] = +WHEEL_R * c1 * SIZE;
      st[4] = +WHEEL_W * SIZE;
      st[5] = +WHEEL_R * c2 * SIZE;
      st[6] = -WHEEL_W * SIZE;
      st[7] = +WHEEL_R * c2 * SIZE;
      this.bodyPoly(st, 4, wx, wy, wa, WHEEL_WHITE);
    }
    const h = scene.hull;
    for (const poly of HULL_LOCAL) this.bodyPoly(poly, poly.length / 2, h[0]!, h[1]!, h[2]!, HULL_COLOR);
  }
}
