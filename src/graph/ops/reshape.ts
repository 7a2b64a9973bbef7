// RESHAPE (tflite/kernels/reshape.cc): the new shape comes from a 1-D int32 shape input when there is
// one, else from ReshapeOptions.new_shape; one −1 entry is inferred. Data is copied unchanged.
import type { ReshapeOptions } from '../../tflite/options.js';
import { constantIntegers } from '../op-utils.js';
import type { MemoryViews, OpDefinition } from '../types.js';

export const reshape: OpDefinition = {
  name: 'RESHAPE',
  prepare(ctx) {
    ctx.expectCounts(1, 2, 1);
    const input = ctx.input(0);
    const output = ctx.output(0);
    ctx.expectDtype(output, input.dtype);
    const shapeTensor = ctx.optionalInput(1);
    let requested: number[] | null = null;
    if (shapeTensor && shapeTensor.shape.length === 1 && shapeTensor.constant) requested = constantIntegers(ctx, shapeTensor);
    else if (shapeTensor && shapeTensor.shape.length === 1 && !shapeTensor.constant) ctx.fail('a computed (non-constant) shape input is not supported', shapeTensor.index);
    else requested = (ctx.op.options as ReshapeOptions | null)?.newShape ?? null;
    if (requested) {
      let unknown = -1;
      let known = 1;
      requested.forEach((d, i) => {
        if (d === -1) {
          if (unknown >= 0) ctx.fail(`new shape [${requested}] has more than one -1`);
          unknown = i;
        } else if (d < 0) ctx.fail(`new shape [${requested}] has a negative dimension`);
        else known *= d;
      });
      const resolved = requested.slice();
      if (unknown >= 0) {
        if (known === 0 || input.elementCount % known !== 0) ctx.fail(`cannot infer -1 in [${requested}] for ${input.elementCount} elements`);
        resolved[unknown] = input.elementCount / known;
      }
      ctx.expectShape(output, resolved);
    }
    if (output.elementCount !== input.elementCount) {
      ctx.fail(`output has ${output.elementCount} elements, input has ${input.elementCount}`, output.index);
    }
    ctx.readInMemory(input);
    const bytes = output.byteLength;
    return (v: MemoryViews) => {
      const u8 = v.u8;
      return () => { u8.copyWithin(output.ptr, input.ptr, input.ptr + bytes); };
    };
  },
};
