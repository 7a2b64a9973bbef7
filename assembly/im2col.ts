// im2col: gathers each output pixel's receptive field (order ky, kx, ic — matching OHWI weights)
// into one GEMM row. Rows are kp elements long (K padded to the GEMM's K step, padding = 0).
// Also used for FC inputs as a 1×1 "convolution" over a 1×1×K image.

/** dst[i] = i16(src[i] - zp) for i < n. */
@inline
function copy_sub_widen_i16(src: usize, dst: usize, n: i32, zp: i32): void {
  let j = 0;
  if (ASC_FEATURE_SIMD) {
    const vzp = i16x8.splat(i16(zp));
    for (; j + 8 <= n; j += 8) {
      v128.store(dst + (<usize>j << 1), i16x8.sub(v128.load8x8_s(src + <usize>j), vzp));
    }
  }
  for (; j < n; j++) store<i16>(dst + (<usize>j << 1), i16(i32(load<i8>(src + <usize>j)) - zp));
}

/** dst[i] = src[i] ^ flip for i < n (flip = 0x80 turns int8 into uint8 = x + 128). */
@inline
function copy_xor_u8(src: usize, dst: usize, n: i32, flip: i32): void {
  let j = 0;
  if (ASC_FEATURE_SIMD) {
    const vf = i8x16.splat(i8(flip));
    for (; j + 16 <= n; j += 16) v128.store(dst + <usize>j, v128.xor(v128.load(src + <usize>j), vf));
  }
  for (; j < n; j++) store<u8>(dst + <usize>j, u8(i32(load<u8>(src + <usize>j)) ^ flip));
}

/**
 * int8 NHWC image (one batch item) → i16 rows of (x - zp); padded taps and the K tail are 0,
 * so the GEMM needs no zero-point correction. Row r = oy*outW + ox, row stride kp*2 bytes.
 */
export function qs8_im2col_i16(input: usize, inH: i32, inW: i32, inC: i32, outH: i32, outW: i32,
  kH: i32, kW: i32, strideH: i32, strideW: i32, dilH: i32, dilW: i32, padTop: i32, padLeft: i32,
  zp: i32, a: usize, kp: i32): void {
  const k = kH * kW * inC;
  const runLen = kW * inC;
  const rowStride = <usize>(inW * inC) * <usize>dilH;
  let row = a;
  const colsInside = padLeft == 0 && (outW - 1) * strideW + kW <= inW;
  for (let oy = 0; oy < outH; oy++) {
    const iy0 = oy * strideH - padTop;
    const rowsInside = iy0 >= 0 && iy0 + (kH - 1) * dilH < inH;
    if (ASC_FEATURE_SIMD) {
      // Whole output row inside the image (every VALID conv): ky outer, ox inner, no per-pixel checks.
      if (rowsInside && colsInside && dilW == 1 && (runLen & 7) == 0) {
        const vzp = i16x8.splat(i16(zp));
        const rowBytes = <usize>kp << 1;
        const srcStep = <usize>(strideW * inC);
        for (let ky = 0; ky < kH; ky++) {
          let src = input + <usize>(((iy0 + ky * dilH) * inW) * inC);
          let dst = row + (<usize>(ky * runLen) << 1);
          if (runLen == 8) {
            for (let ox = 0; ox < outW; ox++) {
              v128.store(dst, i16x8.sub(v128.load8x8_s(src), vzp));
              src += srcStep;
              dst += rowBytes;
            }
          } else {
            for (let ox = 0; ox < outW; ox++) {
              for (let j = 0; j < runLen; j += 8) {
                v128.store(dst + (<usize>j << 1), i16x8.sub(v128.load8x8_s(src + <usize>j), vzp));
              }
              src += srcStep;
              dst += rowBytes;
            }
          }
        }
        if (kp > k) {
          for (let ox = 0; ox < outW; ox++) memory.fill(row + <usize>ox * rowBytes + (<usize>k << 1), 0, <usize>(kp - k) << 1);
        }
        row += <usize>outW * rowBytes;
        continue;
      }
    }
    for (let ox = 0; ox < outW; ox++) {
      const ix0 = ox * strideW - padLeft;
      if (ASC_FEATURE_SIMD) {
        // Fast path (e.g. every VALID conv): whole receptive field inside, each ky row one contiguous run
        // of a multiple of 8 elements.
        if (rowsInside && dilW == 1 && ix0 >= 0 && ix0 + kW <= inW && (runLen & 7) == 0) {
          const vzp = i16x8.splat(i16(zp));
          let src = input + <usize>((iy0 * inW + ix0) * inC);
          let dst = row;
          for (let ky = 0; ky < kH; ky++) {
            for (let j = 0; j < runLen; j += 8) {
              v128.store(dst + (<usize>j << 1), i16x8.sub(v128.load8x8_s(src + <usize>j), vzp));
            }
            src += rowStride;
            dst += <usize>runLen << 1;
          }
          if (kp > k) memory.fill(row + (<usize>k << 1), 0, <usize>(kp - k) << 1);
          row += <usize>kp << 1;
          continue;
        }
      }
      let dst = row;
      for (let ky = 0; ky < kH; ky++) {
        const iy = iy0 + ky * dilH;
        if (iy < 0 || iy >= inH) {
          memory.fill(dst, 0, <usize>runLen << 1);
        } else if (dilW == 1 && ix0 >= 0 && ix0 + kW <= inW) {
          copy_sub_widen_i16(input + <usize>((iy * inW + ix0) * inC), dst, runLen, zp);
        } else {
          for (let kx = 0; kx < kW; kx++) {
            const ix = ix0 + kx * dilW;
            const d = dst + (<usize>(kx * inC) << 1);
            if (ix < 0 || ix >= inW) memory.fill(d, 0, <usize>inC << 1);
            else copy_sub_widen_i16(input + <usize>((iy * inW + ix) * inC), d, inC, zp);
          }
        }
        dst += <usize>runLen << 1;
      }
      if (kp > k) memory.fill(row + (<usize>k << 1), 0, <usize>(kp - k) << 1);
      row += <usize>kp << 1;
    }
  }
}

