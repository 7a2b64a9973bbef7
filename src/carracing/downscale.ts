/**
 * pygame.transform.smoothscale's shrink (the SIMD filter path used on x86-64/ARM), bit-exact:
 * integer area averaging, X pass then Y pass, 14-bit fractions and a 16-bit reciprocal.
 * Source: packed 0x00BBGGRR Uint32Array; destination: RGB bytes, HWC.
 */

export class Downscaler {
  private readonly tmp: Uint16Array;
  private readonly accY: Uint32Array;
  private readonly xSpace: number;
  private readonly xRecip: number;
  private readonly ySpace: number;
  private readonly yRecip: number;

  constructor(
    readonly srcW: number,
    readonly srcH: number,
    readonly dstW: number,
    readonly dstH: number,
  ) {
    this.tmp = new Uint16Array(dstW * srcH * 3);
    this.accY = new Uint32Array(dstW * 3);
    this.xSpace = Math.floor((0x4000 * srcW) / dstW);
    this.xRecip = Math.floor(0x40000000 / this.xSpace) & 0xffff;
    this.ySpace = Math.floor((0x4000 * srcH) / dstH);
    this.yRecip = Math.floor(0x40000000 / this.ySpace) & 0xffff;
  }

  run(src: Uint32Array, dst: Uint8Array): void {
    const { srcW, srcH, dstW, dstH, tmp } = this;
    const space = this.xSpace;
    const recip = this.xRecip;
    // X pass: srcW → dstW per row, into tmp (dstW × srcH × 3).
    for (let y = 0; y < srcH; y++) {
      let accR = 0;
      let accG = 0;
      let accB = 0;
      let cnt = space;
      let o = y * dstW * 3;
      const rowStart = y * srcW;
      for (let x = 0; x < srcW; x++) {
        const p = src[rowStart + x]!;
        const r = p & 255;
        const g = (p >>> 8) & 255;
        const b = (p >>> 16) & 255;
        if (cnt > 0x4000) {
          accR += r;
          accG += g;
          accB += b;
          cnt -= 0x4000;
        } else {
          const frac = 0x4000 - cnt;
          const dR = (((r << 2) * cnt) >>> 16) + accR;
          const dG = (((g << 2) * cnt) >>> 16) + accG;
          const dB = (((b << 2) * cnt) >>> 16) + accB;
          accR = ((r << 2) * frac) >>> 16;
          accG = ((g << 2) * frac) >>> 16;
          accB = ((b << 2) * frac) >>> 16;
          tmp[o++] = Math.min(((dR & 0xffff) * recip) >>> 16, 255);
          tmp[o++] = Math.min(((dG & 0xffff) * recip) >>> 16, 255);
          tmp[o++] = Math.min(((dB & 0xffff) * recip) >>> 16, 255);
          cnt = space - frac;
        }
      }
    }
    // Y pass: srcH → dstH, one accumulator per column and channel.
    const ySpace = this.ySpace;
    const yRecip = this.yRecip;
    const acc = this.accY;
    const rowLen = dstW * 3;
    acc.fill(0);
    let cnt = ySpace;
    let outRow = 0;
    for (let y = 0; y < srcH; y++) {
      const base = y * rowLen;
      if (cnt > 0x4000) {
        for (let i = 0; i < rowLen; i++) acc[i] = acc[i]! + tmp[base + i]!;
        cnt -= 0x4000;
      } else {
        const frac = 0x4000 - cnt;
        const ob = outRow * rowLen;
        for (let i = 0; i < rowLen; i++) {
          const s = tmp[base + i]! << 2;
          const d = (((s * cnt) >>> 16) + acc[i]!) & 0xffff;
          acc[i] = (s * frac) >>> 16;
          const v = (d * yRecip) >>> 16;
          dst[ob + i] = v > 255 ? 255 : v;
        }
        outRow++;
        cnt = ySpace - frac;
        if (outRow >= dstH) break;
      }
    }
  }
}
