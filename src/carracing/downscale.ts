import type { SegmentMap } from './raster.js';

const NO_UNIFORM = new Uint8Array(0);
const NO_COLOR = new Uint32Array(0);

/**
 * pygame.transform.smoothscale's shrink (the SIMD filter path used on x86-64/ARM), bit-exact:
 * integer area averaging, X pass then Y pass, 14-bit fractions and a 16-bit reciprocal.
 * Source: packed 0x00BBGGRR Uint32Array; destination: RGB bytes, HWC.
 */

export class Downscaler {
  private readonly rowBuf: Uint16Array;
  private readonly accY: Uint32Array;
  private readonly xSpace: number;
  private readonly xRecip: number;
  private readonly ySpace: number;
  private readonly yRecip: number;
  private readonly emitX: Int32Array;
  private readonly emitCnt: Int32Array;
  /** 0x4000 − counter at each emit: the share of the emit pixel carried into the next column */
  private readonly emitFrac: Int32Array;
  /** emit pixels of the previous row (for reusing unchanged columns) */
  private readonly prevEmit: Uint32Array;

  constructor(
    readonly srcW: number,
    readonly srcH: number,
    readonly dstW: number,
    readonly dstH: number,
  ) {
    this.rowBuf = new Uint16Array(dstW * 3);
    this.accY = new Uint32Array(dstW * 3);
    this.xSpace = Math.floor((0x4000 * srcW) / dstW);
    this.xRecip = Math.floor(0x40000000 / this.xSpace) & 0xffff;
    this.ySpace = Math.floor((0x4000 * srcH) / dstH);
    this.yRecip = Math.floor(0x40000000 / this.ySpace) & 0xffff;
    // Which source pixel completes each destination pixel, and the counter there.
    this.emitX = new Int32Array(dstW);
    this.emitCnt = new Int32Array(dstW);
    let cnt = this.xSpace;
    let j = 0;
    for (let x = 0; x < srcW && j < dstW; x++) {
      if (cnt > 0x4000) cnt -= 0x4000;
      else {
        this.emitX[j] = x;
        this.emitCnt[j] = cnt;
        j++;
        cnt = this.xSpace - (0x4000 - cnt);
      }
    }
    if (j !== dstW) throw new Error(`smoothscale schedule produced ${j} of ${dstW} columns`);
    this.emitFrac = this.emitCnt.map((c) => 0x4000 - c);
    this.prevEmit = new Uint32Array(dstW);
  }

  /** The emit pixel of each output column (for SegmentMap). */
  get emitColumns(): Int32Array {
    return this.emitX;
  }

