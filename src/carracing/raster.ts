/**
 * Software rasteriser reproducing the pygame primitives CarRacing draws with:
 * SDL_gfx `filled_polygon` + `aapolygon` (road, grass, background) and `pygame.draw.polygon` (car, HUD).
 * Pixels are packed 0x00BBGGRR in a Uint32Array. `flipY` writes row (H−1−y): Gymnasium draws the world
 * in y-up surface coordinates and flips the surface afterwards; drawing flipped directly is equivalent.
 */

/**
 * Per row, the source pixels that one smoothscale output column sums in full (between two "emit" pixels).
 * The framebuffer records which of these segments hold a single colour, so the downscale can add
 * count·colour instead of reading every pixel. Pure bookkeeping: the pixels are written as usual.
 */
export class SegmentMap {
  readonly count: number;
  readonly start: Int32Array;
  readonly end: Int32Array;
  /** segment index owning pixel x, or −1 for emit pixels and the unused tail */
  readonly at: Int16Array;
  /** first segment with end ≥ x */
  readonly firstFrom: Int16Array;
  /** last segment with start ≤ x */
  readonly lastTo: Int16Array;
  /** 1 = uniform (colour in `color`), 0 = mixed */
  readonly uniform: Uint8Array;
  readonly color: Uint32Array;

  constructor(
    readonly width: number,
    readonly height: number,
    readonly emitX: Int32Array,
  ) {
    const n = emitX.length;
    this.count = n;
    this.start = new Int32Array(n);
    this.end = new Int32Array(n);
    this.at = new Int16Array(width).fill(-1);
    for (let j = 0; j < n; j++) {
      this.start[j] = j === 0 ? 0 : emitX[j - 1]! + 1;
      this.end[j] = emitX[j]! - 1;
      for (let x = this.start[j]!; x <= this.end[j]!; x++) this.at[x] = j;
    }
    this.firstFrom = new Int16Array(width).fill(n);
    this.lastTo = new Int16Array(width).fill(-1);
    for (let x = 0; x < width; x++) {
      for (let j = 0; j < n; j++) {
        if (this.end[j]! >= x) {
          this.firstFrom[x] = j;
          break;
        }
      }
      for (let j = n - 1; j >= 0; j--) {
        if (this.start[j]! <= x) {
          this.lastTo[x] = j;
          break;
        }
      }
    }
    this.uniform = new Uint8Array(n * height);
    this.color = new Uint32Array(n * height);
  }
}

