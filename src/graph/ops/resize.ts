// RESIZE_NEAREST_NEIGHBOR and RESIZE_BILINEAR (tflite/kernels/resize_*.cc, reference kernels) on NHWC; size is a
// constant int32 [new_height, new_width]. Nearest: source rows and columns from TFLite's float32 arithmetic, fixed
// at load; elements move unchanged, so a quantized output must share the input's scale and zero point. Bilinear:
// float32 as reference_ops::ResizeBilinear evaluates it; int8 as ResizeBilinearInteger (10-bit fixed-point
// positions, 20-bit weights, rounded half away from zero), which also needs equal input and output parameters.
import type { ResizeOptions } from '../../tflite/options.js';
import type { GraphTensor, OpContext } from '../types.js';
import { f32, roundHalfAway } from '../fixed-point.js';
import { constantIntegers, elementView, movedElementBytes } from '../op-utils.js';
import type { MemoryViews, OpDefinition } from '../types.js';

/** Input pixels per output pixel along one axis, in float32 as both resize kernels form it. */
function resizeScale(inSize: number, outSize: number, alignCorners: boolean): number {
  return alignCorners && outSize > 1 ? f32((inSize - 1) / (outSize - 1)) : f32(inSize / outSize);
}

/** GetNearestNeighbor for every output coordinate along one axis. */
function sourceIndices(inSize: number, outSize: number, alignCorners: boolean, halfPixelCenters: boolean): Int32Array {
  const scale = resizeScale(inSize, outSize, alignCorners);
  const offset = halfPixelCenters ? 0.5 : 0;
  return Int32Array.from({ length: outSize }, (_, i) => {
    const p = f32(f32(i + offset) * scale);
    let s = Math.min(alignCorners ? roundHalfAway(p) : Math.floor(p), inSize - 1);
    if (halfPixelCenters) s = Math.max(0, s);
    return s;
  });
}

interface ResizeGeometry {
  input: GraphTensor; output: GraphTensor; size: 1 | 2 | 4;
  batch: number; inH: number; inW: number; channels: number; outH: number; outW: number;
  alignCorners: boolean; halfPixelCenters: boolean;
}

function resizeGeometry(ctx: OpContext): ResizeGeometry {
  ctx.expectCounts(2, 2, 1);
  const input = ctx.input(0);
  const sizeTensor = ctx.input(1);
  const output = ctx.output(0);
  const size = movedElementBytes(ctx, input, output);
  if (input.shape.length !== 4) ctx.fail(`input must be NHWC (rank 4), got shape [${input.shape}]`, input.index);
  const hw = constantIntegers(ctx, sizeTensor);
  if (hw.length !== 2 || !(hw[0]! > 0 && hw[1]! > 0)) ctx.fail(`size [${hw}] must be two positive integers`, sizeTensor.index);
  const [batch, inH, inW, channels] = input.shape as [number, number, number, number];
  const [outH, outW] = hw as [number, number];
  ctx.expectShape(output, [batch, outH, outW, channels]);
  const { alignCorners, halfPixelCenters } = ctx.op.options as ResizeOptions;
  if (alignCorners && halfPixelCenters) ctx.fail('align_corners and half_pixel_centers cannot both be set');
  ctx.readInMemory(input);
  return { input, output, size, batch, inH, inW, channels, outH, outW, alignCorners, halfPixelCenters };
}

export const resizeNearestNeighbor: OpDefinition = {
  name: 'RESIZE_NEAREST_NEIGHBOR',
  prepare(ctx) {
    const { input, output, size, batch, inH, inW, channels, outH, outW, alignCorners, halfPixelCenters } = resizeGeometry(ctx);
    const rows = sourceIndices(inH, outH, alignCorners, halfPixelCenters);
    const cols = sourceIndices(inW, outW, alignCorners, halfPixelCenters);
    return (v: MemoryViews) => {
      const [x, pin] = elementView(v, size, input);
      const pout = elementView(v, size, output)[1];
      return () => {
        let o = pout;
        for (let b = 0; b < batch; b++) {
          for (let y = 0; y < outH; y++) {
            const rowBase = pin + ((b * inH + rows[y]!) * inW) * channels;
            for (let xo = 0; xo < outW; xo++) {
              const s = rowBase + cols[xo]! * channels;
              for (let c = 0; c < channels; c++) x[o++] = x[s + c]!;
            }
          }
        }
      };
    };
  },
};

/** One axis of reference_ops::ResizeBilinear (float32): lower and upper source index and the weight of the upper. */
function bilinearAxisFloat(inSize: number, outSize: number, alignCorners: boolean, halfPixelCenters: boolean) {
  const scale = resizeScale(inSize, outSize, alignCorners);
  const lo = new Int32Array(outSize), hi = new Int32Array(outSize), frac = new Float32Array(outSize);
  for (let i = 0; i < outSize; i++) {
    const p = halfPixelCenters ? f32(f32(f32(i + 0.5) * scale) - 0.5) : f32(i * scale);
    lo[i] = Math.max(Math.trunc(Math.floor(p)), 0);
    hi[i] = Math.min(Math.trunc(Math.ceil(p)), inSize - 1);
    frac[i] = f32(p - lo[i]!);
  }
  return { lo, hi, frac };
}