/**
 * int8 NHWC image → byte rows of (x ^ flip) for the relaxed-dot GEMM. Padded taps read the zero
 * point (also flipped); the bias fold at pack time removes (zp ^ flip as unsigned/signed)·Σw.
 * K tail bytes are 0 (their weights are 0). Row stride kp bytes.
 */
export function qs8_im2col_u8(input: usize, inH: i32, inW: i32, inC: i32, outH: i32, outW: i32,
  kH: i32, kW: i32, strideH: i32, strideW: i32, dilH: i32, dilW: i32, padTop: i32, padLeft: i32,
  zp: i32, flip: i32, a: usize, kp: i32): void {
  const k = kH * kW * inC;
  const runLen = kW * inC;
  const padByte = (zp ^ flip) & 0xff;
  const rowStride = <usize>(inW * inC) * <usize>dilH;
  const flip64: u64 = u64(flip & 0xff) * 0x0101010101010101;
  const colsInside = padLeft == 0 && (outW - 1) * strideW + kW <= inW;
  let row = a;
  for (let oy = 0; oy < outH; oy++) {
    const iy0 = oy * strideH - padTop;
    const rowsInside = iy0 >= 0 && iy0 + (kH - 1) * dilH < inH;
    // Whole output row inside the image: ky outer, ox inner, no per-pixel checks.
    if (rowsInside && colsInside && dilW == 1 && (runLen & 7) == 0) {
      const rowBytes = <usize>kp;
      const srcStep = <usize>(strideW * inC);
      for (let ky = 0; ky < kH; ky++) {
        let src = input + <usize>(((iy0 + ky * dilH) * inW) * inC);
        let dst = row + <usize>(ky * runLen);
        for (let ox = 0; ox < outW; ox++) {
          for (let j = 0; j < runLen; j += 8) store<u64>(dst + <usize>j, load<u64>(src + <usize>j) ^ flip64);
          src += srcStep;
          dst += rowBytes;
        }
      }
      if (kp > k) {
        for (let ox = 0; ox < outW; ox++) memory.fill(row + <usize>ox * rowBytes + <usize>k, 0, <usize>(kp - k));
      }
      row += <usize>outW * rowBytes;
      continue;
    }
    for (let ox = 0; ox < outW; ox++) {
      const ix0 = ox * strideW - padLeft;
      // Fast path: receptive field inside, contiguous ky runs of a multiple of 8 bytes.
      if (rowsInside && dilW == 1 && ix0 >= 0 && ix0 + kW <= inW && (runLen & 7) == 0) {
        let src = input + <usize>((iy0 * inW + ix0) * inC);
        let d = row;
        for (let ky = 0; ky < kH; ky++) {
          for (let j = 0; j < runLen; j += 8) store<u64>(d + <usize>j, load<u64>(src + <usize>j) ^ flip64);
          src += rowStride;
          d += <usize>runLen;
        }
        if (kp > k) memory.fill(row + <usize>k, 0, <usize>(kp - k));
        row += <usize>kp;
        continue;
      }
      let dst = row;
      for (let ky = 0; ky < kH; ky++) {
        const iy = iy0 + ky * dilH;
        if (iy < 0 || iy >= inH) {
          memory.fill(dst, u8(padByte), <usize>runLen);
        } else if (dilW == 1 && ix0 >= 0 && ix0 + kW <= inW) {
          copy_xor_u8(input + <usize>((iy * inW + ix0) * inC), dst, runLen, flip);
        } else {
          for (let kx = 0; kx < kW; kx++) {
            const ix = ix0 + kx * dilW;
            const d = dst + <usize>(kx * inC);
            if (ix < 0 || ix >= inW) memory.fill(d, u8(padByte), <usize>inC);
            else copy_xor_u8(input + <usize>((iy * inW + ix) * inC), d, inC, flip);
          }
        }
        dst += <usize>runLen;
      }
      if (kp > k) memory.fill(row + <usize>k, 0, <usize>(kp - k));
      row += <usize>kp;
    }
  }
}