export class Framebuffer {
  readonly data: Uint32Array;
  flipY = false;
  /** Optional uniform-segment bookkeeping for a fast exact downscale. */
  segments: SegmentMap | null = null;
  /** Scratch for scanline intersections (polygons here have ≤ 8 vertices). */
  private readonly ints = new Int32Array(64);

  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.data = new Uint32Array(width * height);
  }

  private row(y: number): number {
    return (this.flipY ? this.height - 1 - y : y) * this.width;
  }

  fill(color: number): void {
    this.data.fill(color);
    if (this.segments) {
      this.segments.uniform.fill(1);
      this.segments.color.fill(color);
    }
  }

  /** Bookkeeping after writing `color` to pixel x of physical row pr. */
  private touchPixel(x: number, pr: number, color: number): void {
    const seg = this.segments!;
    const j = seg.at[x]!;
    if (j < 0) return;
    const k = pr * seg.count + j;
    if (seg.uniform[k] === 1 && seg.color[k] !== color) seg.uniform[k] = 0;
  }

  /** Opaque inclusive horizontal span, clipped. */
  hline(xa: number, xb: number, y: number, color: number): void {
    if (y < 0 || y >= this.height) return;
    if (xa > xb) {
      const t = xa;
      xa = xb;
      xb = t;
    }
    if (xa < 0) xa = 0;
    if (xb >= this.width) xb = this.width - 1;
    if (xa > xb) return;
    const r = this.row(y);
    this.data.fill(color, r + xa, r + xb + 1);
    const seg = this.segments;
    if (seg) {
      const base = (r / this.width) * seg.count;
      let j0 = seg.firstFrom[xa]!;
      let j1 = seg.lastTo[xb]!;
      if (j0 > j1) return;
      // partially covered end segments
      if (xa > seg.start[j0]!) {
        this.touchSegment(base + j0, color);
        j0++;
      }
      if (j1 >= j0 && xb < seg.end[j1]!) {
        this.touchSegment(base + j1, color);
        j1--;
      }
      if (j0 <= j1) {
        seg.uniform.fill(1, base + j0, base + j1 + 1);
        seg.color.fill(color, base + j0, base + j1 + 1);
      }
    }
  }

  private touchSegment(k: number, color: number): void {
    const seg = this.segments!;
    if (seg.uniform[k] === 1 && seg.color[k] !== color) seg.uniform[k] = 0;
  }

  pixel(x: number, y: number, color: number): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    const r = this.row(y);
    this.data[r + x] = color;
    if (this.segments) this.touchPixel(x, r / this.width, color);
  }

  /** SDL_gfx pixelRGBAWeight: alpha = (255·weight) >> 8, then old + floor((src − old)·alpha / 256). */
  blendPixel(x: number, y: number, color: number, weight: number): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    const a = (255 * weight) >> 8;
    const i = this.row(y) + x;
    const old = this.data[i]!;
    // (s − o)·a >> 8 is floor((s − o)·a / 256), negatives included
    const oR = old & 255;
    const oG = (old >>> 8) & 255;
    const oB = (old >>> 16) & 255;
    const r = (oR + ((((color & 255) - oR) * a) >> 8)) & 255;
    const g = (oG + (((((color >>> 8) & 255) - oG) * a) >> 8)) & 255;
    const b = (oB + (((((color >>> 16) & 255) - oB) * a) >> 8)) & 255;
    const out = r | (g << 8) | (b << 16);
    this.data[i] = out;
    if (this.segments) this.touchPixel(x, (i - x) / this.width, out);
  }

  /** SDL_gfx filledPolygon: 16.16 fixed-point even-odd scanline fill. Vertices are already integers. */
  fillPolygonGfx(vx: Int32Array, vy: Int32Array, n: number, color: number): void {
    let miny = vy[0]!;
    let maxy = vy[0]!;
    for (let i = 1; i < n; i++) {
      if (vy[i]! < miny) miny = vy[i]!;
      if (vy[i]! > maxy) maxy = vy[i]!;
    }
    const yStart = Math.max(miny, 0);
    const yEnd = Math.min(maxy, this.height - 1);
    const ints = this.ints;
    for (let y = yStart; y <= yEnd; y++) {
      let count = 0;
      for (let i = 0; i < n; i++) {
        const i1 = i === 0 ? n - 1 : i - 1;
        let y1 = vy[i1]!;
        let y2 = vy[i]!;
        let x1: number;
        let x2: number;
        if (y1 < y2) {
          x1 = vx[i1]!;
          x2 = vx[i]!;
        } else if (y1 > y2) {
          y2 = vy[i1]!;
          y1 = vy[i]!;
          x2 = vx[i1]!;
          x1 = vx[i]!;
        } else continue;
        if ((y >= y1 && y < y2) || (y === maxy && y > y1 && y <= y2)) {
          const v = Math.trunc((65536 * (y - y1)) / (y2 - y1)) * (x2 - x1) + 65536 * x1;
          // insertion sort
          let k = count++;
          while (k > 0 && ints[k - 1]! > v) {
            ints[k] = ints[k - 1]!;
            k--;
          }
          ints[k] = v;
        }
      }
      for (let i = 0; i + 1 < count; i += 2) {
        let xa = ints[i]! + 1;
        xa = (xa >> 16) + ((xa & 32768) >> 15);
        let xb = ints[i + 1]! - 1;
        xb = (xb >> 16) + ((xb & 32768) >> 15);
        this.hline(xa, xb, y, color);
      }
    }
  }

  /** SDL_gfx aapolygon: anti-aliased edges without end points (the fill drawn afterwards covers the inner half). */
  aaPolygonGfx(vx: Int32Array, vy: Int32Array, n: number, color: number): void {
    for (let i = 1; i < n; i++) this.aaLine(vx[i - 1]!, vy[i - 1]!, vx[i]!, vy[i]!, color);
    this.aaLine(vx[n - 1]!, vy[n - 1]!, vx[0]!, vy[0]!, color);
  }

  private clipped = new Int32Array(4);

  /** SDL_gfx _clipLine (Cohen–Sutherland with a float32 slope). Writes the clipped line to this.clipped. */
  private clipLine(x1: number, y1: number, x2: number, y2: number): boolean {
    const left = 0;
    const right = this.width - 1;
    const top = 0;
    const bottom = this.height - 1;
    for (;;) {
      let c1 = clipCode(x1, y1, left, top, right, bottom);
      let c2 = clipCode(x2, y2, left, top, right, bottom);
      if ((c1 | c2) === 0) break;
      if ((c1 & c2) !== 0) return false;
      if (c1 === 0) {
        let t = x1;
        x1 = x2;
        x2 = t;
        t = y1;
        y1 = y2;
        y2 = t;
        t = c1;
        c1 = c2;
        c2 = t;
      }
      const m = x2 !== x1 ? Math.fround(Math.fround(y2 - y1) / Math.fround(x2 - x1)) : 1.0;
      if (c1 & 1) {
        y1 = s16(y1 + s16(Math.fround((left - x1) * m)));
        x1 = left;
      } else if (c1 & 2) {
        y1 = s16(y1 + s16(Math.fround((right - x1) * m)));
        x1 = right;
      } else if (c1 & 8) {
        if (x2 !== x1) x1 = s16(x1 + s16(Math.fround((bottom - y1) / m)));
        y1 = bottom;
      } else if (c1 & 4) {
        if (x2 !== x1) x1 = s16(x1 + s16(Math.fround((top - y1) / m)));
        y1 = top;
      }
    }
    const c = this.clipped;
    c[0] = x1;
    c[1] = y1;
    c[2] = x2;
    c[3] = y2;
    return true;
  }

  /** SDL_gfx _aalineRGBA with draw_endpoint = 0 (Wu-style, 8-bit weights from a 32-bit accumulator). */
  aaLine(ax: number, ay: number, bx: number, by: number, color: number): void {
    if (!this.clipLine(ax, ay, bx, by)) return;
    const x1 = this.clipped[0]!;
    const y1 = this.clipped[1]!;
    const x2 = this.clipped[2]!;
    const y2 = this.clipped[3]!;
    let xx0 = x1;
    let yy0 = y1;
    let xx1 = x2;
    let yy1 = y2;
    if (yy0 > yy1) {
      let t = yy0;
      yy0 = yy1;
      yy1 = t;
      t = xx0;
      xx0 = xx1;
      xx1 = t;
    }
    let dx = xx1 - xx0;
    let dy = yy1 - yy0;
    let xdir = 1;
    if (dx < 0) {
      xdir = -1;
      dx = -dx;
    }
    if (dx === 0) {
      if (dy > 0) for (let y = yy0; y <= yy0 + dy; y++) this.pixel(x1, y, color);
      else this.pixel(x1, y1, color);
      return;
    }
    if (dy === 0) {
      if (dx > 0) this.hline(xx0, xx0 + xdir * dx, y1, color);
      else this.pixel(x1, y1, color);
      return;
    }
    let erracc = 0;
    this.pixel(x1, y1, color);
    if (dy > dx) {
      const erradj = (Math.trunc((dx * 65536) / dy) * 65536) >>> 0;
      let x0pxdir = xx0 + xdir;
      while (--dy) {
        const prev = erracc;
        erracc = (erracc + erradj) >>> 0;
        if (erracc <= prev) {
          xx0 = x0pxdir;
          x0pxdir += xdir;
        }
        yy0++;
        const wgt = (erracc >>> 24) & 255;
        this.blendPixel(xx0, yy0, color, 255 - wgt);
        this.blendPixel(x0pxdir, yy0, color, wgt);
      }
    } else {
      const erradj = (Math.trunc((dy * 65536) / dx) * 65536) >>> 0;
      let y0p1 = yy0 + 1;
      while (--dx) {
        const prev = erracc;
        erracc = (erracc + erradj) >>> 0;
        if (erracc <= prev) {
          yy0 = y0p1;
          y0p1++;
        }
        xx0 += xdir;
        const wgt = (erracc >>> 24) & 255;
        this.blendPixel(xx0, yy0, color, 255 - wgt);
        this.blendPixel(xx0, y0p1, color, wgt);
      }
    }
  }

  /** pygame.draw.polygon (filled, pygame 2.6.1): floored scanline intersections, then inner horizontal edges. */
  fillPolygonPygame(px: Int32Array, py: Int32Array, n: number, color: number): void {
    let miny = py[0]!;
    let maxy = py[0]!;
    for (let i = 1; i < n; i++) {
      if (py[i]! < miny) miny = py[i]!;
      if (py[i]! > maxy) maxy = py[i]!;
    }
    if (miny === maxy) {
      let minx = px[0]!;
      let maxx = px[0]!;
      for (let i = 1; i < n; i++) {
        if (px[i]! < minx) minx = px[i]!;
        if (px[i]! > maxx) maxx = px[i]!;
      }
      this.hline(minx, maxx, miny, color);
      return;
    }
    const ints = this.ints;
    const yStart = Math.max(miny, 0);
    const yEnd = Math.min(maxy, this.height - 1);
    for (let y = yStart; y <= yEnd; y++) {
      let count = 0;
      for (let i = 0; i < n; i++) {
        const ip = i === 0 ? n - 1 : i - 1;
        let y1 = py[ip]!;
        let y2 = py[i]!;
        let x1: number;
        let x2: number;
        if (y1 < y2) {
          x1 = px[ip]!;
          x2 = px[i]!;
        } else if (y1 > y2) {
          y2 = py[ip]!;
          y1 = py[i]!;
          x2 = px[ip]!;
          x1 = px[i]!;
        } else continue;
        if ((y >= y1 && y < y2) || (y === maxy && y2 === maxy)) {
          // floor division (not C truncation): measured against pygame 2.6.1 on 300 random polygons
          ints[count++] = Math.floor(((y - y1) * (x2 - x1)) / (y2 - y1)) + x1;
        }
      }
      // insertion sort
      for (let i = 1; i < count; i++) {
        const v = ints[i]!;
        let k = i;
        while (k > 0 && ints[k - 1]! > v) {
          ints[k] = ints[k - 1]!;
          k--;
        }
        ints[k] = v;
      }
      for (let i = 0; i + 1 < count; i += 2) this.hline(ints[i]!, ints[i + 1]!, y, color);
    }
    for (let i = 0; i < n; i++) {
      const ip = i === 0 ? n - 1 : i - 1;
      const y = py[i]!;
      if (miny < y && py[ip] === y && y < maxy) this.hline(px[i]!, px[ip]!, y, color);
    }
  }

  /** pygame's clip_line (Liang–Barsky against [0, w] × [0, h], rounding half away from zero). */
  private clipLinePygame(x1: number, y1: number, x2: number, y2: number): boolean {
    const p1 = x1 - x2;
    const p2 = -p1;
    const p3 = y1 - y2;
    const p4 = -p3;
    const q1 = x1;
    const q2 = this.width - x1;
    const q3 = y1;
    const q4 = this.height - y1;
    let nmax = 0;
    let pmin = 1;
    if ((p1 === 0 && q1 < 0) || (p2 === 0 && q2 < 0) || (p3 === 0 && q3 < 0) || (p4 === 0 && q4 < 0)) return false;
    if (p1 !== 0) {
      const r1 = q1 / p1;
      const r2 = q2 / p2;
      if (p1 < 0) {
        if (r1 > nmax) nmax = r1;
        if (r2 < pmin) pmin = r2;
      } else {
        if (r2 > nmax) nmax = r2;
        if (r1 < pmin) pmin = r1;
      }
    }
    if (p3 !== 0) {
      const r1 = q3 / p3;
      const r2 = q4 / p4;
      if (p3 < 0) {
        if (r1 > nmax) nmax = r1;
        if (r2 < pmin) pmin = r2;
      } else {
        if (r2 > nmax) nmax = r2;
        if (r1 < pmin) pmin = r1;
      }
    }
    if (nmax > pmin) return false;
    const roundAway = (v: number) => Math.trunc(v < 0 ? v - 0.5 : v + 0.5);
    const c = this.clipped;
    c[0] = x1 + roundAway(p2 * nmax);
    c[1] = y1 + roundAway(p4 * nmax);
    c[2] = x1 + roundAway(p2 * pmin);
    c[3] = y1 + roundAway(p4 * pmin);
    return true;
  }

  /** pygame.draw.line with width > 1 (draw_line_width): Bresenham with a flat run across the minor axis. */
  lineWidth(x1: number, y1: number, x2: number, y2: number, width: number, color: number): void {
    const endX = x2;
    const endY = y2;
    // thickness grows along x for steep lines, along y otherwise
    const xinc = Math.abs(x1 - x2) <= Math.abs(y1 - y2);
    const dx = Math.abs(x2 - x1);
    const sx = x1 < x2 ? 1 : -1;
    const dy = Math.abs(y2 - y1);
    const sy = y1 < y2 ? 1 : -1;
    let err = Math.trunc((dx > dy ? dx : -dy) / 2);
    if (!this.clipLinePygame(x1, y1, x2, y2)) return;
    x1 = this.clipped[0]!;
    y1 = this.clipped[1]!;
    x2 = this.clipped[2]!;
    y2 = this.clipped[3]!;
    let leftTop = (xinc ? x1 : y1) - Math.trunc((width - 1) / 2);
    let rightBottom = (xinc ? x1 : y1) + Math.trunc(width / 2);
    // C helper sign(v, fallback): the fallback is returned for 0
    const sign = (v: number, fallback: number) => (v > 0 ? 1 : v < 0 ? -1 : fallback);
    const inside = (x: number, y: number) => x >= 0 && y >= 0 && x < this.width && y < this.height;
    const run = () => {
      if (xinc) this.hline(leftTop, rightBottom, y1, color);
      else for (let y = leftTop; y <= rightBottom; y++) this.pixel(x1, y, color);
    };
    while (sign(x1 - x2, sx) !== sx || sign(y1 - y2, sy) !== sy) {
      run();
      const e2 = err;
      if (e2 > -dx) {
        err -= dy;
        x1 += sx;
        if (xinc) {
          leftTop += sx;
          rightBottom += sx;
        }
      }
      if (e2 < dy) {
        err += dx;
        y1 += sy;
        if (!xinc) {
          leftTop += sy;
          rightBottom += sy;
        }
      }
    }
    if (xinc) {
      while (y1 !== endY && (inside(leftTop, y1) || inside(rightBottom, y1))) {
        run();
        const e2 = err;
        if (e2 > -dx) {
          err -= dy;
          x1 += sx;
          leftTop += sx;
          rightBottom += sx;
        }
        if (e2 < dy) {
          err += dx;
          y1 += sy;
        }
      }
    } else {
      while (x1 !== endX && (inside(x1, leftTop) || inside(x1, rightBottom))) {
        run();
        const e2 = err;
        if (e2 > -dx) {
          err -= dy;
          x1 += sx;
        }
        if (e2 < dy) {
          err += dx;
          y1 += sy;
          leftTop += sy;
          rightBottom += sy;
        }
      }
    }
    run();
  }
}

function clipCode(x: number, y: number, left: number, top: number, right: number, bottom: number): number {
  return (x < left ? 1 : 0) | (x > right ? 2 : 0) | (y < top ? 4 : 0) | (y > bottom ? 8 : 0);
}

/** C's (Sint16) conversion of a float: truncate, then wrap to 16 bits. */
function s16(v: number): number {
  return (Math.trunc(v) << 16) >> 16;
}

export const rgb = (r: number, g: number, b: number): number => ((r & 255) | ((g & 255) << 8) | ((b & 255) << 16)) >>> 0;
