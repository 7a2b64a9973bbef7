// MAX_POOL_2D and AVERAGE_POOL_2D, NHWC (reference_ops / reference_integer_ops pooling.h).
// Only in-image taps count; int8 average rounds half away from zero.
import type { PoolOptions } from '../../tflite/options.js';
import { f32 } from '../fixed-point.js';
import { floatActivationRange, paddedDim, quantizedActivationRange, requireQuantized } from '../op-utils.js';
import type { MemoryViews, OpContext, OpDefinition, OpStep } from '../types.js';

function preparePool(ctx: OpContext, isMax: boolean): OpStep {
  ctx.expectCounts(1, 1, 1);
  const o = ctx.op.options as PoolOptions;
  const input = ctx.input(0);
  const output = ctx.output(0);
  if (input.shape.length !== 4) ctx.fail(`input must be 4-D NHWC, got [${input.shape}]`, input.index);
  ctx.expectDtype(output, input.dtype);
  const [batch, inH, inW, depth] = input.shape as [number, number, number, number];
  const h = paddedDim(ctx, o.padding, inH, o.filterH, o.strideH, 1);
  const w = paddedDim(ctx, o.padding, inW, o.filterW, o.strideW, 1);
  ctx.expectShape(output, [batch, h.out, w.out, depth]);
  ctx.readInMemory(input);
  const { filterH, filterW, strideH, strideW } = o;
  const outH = h.out, outW = w.out, padT = h.padBefore, padL = w.padBefore;

  let isFloat = true;
  let min = 0, max = 0;
  if (input.dtype === 'float32') ({ min, max } = floatActivationRange(ctx, o.activation));
  else if (input.dtype === 'int8') {
    requireQuantized(ctx, input);
    requireQuantized(ctx, output);
    if (input.scale !== output.scale || input.zeroPoint !== output.zeroPoint) {
      ctx.fail('int8 pooling needs equal input and output quantization');
    }
    ({ min, max } = quantizedActivationRange(ctx, o.activation, output));
    isFloat = false;
  } else ctx.fail(`${input.dtype} is not supported (float32 or int8)`);

  return (v: MemoryViews) => {
    const x: Float32Array | Int8Array = isFloat ? v.f32 : v.i8;
    const shift = isFloat ? 2 : 0;
    const pi = input.ptr >> shift, po = output.ptr >> shift;
    return () => {
      let o = po;
      for (let b = 0; b < batch; b++) {
        for (let oy = 0; oy < outH; oy++) {
          const y0 = oy * strideH - padT;
          const fy0 = Math.max(0, -y0), fy1 = Math.min(filterH, inH - y0);
          for (let ox = 0; ox < outW; ox++) {
            const x0 = ox * strideW - padL;
            const fx0 = Math.max(0, -x0), fx1 = Math.min(filterW, inW - x0);
            const count = Math.max(0, fy1 - fy0) * Math.max(0, fx1 - fx0);
            for (let c = 0; c < depth; c++) {
              let acc = isMax ? -Infinity : 0;
              for (let fy = fy0; fy < fy1; fy++) {
                const row = pi + ((b * inH + y0 + fy) * inW + x0) * depth + c;
                for (let fx = fx0; fx < fx1; fx++) {
                  const val = x[row + fx * depth]!;
                  if (isMax) { if (val > acc) acc = val; } else acc = isFloat ? f32(acc + val) : acc + val;
                }
              }
              let r: number;
              if (isMax) r = count === 0 ? (isFloat ? 0 : min) : acc;
              else if (count === 0) r = 0;
              else if (isFloat) r = f32(acc / count);
              else r = acc > 0 ? Math.trunc((acc + (count >> 1)) / count) : Math.trunc((acc - (count >> 1)) / count);
              x[o++] = r < min ? min : r > max ? max : r;
            }
          }
        }
      }
    };
  };
}

export const maxPool2d: OpDefinition = { name: 'MAX_POOL_2D', prepare: (ctx) => preparePool(ctx, true) };
export const averagePool2d: OpDefinition = { name: 'AVERAGE_POOL_2D', prepare: (ctx) => preparePool(ctx, false) };
