// MEAN, REDUCE_MAX, REDUCE_MIN (tflite/kernels/reduce.cc with reference kernels). int8 MEAN follows the current
// integer QuantizedMeanOrSum (double-rounding fixed point), which TF 2.21's BUILTIN_REF matches; int8 MAX/MIN
// compare stored values, so they need the output's scale and zero point (TFLite's Prepare requires it too).
import type { ReducerOptions } from '../../tflite/options.js';
import { f32, multiplyByQuantizedMultiplier, quantizeMultiplier } from '../fixed-point.js';
import { constantIntegers, requireQuantized } from '../op-utils.js';
import type { GraphTensor, MemoryViews, OpContext, OpDefinition, OpStep } from '../types.js';

interface Reduction {
  input: GraphTensor;
  output: GraphTensor;
  /** Input elements per output element. */
  count: number;
  /** Output element of every input element, built once at load. */
  outIndex: Int32Array;
}

/** The axes (constant input 1, negative entries from the end) and keep_dims decide the output shape. */
function reduction(ctx: OpContext): Reduction {
  ctx.expectCounts(2, 2, 1);
  const input = ctx.input(0);
  const axisT = ctx.input(1);
  const output = ctx.output(0);
  ctx.expectDtype(output, input.dtype);
  const keepDims = (ctx.op.options as ReducerOptions).keepDims;
  const rank = input.shape.length;
  const axes = new Set<number>();
  for (const a of constantIntegers(ctx, axisT)) {
    const r = a < 0 ? a + rank : a;
    if (!(r >= 0 && r < rank)) ctx.fail(`axis ${a} is outside rank ${rank}`, axisT.index);
    axes.add(r);
  }
  const shape = keepDims ? input.shape.map((d, i) => (axes.has(i) ? 1 : d)) : input.shape.filter((_, i) => !axes.has(i));
  ctx.expectShape(output, shape);
  ctx.readInMemory(input);
  const count = input.shape.reduce((n, d, i) => (axes.has(i) ? n * d : n), 1);
  const inCount = input.elementCount;
  const outIndex = new Int32Array(inCount);
  const outStrides = input.shape.map(() => 0);
  let acc = 1;
  for (let i = rank - 1; i >= 0; i--) {
    if (!axes.has(i)) { outStrides[i] = acc; acc *= input.shape[i]!; }
  }
  const idx = new Array<number>(rank).fill(0);
  for (let e = 0; e < inCount; e++) {
    let o = 0;
    for (let d = 0; d < rank; d++) o += idx[d]! * outStrides[d]!;
    outIndex[e] = o;
    for (let d = rank - 1; d >= 0; d--) {
      if (++idx[d]! < input.shape[d]!) break;
      idx[d] = 0;
    }
  }
  return { input, output, count, outIndex };
}

export const mean: OpDefinition = {
  name: 'MEAN',
  prepare(ctx) {
    const { input, output, count, outIndex } = reduction(ctx);
    const outCount = output.elementCount;
    const inCount = input.elementCount;
    const sums = new Float64Array(outCount);

    if (input.dtype === 'float32') {
      return (v: MemoryViews) => {
        const x = v.f32, pi = input.ptr >> 2, po = output.ptr >> 2;
        return () => {
          sums.fill(0);
          for (let e = 0; e < inCount; e++) sums[outIndex[e]!] = f32(sums[outIndex[e]!]! + x[pi + e]!);
          for (let o = 0; o < outCount; o++) x[po + o] = count > 0 ? sums[o]! / count : NaN;
        };
      };
    }
    if (input.dtype !== 'int8') return ctx.fail(`${input.dtype} is not supported (float32 or int8)`);
    requireQuantized(ctx, input);
    requireQuantized(ctx, output);
    const inZp = input.zeroPoint, outZp = output.zeroPoint;
    // reference_ops::QuantizedMeanOrSum (LiteRT / TF 2.21): the 1/count factor is folded into the
    // fixed-point multiplier; the product needs 64 bits, so it is formed with BigInt at load.
    const [m, outShift] = quantizeMultiplier(input.scale / output.scale);
    let shift = count > 0 ? Math.floor(Math.log2(count)) : 0;
    while (2 ** (shift + 1) <= count) shift++;
    while (shift > 0 && 2 ** shift > count) shift--;
    shift = Math.min(shift, 32, 31 + outShift);
    const meanMultiplier = count > 0 ? Number((BigInt(m) << BigInt(Math.max(shift, 0))) / BigInt(count)) : 0;
    const meanShift = outShift - shift;
    const finish = (sum: number): number => {
      const r = multiplyByQuantizedMultiplier((sum - inZp * count) | 0, meanMultiplier, meanShift) + outZp;
      return r < -128 ? -128 : r > 127 ? 127 : r;
    };
    return (v: MemoryViews) => {
      const x = v.i8, pi = input.ptr, po = output.ptr;
      return () => {
        if (count === 0) return;
        sums.fill(0);
        for (let e = 0; e < inCount; e++) sums[outIndex[e]!] += x[pi + e]!;
        for (let o = 0; o < outCount; o++) x[po + o] = finish(sums[o]!);
      };
    };
  },
};

/** reduce.cc's Max/Min reducers: start from the type's lowest/highest value, `in > current ? in : current`. */
function extremum(ctx: OpContext, max: boolean): OpStep {
  const { input, output, outIndex } = reduction(ctx);
  const outCount = output.elementCount, inCount = input.elementCount;
  let init: number;
  if (input.dtype === 'float32') init = max ? -Infinity : Infinity;
  else if (input.dtype === 'int8' || input.dtype === 'uint8') {
    requireQuantized(ctx, input);
    requireQuantized(ctx, output);
    if (input.scale !== output.scale || input.zeroPoint !== output.zeroPoint) ctx.fail('output must share the input\'s scale and zero point', output.index);
    init = input.dtype === 'int8' ? (max ? -128 : 127) : (max ? 0 : 255);
  } else return ctx.fail(`${input.dtype} is not supported (float32, int8 or uint8)`);
  const values = new Float64Array(outCount);
  return (v: MemoryViews) => {
    const x = input.dtype === 'float32' ? v.f32 : input.dtype === 'int8' ? v.i8 : v.u8;
    const shift = input.dtype === 'float32' ? 2 : 0;
    const pi = input.ptr >> shift, po = output.ptr >> shift;
    return () => {
      values.fill(init);
      for (let e = 0; e < inCount; e++) {
        const o = outIndex[e]!, q = x[pi + e]!, cur = values[o]!;
        values[o] = (max ? q > cur : q < cur) ? q : cur;
      }
      for (let o = 0; o < outCount; o++) x[po + o] = values[o]!;
    };
  };
}

export const reduceMax: OpDefinition = { name: 'REDUCE_MAX', prepare: (ctx) => extremum(ctx, true) };
export const reduceMin: OpDefinition = { name: 'REDUCE_MIN', prepare: (ctx) => extremum(ctx, false) };