/** One axis of ResizeBilinearInteger: positions in 1/1024 steps, C++ integer division (truncating). */
function bilinearAxisInteger(inSize: number, outSize: number, alignCorners: boolean, halfPixelCenters: boolean) {
  const scale10 = alignCorners && outSize > 1
    ? Math.trunc((1024 * (inSize - 1) + Math.trunc((outSize - 1) / 2)) / (outSize - 1))
    : Math.trunc((1024 * inSize + Math.trunc(outSize / 2)) / outSize);
  const lo = new Int32Array(outSize), hi = new Int32Array(outSize), frac = new Int32Array(outSize);
  for (let i = 0; i < outSize; i++) {
    const p = halfPixelCenters ? i * scale10 + Math.trunc(scale10 / 2) - 512 : i * scale10;
    lo[i] = Math.max(Math.trunc(p / 1024), 0);
    hi[i] = Math.min(Math.trunc((p + 1023) / 1024), inSize - 1);
    frac[i] = p - 1024 * lo[i]!;
  }
  return { lo, hi, frac };
}

export const resizeBilinear: OpDefinition = {
  name: 'RESIZE_BILINEAR',
  prepare(ctx) {
    const { input, output, batch, inH, inW, channels, outH, outW, alignCorners, halfPixelCenters } = resizeGeometry(ctx);
    if (input.dtype !== 'float32' && input.dtype !== 'int8') ctx.fail(`${input.dtype} is not supported (float32 or int8)`, input.index);
    const rowStride = inW * channels, imageStride = inH * rowStride;
    if (input.dtype === 'float32') {
      const ys = bilinearAxisFloat(inH, outH, alignCorners, halfPixelCenters), xs = bilinearAxisFloat(inW, outW, alignCorners, halfPixelCenters);
      return (v: MemoryViews) => {
        const x = v.f32, pin = input.ptr >> 2, pout = output.ptr >> 2;
        return () => {
          let o = pout;
          for (let b = 0; b < batch; b++) for (let y = 0; y < outH; y++) {
            const dy = ys.frac[y]!, ey = f32(1 - dy);
            const r0 = pin + b * imageStride + ys.lo[y]! * rowStride, r1 = pin + b * imageStride + ys.hi[y]! * rowStride;
            for (let xo = 0; xo < outW; xo++) {
              const dx = xs.frac[xo]!, ex = f32(1 - dx);
              const c0 = xs.lo[xo]! * channels, c1 = xs.hi[xo]! * channels;
              for (let c = 0; c < channels; c++) {
                // a·(1−dy)·(1−dx) + b·dy·(1−dx) + c·(1−dy)·dx + d·dy·dx, each step rounded to float32
                let s = f32(f32(x[r0 + c0 + c]! * ey) * ex);
                s = f32(s + f32(f32(x[r1 + c0 + c]! * dy) * ex));
                s = f32(s + f32(f32(x[r0 + c1 + c]! * ey) * dx));
                x[o++] = f32(s + f32(f32(x[r1 + c1 + c]! * dy) * dx));
              }
            }
          }
        };
      };
    }
    const ys = bilinearAxisInteger(inH, outH, alignCorners, halfPixelCenters), xs = bilinearAxisInteger(inW, outW, alignCorners, halfPixelCenters);
    return (v: MemoryViews) => {
      const x = v.i8, pin = input.ptr, pout = output.ptr;
      return () => {
        let o = pout;
        for (let b = 0; b < batch; b++) for (let y = 0; y < outH; y++) {
          const dy = ys.frac[y]!, ey = 1024 - dy;
          const r0 = pin + b * imageStride + ys.lo[y]! * rowStride, r1 = pin + b * imageStride + ys.hi[y]! * rowStride;
          for (let xo = 0; xo < outW; xo++) {
            const dx = xs.frac[xo]!, ex = 1024 - dx;
            const c0 = xs.lo[xo]! * channels, c1 = xs.hi[xo]! * channels;
            for (let c = 0; c < channels; c++) {
              // |sum| < 2^28: exact in doubles; (sum ± 2^19) / 2^20 truncated = half away from zero
              const sum = x[r0 + c0 + c]! * ey * ex + x[r1 + c0 + c]! * dy * ex + x[r0 + c1 + c]! * ey * dx + x[r1 + c1 + c]! * dy * dx;
              x[o++] = Math.trunc((sum + (sum > 0 ? 524288 : -524288)) / 1048576);
            }
          }
        }
      };
    };
  },
};