/** f32 NHWC image → f32 rows of length K (no K padding); padded taps are 0.0. */
export function f32_im2col(input: usize, inH: i32, inW: i32, inC: i32, outH: i32, outW: i32,
  kH: i32, kW: i32, strideH: i32, strideW: i32, dilH: i32, dilW: i32, padTop: i32, padLeft: i32,
  a: usize): void {
  const runLen = kW * inC;
  const k = kH * runLen;
  const colsInside = padLeft == 0 && (outW - 1) * strideW + kW <= inW;
  let dst = a;
  for (let oy = 0; oy < outH; oy++) {
    const iy0 = oy * strideH - padTop;
    if (ASC_FEATURE_SIMD) {
      // Whole output row inside the image: ky outer, ox inner, 16-byte copies (memory.copy per small run
      // costs more than the copy itself).
      if (iy0 >= 0 && iy0 + (kH - 1) * dilH < inH && colsInside && dilW == 1 && (runLen & 3) == 0) {
        const rowBytes = <usize>k << 2;
        const srcStep = <usize>(strideW * inC) << 2;
        const runBytes = <usize>runLen << 2;
        for (let ky = 0; ky < kH; ky++) {
          let src = input + (<usize>(((iy0 + ky * dilH) * inW) * inC) << 2);
          let d = dst + <usize>ky * runBytes;
          for (let ox = 0; ox < outW; ox++) {
            for (let j: usize = 0; j < runBytes; j += 16) v128.store(d + j, v128.load(src + j));
            src += srcStep;
            d += rowBytes;
          }
        }
        dst += <usize>outW * rowBytes;
        continue;
      }
    }
    for (let ox = 0; ox < outW; ox++) {
      const ix0 = ox * strideW - padLeft;
      for (let ky = 0; ky < kH; ky++) {
        const iy = iy0 + ky * dilH;
        if (iy < 0 || iy >= inH) {
          memory.fill(dst, 0, <usize>runLen << 2);
        } else if (dilW == 1 && ix0 >= 0 && ix0 + kW <= inW) {
          memory.copy(dst, input + (<usize>((iy * inW + ix0) * inC) << 2), <usize>runLen << 2);
        } else {
          for (let kx = 0; kx < kW; kx++) {
            const ix = ix0 + kx * dilW;
            const d = dst + (<usize>(kx * inC) << 2);
            if (ix < 0 || ix >= inW) memory.fill(d, 0, <usize>inC << 2);
            else memory.copy(d, input + (<usize>((iy * inW + ix) * inC) << 2), <usize>inC << 2);
          }
        }
        dst += <usize>runLen << 2;
      }
    }
  }
}

/**
 * int8 vector → the 4-bit halves of u = x + 128 (x ^ 0x80) read by qs8_gemv_u4, interleaved per 16 values:
 * dst[32j .. 32j+15] = u & 15 and dst[32j+16 .. 32j+31] = u >> 4 for x[16j .. 16j+15] (kp/16 blocks, 2·kp
 * bytes). One stream rather than two planes kp apart: with the planes apart, FC1 ran 25 % slower with cold
 * caches (Node 24). Entries k..kp-1 are 0 (their weights are 0 too).
 */
export function qs8_pack_u4_halves(input: usize, k: i32, kp: i32, dst: usize): void {
  let j = 0;
  if (ASC_FEATURE_SIMD) {
    const flip = i8x16.splat(-128), low4 = i8x16.splat(15);
    for (; j + 16 <= k; j += 16) {
      const u = v128.xor(v128.load(input + <usize>j), flip);
      const d = dst + (<usize>j << 1);
      v128.store(d, v128.and(u, low4));
      v128.store(d, i8x16.shr_u(u, 4), 16);
    }
  }
  memory.fill(dst + (<usize>j << 1), 0, <usize>(kp - j) << 1);
  for (; j < k; j++) {
    const u = u32(load<u8>(input + <usize>j)) ^ 0x80;
    const d = dst + (<usize>(j & ~15) << 1) + <usize>(j & 15);
    store<u8>(d, u8(u & 15));
    store<u8>(d, u8(u >> 4), 16);
  }
}