  /**
   * Downscale `src`. With `segments` (built from this downscaler's emitColumns), segments recorded as
   * uniform are summed as count·colour; the result is identical to reading every pixel.
   */
  run(src: Uint32Array, dst: Uint8Array, segments: SegmentMap | null = null): void {
    const { srcW, srcH, dstW, dstH } = this;
    const recip = this.xRecip;
    const emitX = this.emitX;
    const emitCnt = this.emitCnt;
    if (segments !== null && (segments.count !== dstW || segments.width !== srcW || segments.height !== srcH)) {
      throw new Error('segment map does not belong to this downscaler');
    }
    // Monomorphic typed arrays even without a segment map (the flag guards every use).
    const useSegments = segments !== null;
    const segUniform = segments ? segments.uniform : NO_UNIFORM;
    const segColor = segments ? segments.color : NO_COLOR;
    // X pass then Y step, fused row by row. The X emit schedule is the same for every row, so whole source
    // pixels are summed in a tight loop (or as count·colour for segments recorded as uniform); R and B
    // share one int (each sum < 2^16).
    const ySpace = this.ySpace;
    const yRecip = this.yRecip;
    const acc = this.accY;
    const rowBuf = this.rowBuf;
    const rowLen = dstW * 3;
    acc.fill(0);
    this.prevEmit.fill(0xffffffff); // pixels are 24-bit, so no first-row column matches
    let yCnt = ySpace;
    let outRow = 0;
    const prevEmit = this.prevEmit;
    const emitFrac = this.emitFrac;
    const segCount = segments ? segments.count : 0;
    for (let y = 0; y < srcH && outRow < dstH; y++) {
      const rowStart = y * srcW;
      const segBase = y * dstW;
      // Column j depends only on the emit pixel before it, its segment and its own emit pixel. When all
      // three match the previous row, rowBuf[j] (still holding that row's value) is reused.
      let prevPixel = 0;
      let prevPixelSame = y > 0;
      for (let j = 0; j < dstW; j++) {
        const ex = rowStart + emitX[j]!;
        const p = src[ex]!;
        const pixelSame = p === prevEmit[j];
        prevEmit[j] = p;
        let segmentUniform = false;
        let c = 0;
        if (useSegments && segUniform[segBase + j] === 1) {
          segmentUniform = true;
          c = segColor[segBase + j]!;
        }
        if (
          prevPixelSame &&
          pixelSame &&
          segmentUniform &&
          segUniform[segBase - segCount + j] === 1 &&
          segColor[segBase - segCount + j] === c
        ) {
          prevPixelSame = true;
          prevPixel = p;
          continue;
        }
        prevPixelSame = pixelSame;
        // carry from the previous emit pixel, then the whole pixels of this segment
        let accRB = 0;
        let accG = 0;
        if (j > 0) {
          const f = emitFrac[j - 1]!;
          accRB = ((((prevPixel & 255) << 2) * f) >>> 16) | (((((prevPixel >>> 16) & 255) << 2) * f) >>> 16) << 16;
          accG = ((((prevPixel >>> 8) & 255) << 2) * f) >>> 16;
        }
        prevPixel = p;
        let x = rowStart + (j === 0 ? 0 : emitX[j - 1]! + 1);
        if (segmentUniform) {
          const n = ex - x;
          accRB += n * (c & 0xff00ff);
          accG += n * ((c >>> 8) & 255);
        } else {
          for (; x < ex; x++) {
            const q = src[x]!;
            accRB += q & 0xff00ff;
            accG += (q >>> 8) & 255;
          }
        }
        const cnt = emitCnt[j]!;
        const r4 = (p & 255) << 2;
        const g4 = ((p >>> 8) & 255) << 2;
        const b4 = ((p >>> 16) & 255) << 2;
        const dR = (((r4 * cnt) >>> 16) + (accRB & 0xffff)) & 0xffff;
        const dG = (((g4 * cnt) >>> 16) + accG) & 0xffff;
        const dB = (((b4 * cnt) >>> 16) + (accRB >>> 16)) & 0xffff;
        const vR = (dR * recip) >>> 16;
        const vG = (dG * recip) >>> 16;
        const vB = (dB * recip) >>> 16;
        const o = j * 3;
        rowBuf[o] = vR > 255 ? 255 : vR;
        rowBuf[o + 1] = vG > 255 ? 255 : vG;
        rowBuf[o + 2] = vB > 255 ? 255 : vB;
      }
      // Y step: same scheme over rows, one accumulator per column and channel.
      if (yCnt > 0x4000) {
        for (let i = 0; i < rowLen; i++) acc[i] = acc[i]! + rowBuf[i]!;
        yCnt -= 0x4000;
      } else {
        const frac = 0x4000 - yCnt;
        const ob = outRow * rowLen;
        for (let i = 0; i < rowLen; i++) {
          const s4 = rowBuf[i]! << 2;
          const d = (((s4 * yCnt) >>> 16) + acc[i]!) & 0xffff;
          acc[i] = (s4 * frac) >>> 16;
          const v = (d * yRecip) >>> 16;
          dst[ob + i] = v > 255 ? 255 : v;
        }
        outRow++;
        yCnt = ySpace - frac;
      }
    }
  }
}
