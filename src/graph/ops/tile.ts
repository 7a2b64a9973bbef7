// TILE (tflite/kernels/tile.cc): output dimension i repeats input dimension i multiples[i] times; multiples is a
// constant int32/int64 vector. Keras 3 writes UpSampling2D (nearest) as RESHAPE + TILE. Elements move unchanged,
// so a quantized output must share the input's scale and zero point.
import { constantIntegers, elementView, movedElementBytes } from '../op-utils.js';
import type { MemoryViews, OpDefinition } from '../types.js';

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

    const inDims = Int32Array.from(input.shape), outDims = Int32Array.from(shape);
    const inStrides = new Int32Array(rank).fill(1);
    for (let i = rank - 2; i >= 0; i--) inStrides[i] = inStrides[i + 1]! * inDims[i + 1]!;
    const inCounter = new Int32Array(rank), outCounter = new Int32Array(rank);
    const n = output.elementCount;
    return (v: MemoryViews) => {
      const [x, pin] = elementView(v, size, input);
      const pout = elementView(v, size, output)[1];
      return () => {
        inCounter.fill(0);
        outCounter.fill(0);
        let src = 0;
        for (let o = 0; o < n; o++) {
          x[pout + o] = x[pin + src]!;
          // odometer over the output; the input position wraps every input-dimension length
          for (let d = rank - 1; d >= 0; d--) {
            src += inStrides[d]!;
            if (++inCounter[d]! === inDims[d]!) { inCounter[d] = 0; src -= inDims[d]! * inStrides[d]!; }
            if (++outCounter[d]! < outDims[d]!) break;
            outCounter[d] = 0;
          }
        }
      };
    };
  },
};
