// PAD and PADV2 (tflite/kernels/pad.cc). Paddings are a constant [rank, 2] int32/int64 tensor.
// The pad value is 0 for float, the output zero point for quantized PAD, or PADV2's scalar input.
import { constantFloat32, constantIntegers, elementStrides, requireQuantized } from '../op-utils.js';
import type { MemoryViews, OpDefinition } from '../types.js';

function preparePad(isV2: boolean): OpDefinition['prepare'] {
  return (ctx) => {
    ctx.expectCounts(2, isV2 ? 3 : 2, 1);
    const input = ctx.input(0);
    const paddingsT = ctx.input(1);
    const output = ctx.output(0);
    ctx.expectDtype(output, input.dtype);
    const rank = input.shape.length;
    const pads = constantIntegers(ctx, paddingsT);
    if (paddingsT.shape.length !== 2 || paddingsT.shape[0] !== rank || paddingsT.shape[1] !== 2) {
      ctx.fail(`paddings must be [${rank}, 2], got [${paddingsT.shape}]`, paddingsT.index);
    }
    if (pads.some((p) => p < 0)) ctx.fail('negative paddings are not supported', paddingsT.index);
    const shape = input.shape.map((d, i) => d + pads[2 * i]! + pads[2 * i + 1]!);
    ctx.expectShape(output, shape);
    ctx.readInMemory(input);

    let fillByte = 0;
    let fillFloat = 0;
    const valueT = isV2 ? ctx.optionalInput(2) : null;
    if (input.dtype === 'float32') {
      if (valueT) {
        ctx.expectDtype(valueT, 'float32');
        if (!valueT.constant || valueT.elementCount !== 1) ctx.fail('pad value must be a constant scalar', valueT.index);
        fillFloat = constantFloat32(valueT)[0]!;
      }
    } else if (input.dtype === 'int8' || input.dtype === 'uint8') {
      requireQuantized(ctx, input);
      requireQuantized(ctx, output);
      if (input.scale !== output.scale || input.zeroPoint !== output.zeroPoint) ctx.fail('input and output quantization must match');
      let value = output.zeroPoint;
      if (valueT) {
        ctx.expectDtype(valueT, input.dtype);
        if (!valueT.constant || valueT.elementCount !== 1) ctx.fail('pad value must be a constant scalar', valueT.index);
        const c = valueT.constant!;
        value = input.dtype === 'int8' ? new Int8Array(c.buffer, c.byteOffset, 1)[0]! : c[0]!;
      }
      fillByte = value & 0xff;
    } else if (input.dtype === 'int32') {
      if (valueT) ctx.fail('an int32 pad value is not supported');
    } else ctx.fail(`${input.dtype} is not supported`);

    // Copy plan built at load: one contiguous row (innermost dimension) per entry.
    const elementBytes = input.elementCount ? input.byteLength / input.elementCount : 1;
    const rowBytes = (input.shape[rank - 1] ?? 1) * elementBytes;
    const rows = rank === 0 ? 1 : input.elementCount / Math.max(1, input.shape[rank - 1]!);
    const srcOffsets = new Int32Array(rows);
    const dstOffsets = new Int32Array(rows);
    const outStrides = elementStrides(shape);
    const idx = new Array<number>(Math.max(0, rank - 1)).fill(0);
    for (let r = 0; r < rows && input.elementCount > 0; r++) {
      let dst = rank ? pads[2 * (rank - 1)]! : 0;
      for (let d = 0; d < rank - 1; d++) dst += (idx[d]! + pads[2 * d]!) * outStrides[d]!;
      srcOffsets[r] = r * rowBytes;
      dstOffsets[r] = dst * elementBytes;
      for (let d = rank - 2; d >= 0; d--) {
        if (++idx[d]! < input.shape[d]!) break;
        idx[d] = 0;
      }
    }
    const outBytes = output.byteLength;
    const isFloat = input.dtype === 'float32';
    const copyRows = input.elementCount > 0 ? rows : 0;
    return (v: MemoryViews) => {
      const u8 = v.u8, f = v.f32;
      return () => {
        if (isFloat) f.fill(fillFloat, output.ptr >> 2, (output.ptr + outBytes) >> 2);
        else u8.fill(fillByte, output.ptr, output.ptr + outBytes);
        for (let r = 0; r < copyRows; r++) {
          const s = input.ptr + srcOffsets[r]!;
          u8.copyWithin(output.ptr + dstOffsets[r]!, s, s + rowBytes);
        }
      };
    };
  };
}

export const pad = { name: 'PAD', prepare: preparePad(false) } satisfies OpDefinition;
export const padV2 = { name: 'PADV2', prepare: preparePad(true) } satisfies OpDefinition;
