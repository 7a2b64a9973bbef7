// TILE (tflite/kernels/tile.cc): output dimension i repeats input dimension i multiples[i] times; multiples is a
// constant int32/int64 vector. Keras 3 writes UpSampling2D (nearest) as RESHAPE + TILE. Elements move unchanged,
// so a quantized output must share the input's scale and zero point.
import { constantIntegers, elementStrides, movedElementBytes, stridedCopyStep } from '../op-utils.js';
import type { OpDefinition } from '../types.js';

export const tile: OpDefinition = {
  name: 'TILE',
  prepare(ctx) {
    ctx.expectCounts(2, 2, 1);
    const input = ctx.input(0);
    const multiplesTensor = ctx.input(1);
    const output = ctx.output(0);
    const size = movedElementBytes(ctx, input, output);
    const rank = input.shape.length;
    const multiples = constantIntegers(ctx, multiplesTensor);
    if (multiples.length !== rank || multiples.some((m) => !(m >= 0))) {
      ctx.fail(`multiples [${multiples}] must be ${rank} non-negative integers`, multiplesTensor.index);
    }
    const shape = input.shape.map((d, i) => d * multiples[i]!);
    ctx.expectShape(output, shape);
    ctx.readInMemory(input);

    // output axis i is multiples[i] repeats (step 0) of input axis i
    const inStrides = elementStrides(input.shape);
    return stridedCopyStep(input, output, size, 0, input.shape.flatMap((_, i) => [0, inStrides[i]!]),
      input.shape.flatMap((d, i) => [multiples[i]!, d]));
  },
};
