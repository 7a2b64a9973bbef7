// SOFTMAX over the last dimension (tflite/kernels/activations.cc SoftmaxEval). int8 follows
// optimized_ops::Softmax with PopulateSoftmaxLookupTable, which TFLite uses for every resolver.
import type { SoftmaxOptions } from '../../tflite/options.js';
import { f32, roundHalfAway } from '../fixed-point.js';
import { requireQuantized } from '../op-utils.js';
import type { MemoryViews, OpDefinition } from '../types.js';

export const softmax: OpDefinition = {
  name: 'SOFTMAX',
  prepare(ctx) {
    ctx.expectCounts(1, 1, 1);
    const input = ctx.input(0);
    const output = ctx.output(0);
    ctx.expectDtype(output, input.dtype);
    ctx.expectShape(output, input.shape);
    if (input.shape.length < 1) ctx.fail('input must have at least one dimension', input.index);
    ctx.readInMemory(input);
    const beta = f32((ctx.op.options as SoftmaxOptions).beta);
    const depth = input.shape[input.shape.length - 1]!;
    const rows = depth === 0 ? 0 : input.elementCount / depth;

    if (input.dtype === 'float32') {
      return (v: MemoryViews) => {
        const x = v.f32, pi = input.ptr >> 2, po = output.ptr >> 2;
        return () => {
          for (let r = 0; r < rows; r++) {
            const base = r * depth;
            let max = -Infinity;
            for (let j = 0; j < depth; j++) max = Math.max(max, x[pi + base + j]!);
            let sum = 0;
            for (let j = 0; j < depth; j++) {
              const e = f32(Math.exp(f32(f32(x[pi + base + j]! - max) * beta)));
              x[po + base + j] = e;
              sum = f32(sum + e);
            }
            const inv = f32(1 / sum);
            for (let j = 0; j < depth; j++) x[po + base + j] = f32(x[po + base + j]! * inv);
          }
        };
      };
    }
    if (input.dtype !== 'int8') return ctx.fail(`${input.dtype} is not supported (float32 or int8)`);
    requireQuantized(ctx, input);
    requireQuantized(ctx, output);
    if (output.scale !== f32(1 / 256) || output.zeroPoint !== -128) ctx.fail('int8 output must have scale 1/256 and zero point -128', output.index);
    // table[255 - d] = expf(-inputScale·beta·d), d = max − x ∈ [0, 255].
    const table = new Float32Array(256);
    const scale = f32(-input.scale * beta);
    for (let d = 0; d <= 255; d++) table[255 - d] = f32(Math.exp(f32(scale * d)));
    const outScale = output.scale, outZp = output.zeroPoint;
    return (v: MemoryViews) => {
      const x = v.i8, pi = input.ptr, po = output.ptr;
      return () => {
        for (let r = 0; r < rows; r++) {
          const base = r * depth;
          let max = -128;
          for (let j = 0; j < depth; j++) max = Math.max(max, x[pi + base + j]!);
          const offset = 255 - max;
          let sum = 0;
          for (let j = 0; j < depth; j++) sum = f32(sum + table[offset + x[pi + base + j]!]!);
          const inv = f32(1 / f32(sum * outScale));
          for (let j = 0; j < depth; j++) {
            const q = roundHalfAway(f32(table[offset + x[pi + base + j]!]! * inv)) + outZp;
            x[po + base + j] = q < -128 ? -128 : q > 127 ? 127 : q;
          }
        }
      };
    };
  },
};
