// CONCATENATION (tflite/kernels/concatenation.cc). int8 inputs must share the output's
// quantization (TFLite's Prepare requires it), so every dtype is a plain interleaved copy.
import type { ConcatenationOptions } from '../../tflite/options.js';
import { Activation } from '../../tflite/schema.js';
import { requireQuantized } from '../op-utils.js';
import type { GraphTensor, MemoryViews, OpDefinition } from '../types.js';

export const concatenation: OpDefinition = {
  name: 'CONCATENATION',
  prepare(ctx) {
    const o = ctx.op.options as ConcatenationOptions;
    const n = ctx.op.inputs.length;
    if (n < 1) ctx.fail('needs at least one input');
    ctx.expectCounts(n, n, 1);
    const output = ctx.output(0);
    const inputs: GraphTensor[] = [];
    for (let i = 0; i < n; i++) inputs.push(ctx.input(i));
    const rank = inputs[0]!.shape.length;
    const axis = o.axis < 0 ? o.axis + rank : o.axis;
    if (!(axis >= 0 && axis < rank)) ctx.fail(`axis ${o.axis} is outside rank ${rank}`);
    if (o.activation !== Activation.NONE && output.dtype !== 'float32') ctx.fail('fused activation is only supported for float32');
    if (o.activation !== Activation.NONE && o.activation !== Activation.RELU && o.activation !== Activation.RELU6) {
      ctx.fail(`fused activation ${o.activation} is not supported`);
    }
    const shape = inputs[0]!.shape.slice();
    shape[axis] = 0;
    for (const t of inputs) {
      ctx.expectDtype(t, output.dtype);
      if (t.shape.length !== rank || t.shape.some((d, i) => i !== axis && d !== inputs[0]!.shape[i])) {
        ctx.fail(`input shape [${t.shape}] does not match [${inputs[0]!.shape}] outside axis ${axis}`, t.index);
      }
      shape[axis] += t.shape[axis]!;
      if (t.dtype === 'int8' || t.dtype === 'uint8') {
        requireQuantized(ctx, t);
        if (t.scale !== output.scale || t.zeroPoint !== output.zeroPoint) {
          ctx.fail('quantized inputs must have the same scale and zero point as the output', t.index);
        }
      }
      ctx.readInMemory(t);
    }
    ctx.expectShape(output, shape);
    const elementBytes = output.elementCount ? output.byteLength / output.elementCount : 1;
    const outer = shape.slice(0, axis).reduce((a, b) => a * b, 1);
    const innerBytes = shape.slice(axis + 1).reduce((a, b) => a * b, 1) * elementBytes;
    const chunk = inputs.map((t) => t.shape[axis]! * innerBytes);
    const clampMin = o.activation === Activation.NONE ? -Infinity : 0;
    const clampMax = o.activation === Activation.RELU6 ? 6 : Infinity;
    const clamp = o.activation !== Activation.NONE;
    return (v: MemoryViews) => {
      const u8 = v.u8;
      return () => {
        let dst = output.ptr;
        for (let k = 0; k < outer; k++) {
          for (let i = 0; i < n; i++) {
            const src = inputs[i]!.ptr + k * chunk[i]!;
            u8.copyWithin(dst, src, src + chunk[i]!);
            dst += chunk[i]!;
          }
        }
        if (clamp) {
          const x = v.f32, po = output.ptr >> 2;
          for (let i = 0; i < output.elementCount; i++) x[po + i] = Math.min(Math.max(x[po + i]!, clampMin), clampMax);
        }
      };
    };
  },
};
