// RESIZE_NEAREST_NEIGHBOR (tflite/kernels/resize_nearest_neighbor.cc, reference_ops::ResizeNearestNeighbor) on
// NHWC; size is a constant int32 [new_height, new_width]. Source rows and columns come from float32 arithmetic
// exactly as TFLite does it, and are fixed at load. Elements move unchanged, so a quantized output must share
// the input's scale and zero point.
import type { ResizeOptions } from '../../tflite/options.js';
import { f32, roundHalfAway } from '../fixed-point.js';
import { constantIntegers, elementView, movedElementBytes } from '../op-utils.js';
import type { MemoryViews, OpDefinition } from '../types.js';

/** GetNearestNeighbor for every output coordinate along one axis. */
function sourceIndices(inSize: number, outSize: number, alignCorners: boolean, halfPixelCenters: boolean): Int32Array {
  const scale = alignCorners && outSize > 1 ? f32((inSize - 1) / (outSize - 1)) : f32(inSize / outSize);
  const offset = halfPixelCenters ? 0.5 : 0;
  return Int32Array.from({ length: outSize }, (_, i) => {
    const p = f32(f32(i + offset) * scale);
    let s = Math.min(alignCorners ? roundHalfAway(p) : Math.floor(p), inSize - 1);
    if (halfPixelCenters) s = Math.max(0, s);
    return s;
  });
}

export const resizeNearestNeighbor: OpDefinition = {
  name: 'RESIZE_NEAREST_NEIGHBOR',
  prepare(ctx) {
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
