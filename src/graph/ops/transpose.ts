// TRANSPOSE (tflite/kernels/transpose.cc): output dimension i is input dimension perm[i]; perm is a constant
// 1-D int32/int64 tensor (negative entries count from the end). Elements move unchanged, so a quantized
// output must share the input's scale and zero point.
import { constantIntegers, elementView, movedElementBytes } from '../op-utils.js';
import type { MemoryViews, OpDefinition } from '../types.js';
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

    // Walk the output in order; stride[i] is how far one step along output dimension i moves in the input.
    const inStrides = new Array<number>(rank).fill(1);
    for (let i = rank - 2; i >= 0; i--) inStrides[i] = inStrides[i + 1]! * input.shape[i + 1]!;
    const stride = Int32Array.from(perm, (p) => inStrides[p]!);
    const dims = Int32Array.from(shape);
    const counter = new Int32Array(rank);
    const n = output.elementCount;
    const inner = rank > 0 ? dims[rank - 1]! : 1, innerStride = rank > 0 ? stride[rank - 1]! : 0;
    return (v: MemoryViews) => {
      const [x, pin] = elementView(v, size, input);
      const pout = elementView(v, size, output)[1];
      return () => {
        counter.fill(0);
        let src = 0;
        for (let o = 0; o < n; o += inner) {
          for (let j = 0, s = pin + src; j < inner; j++, s += innerStride) x[pout + o + j] = x[s]!;
          // odometer over the outer dimensions
          for (let d = rank - 2; d >= 0; d--) {
            src += stride[d]!;
            if (++counter[d]! < dims[d]!) break;
            src -= stride[d]! * dims[d]!;
            counter[d] = 0;
          }
        }
      };
    };
  },
};
