// int8 depthwise convolution, direct (no im2col). Output channel oc reads input channel oc / mult.
// acc = Σ_{in-image taps} w·(x - inZp) + bias — padded taps are skipped, as TFLite's reference does.
// w: i32 [kH*kW][cp] (cp = outC rounded up to 4, tail zero). chan: channel-parameter block.
// mode 0: int8 NHWC out; mode 1: int32 (acc + bias) NHWC out. One batch item per call.
import { requantize_i32x4, requantize_round_q31, requantize_float_i32x4, REQUANT_FLOAT } from './requantize';
import { store1 } from './qs8-gemv';
import { store_i32x4_partial } from './store';

export function qs8_dwconv(input: usize, inH: i32, inW: i32, inC: i32, outH: i32, outW: i32,
  kH: i32, kW: i32, strideH: i32, strideW: i32, dilH: i32, dilW: i32, padTop: i32, padLeft: i32,
  mult: i32, inZp: i32, w: usize, cp: i32, chan: usize, np: i32, out: usize,
  outZp: i32, outMin: i32, outMax: i32, mode: i32, flags: i32): void {
  const outC = inC * mult;
  const elem: usize = mode == 0 ? 1 : 4;
  const npu = <usize>np;
  const tapStride = <usize>cp << 2;
  let o = out;
  for (let oy = 0; oy < outH; oy++) {
    const iy0 = oy * strideH - padTop;
    for (let ox = 0; ox < outW; ox++) {
      const ix0 = ox * strideW - padLeft;
      let c = 0;
      if (ASC_FEATURE_SIMD) {
        if (mult == 1) {
          const vzp = i32x4.splat(inZp);
          const zp = i32x4.splat(outZp), lo = i32x4.splat(outMin), hi = i32x4.splat(outMax), half = requantize_round_q31();
          for (; c < outC; c += 4) {
            let acc = i32x4.splat(0);
            for (let ky = 0; ky < kH; ky++) {
              const iy = iy0 + ky * dilH;
              if (iy < 0 || iy >= inH) continue;
              for (let kx = 0; kx < kW; kx++) {
                const ix = ix0 + kx * dilW;
                if (ix < 0 || ix >= inW) continue;
                const xv = i32x4.extend_low_i16x8_s(i16x8.extend_low_i8x16_s(
                  v128.load32_zero(input + <usize>((iy * inW + ix) * inC + c))));
                const wv = v128.load(w + <usize>(ky * kW + kx) * tapStride + (<usize>c << 2));
                acc = i32x4.add(acc, i32x4.mul(i32x4.sub(xv, vzp), wv));
              }
            }
            const bp = chan + (<usize>c << 2);
            acc = i32x4.add(acc, v128.load(bp));
            const nrem = outC - c;
            if (mode == 0) {
              const fp = chan + npu * 20 + (<usize>c << 3);
              const q = flags & REQUANT_FLOAT
                ? requantize_float_i32x4(acc, v128.load(fp), v128.load(fp, 16), zp, lo, hi)
                : requantize_i32x4(acc, v128.load(bp + (npu << 2)), v128.load(bp + (npu << 3)),
                  v128.load(bp + npu * 12), v128.load(bp + (npu << 4)), zp, lo, hi, flags, half);
              const q16 = i16x8.narrow_i32x4_s(q, q);
              const bits = i32x4.extract_lane(i8x16.narrow_i16x8_s(q16, q16), 0);
              if (nrem >= 4) store<i32>(o + <usize>c, bits);
              else for (let j = 0; j < nrem; j++) store<u8>(o + <usize>(c + j), u8(bits >> (8 * j)));
            } else {
              store_i32x4_partial(o + (<usize>c << 2), acc, nrem);
            }
          }
        }
      }
      for (; c < outC; c++) {
        const ic = c / mult;
        let acc = 0;
        for (let ky = 0; ky < kH; ky++) {
          const iy = iy0 + ky * dilH;
          if (iy < 0 || iy >= inH) continue;
          for (let kx = 0; kx < kW; kx++) {
            const ix = ix0 + kx * dilW;
            if (ix < 0 || ix >= inW) continue;
            const xv = i32(load<i8>(input + <usize>((iy * inW + ix) * inC + ic))) - inZp;
            acc += xv * load<i32>(w + <usize>(ky * kW + kx) * tapStride + (<usize>c << 2));
          }
        }
        store1(o, acc, chan, npu, <usize>c, outZp, outMin, outMax, mode, flags);
      }
      o += <usize>outC * elem;
    }
  }
}
