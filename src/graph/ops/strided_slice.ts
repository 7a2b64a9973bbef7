// STRIDED_SLICE (tflite/kernels/strided_slice.cc, strided_slice_logic.h): begin, end and strides are constant
// vectors of the input's rank; begin_mask / end_mask take the whole axis in the stride's direction, negative
// indices count from the end, shrink_axis_mask keeps one element and drops the axis; axes past the vectors' length
// are taken whole. Keras writes it for Cropping2D and tensor slicing. ellipsis_mask, new_axis_mask and offset
// (which the converter writes only for dynamic shapes) are refused. Elements move unchanged (movedElementBytes).
import type { StridedSliceOptions } from '../../tflite/options.js';
import { constantIntegers, elementStrides, movedElementBytes, stridedCopyStep } from '../op-utils.js';
import type { OpDefinition } from '../types.js';

const clamp = (v: number, lo: number, hi: number) => (v < lo ? lo : v > hi ? hi : v);

export const stridedSlice: OpDefinition = {
  name: 'STRIDED_SLICE',
  prepare(ctx) {
    ctx.expectCounts(4, 4, 1);
    const input = ctx.input(0);
    const output = ctx.output(0);
    const size = movedElementBytes(ctx, input, output);
    const o = ctx.op.options as StridedSliceOptions;
    if (o.ellipsisMask !== 0 || o.newAxisMask !== 0 || o.offset) {
      ctx.fail(`ellipsis_mask ${o.ellipsisMask}, new_axis_mask ${o.newAxisMask}, offset ${o.offset}: only 0, 0, false are supported`);
    }
    const rank = input.shape.length;
    if (rank > 5) ctx.fail(`rank ${rank} is above 5`, input.index);
    const [begin, end, strides] = [1, 2, 3].map((k) => constantIntegers(ctx, ctx.input(k))) as [number[], number[], number[]];
    const given = begin.length;
    if (given > rank || end.length !== given || strides.length !== given) {
      ctx.fail(`begin, end and strides have ${given}, ${end.length} and ${strides.length} entries: they need the same length, at most the input's rank ${rank}`);
    }
    // axes the vectors do not reach are taken whole
    for (let i = given; i < rank; i++) { begin.push(0); end.push(0); strides.push(1); }
    const whole = ((1 << rank) - 1) & ~((1 << given) - 1);
    const beginMask = o.beginMask | whole, endMask = o.endMask | whole;
    if (strides.some((s) => s === 0)) ctx.fail(`strides [${strides}] contain 0`, ctx.input(3).index);

    // StartForAxis / StopForAxis of strided_slice_logic.h, then the element count per axis.
    const starts: number[] = [], steps: number[] = [], counts: number[] = [], outShape: number[] = [];
    for (let i = 0; i < rank; i++) {
      const dim = input.shape[i]!, stride = strides[i]!, bit = 1 << i;
      let start = 0, stop = 0;
      if (dim > 0) {
        start = beginMask & bit ? (stride > 0 ? -Infinity : Infinity) : begin[i]!;
        if (start < 0) start += dim;
        start = stride > 0 ? clamp(start, 0, dim) : clamp(start, -1, dim - 1);
        if (o.shrinkAxisMask & bit) stop = start + 1;
        else {
          stop = endMask & bit ? (stride > 0 ? Infinity : -Infinity) : end[i]!;
          if (stop < 0) stop += dim;
          stop = stride > 0 ? clamp(stop, 0, dim) : clamp(stop, -1, dim - 1);
        }
      }
      const count = stride > 0 ? Math.max(0, Math.ceil((stop - start) / stride)) : Math.max(0, Math.ceil((start - stop) / -stride));
      if (o.shrinkAxisMask & bit && count !== 1) ctx.fail(`shrinking axis ${i} needs exactly one element, begin ${begin[i]} selects ${count}`);
      starts.push(start); steps.push(stride); counts.push(count);
      if (!(o.shrinkAxisMask & bit)) outShape.push(count);
    }
    ctx.expectShape(output, outShape);
    ctx.readInMemory(input);

    const inStrides = elementStrides(input.shape);
    const first = starts.reduce((acc, start, i) => acc + start * inStrides[i]!, 0);
    return stridedCopyStep(input, output, size, first, steps.map((step, i) => step * inStrides[i]!), counts);
  },
};
