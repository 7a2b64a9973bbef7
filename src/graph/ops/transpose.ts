// TRANSPOSE (tflite/kernels/transpose.cc): output dimension i is input dimension perm[i]; perm is a constant
// 1-D int32/int64 tensor (negative entries count from the end). Elements move unchanged, so a quantized
// output must share the input's scale and zero point.
import { constantIntegers, elementStrides, movedElementBytes, stridedCopyStep } from '../op-utils.js';
import type { OpDefinition } from '../types.js';

const MAX_RANK = 6;

export const transpose: OpDefinition = {
  name: 'TRANSPOSE',
  prepare(ctx) {
    ctx.expectCounts(2, 2, 1);
    const input = ctx.input(0);
    const permTensor = ctx.input(1);
    const output = ctx.output(0);
    const size = movedElementBytes(ctx, input, output);
    if (permTensor.shape.length !== 1) ctx.fail(`perm must be 1-D, got shape [${permTensor.shape}]`, permTensor.index);
    const rank = input.shape.length;
    if (rank > MAX_RANK) ctx.fail(`rank ${rank} is above ${MAX_RANK}`, input.index);
    const perm = constantIntegers(ctx, permTensor).map((p) => (p < 0 ? p + rank : p));
    if (perm.length !== rank || perm.some((p) => !(p >= 0 && p < rank)) || new Set(perm).size !== rank) {
      ctx.fail(`perm [${constantIntegers(ctx, permTensor)}] is not a permutation of ${rank} dimensions`, permTensor.index);
    }
    const shape = perm.map((p) => input.shape[p]!);
    ctx.expectShape(output, shape);
    ctx.readInMemory(input);

    const inStrides = elementStrides(input.shape);
    return stridedCopyStep(input, output, size, 0, perm.map((p) => inStrides[p]!), shape);
  },
};
