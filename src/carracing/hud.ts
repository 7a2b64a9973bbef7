/**
 * The HUD Gymnasium draws after the flip (final coordinates, y down): black bar, speed / ABS / steering /
 * gyro indicators, and the score text (HEAD/1.4 format `f"{reward:04.0f}"`) from a glyph atlas.
 */
import { Framebuffer, rgb } from './raster.js';
import { GLYPH_COVERAGE_BASE64, GLYPH_HEIGHT, GLYPH_PAIR_OFFSETS, GLYPH_WIDTHS, SCORE_LAYOUTS } from './glyphs.js';

export const WINDOW_W = 1000;
export const WINDOW_H = 800;

const BLACK = rgb(0, 0, 0);
const WHITE = rgb(255, 255, 255);
const ABS_FRONT = rgb(0, 0, 255);
const ABS_REAR = rgb(51, 0, 255);
const GREEN = rgb(0, 255, 0);
const RED = rgb(255, 0, 0);

function decodeBase64(s: string): Uint8Array {
  const atobFn = (globalThis as { atob?: (s: string) => string }).atob;
  if (!atobFn) throw new Error('atob unavailable');
  const bin = atobFn(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

let glyphCache: Map<string, Uint8Array> | null = null;
function glyph(ch: string): Uint8Array {
  if (!glyphCache) {
    glyphCache = new Map();
    for (const [c, b64] of Object.entries(GLYPH_COVERAGE_BASE64)) glyphCache.set(c, decodeBase64(b64));
  }
  const g = glyphCache.get(ch);
  if (!g) throw new Error(`no glyph for ${JSON.stringify(ch)}`);
  return g;
}

/** Python's f"{x:04.0f}": round half to even, zero-padded to width 4 (sign counts toward the width). */
export function formatScore(x: number): string {
  let r = Math.round(x);
  if (Math.abs(x - Math.trunc(x)) === 0.5) r = 2 * Math.round(x / 2);
  const neg = r < 0 || Object.is(r, -0) || (r === 0 && x < 0);
  const digits = String(Math.abs(r));
  const body = neg ? '-' + digits.padStart(3, '0') : digits.padStart(4, '0');
  return body;
}

export class Hud {
  private readonly xs = new Int32Array(4);
  private readonly ys = new Int32Array(4);

  /** pygame.draw.polygon of a quad; coordinates truncated to int as pygame does. */
  private quad(fb: Framebuffer, x0: number, y0: number, x1: number, y1: number, x2: number, y2: number, x3: number, y3: number, color: number): void {
    const xs = this.xs;
    const ys = this.ys;
    xs[0] = Math.trunc(x0);
    ys[0] = Math.trunc(y0);
    xs[1] = Math.trunc(x1);
    ys[1] = Math.trunc(y1);
    xs[2] = Math.trunc(x2);
    ys[2] = Math.trunc(y2);
    xs[3] = Math.trunc(x3);
    ys[3] = Math.trunc(y3);
    fb.fillPolygonPygame(xs, ys, 4, color);
  }

  private vertical(fb: Framebuffer, place: number, val: number, color: number): void {
    const s = WINDOW_W / 40.0;
    const h = WINDOW_H / 40.0;
    const H = WINDOW_H;
    this.quad(fb, place * s, H - (h + h * val), (place + 1) * s, H - (h + h * val), (place + 1) * s, H - h, (place + 0) * s, H - h, color);
  }

  private horizontal(fb: Framebuffer, place: number, val: number, color: number): void {
    const s = WINDOW_W / 40.0;
    const h = WINDOW_H / 40.0;
    const H = WINDOW_H;
    this.quad(fb, (place + 0) * s, H - 4 * h, (place + val) * s, H - 4 * h, (place + val) * s, H - 2 * h, (place + 0) * s, H - 2 * h, color);
  }

  /**
   * @param speed ‖hull linear velocity‖
   * @param omegas wheel rolling speeds (4)
   * @param steeringJointAngle front-left joint angle
   * @param hullAngularVelocity hull angular velocity
   */
  draw(fb: Framebuffer, speed: number, omegas: ArrayLike<number>, steeringJointAngle: number, hullAngularVelocity: number, score: number): void {
    const W = WINDOW_W;
    const H = WINDOW_H;
    const h = H / 40.0;
    fb.flipY = false;
    this.quad(fb, W, H, W, H - 5 * h, 0, H - 5 * h, 0, H, BLACK);
    // Each indicator is drawn only when its raw value exceeds 1e-4 (Gymnasium's render_if_min).
    if (Math.abs(speed) > 1e-4) this.vertical(fb, 5, 0.02 * speed, WHITE);
    if (Math.abs(omegas[0]!) > 1e-4) this.vertical(fb, 7, 0.01 * omegas[0]!, ABS_FRONT);
    if (Math.abs(omegas[1]!) > 1e-4) this.vertical(fb, 8, 0.01 * omegas[1]!, ABS_FRONT);
    if (Math.abs(omegas[2]!) > 1e-4) this.vertical(fb, 9, 0.01 * omegas[2]!, ABS_REAR);
    if (Math.abs(omegas[3]!) > 1e-4) this.vertical(fb, 10, 0.01 * omegas[3]!, ABS_REAR);
    if (Math.abs(steeringJointAngle) > 1e-4) this.horizontal(fb, 20, -10.0 * steeringJointAngle, GREEN);
    if (Math.abs(hullAngularVelocity) > 1e-4) this.horizontal(fb, 30, -0.8 * hullAngularVelocity, RED);
    this.text(fb, formatScore(score), 60, WINDOW_H - (WINDOW_H * 2.5) / 40.0);
  }

  /** Opaque text box centred at (cx, cy), glyphs max-composited at measured pair offsets. */
  private readonly glyphX = new Int32Array(16);

  private text(fb: Framebuffer, s: string, cx: number, cy: number): void {
    const xs = this.glyphX;
    // Exact per-string gap corrections for every score the registered env can show; pair gaps otherwise.
    const layout = SCORE_LAYOUTS[s];
    xs[0] = 0;
    let width = GLYPH_WIDTHS[s[0]!]!;
    for (let i = 1; i < s.length; i++) {
      const gap = GLYPH_PAIR_OFFSETS[s[i - 1]! + s[i]!] ?? GLYPH_WIDTHS[s[i - 1]!]!;
      xs[i] = xs[i - 1]! + gap + (layout ? layout.charCodeAt(i - 1) - 48 : 0);
      width = Math.max(width, xs[i]! + GLYPH_WIDTHS[s[i]!]!);
    }
    if (layout) width += layout.charCodeAt(s.length - 1) - 48;
    const height = GLYPH_HEIGHT;
    const left = cx - Math.floor(width / 2);
    const top = cy - Math.floor(height / 2);
    for (let y = 0; y < height; y++) fb.hline(left, left + width - 1, top + y, BLACK);
    for (let i = 0; i < s.length; i++) {
      const g = glyph(s[i]!);
      const gw = GLYPH_WIDTHS[s[i]!]!;
      for (let y = 0; y < height; y++) {
        const py = top + y;
        if (py < 0 || py >= fb.height) continue;
        for (let x = 0; x < gw; x++) {
          const v = g[y * gw + x]!;
          if (v === 0) continue;
          const px = left + xs[i]! + x;
          if (px < 0 || px >= fb.width) continue;
          // glyph boxes overlap: keep the brighter coverage (max), as SDL_ttf composes a string
          const old = fb.data[py * fb.width + px]! & 255;
          if (v > old) fb.pixel(px, py, rgb(v, v, v));
        }
      }
    }
  }
}
