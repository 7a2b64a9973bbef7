// ADD, SUB, MUL with numpy broadcasting (tflite/kernels/add.cc, sub.cc, mul.cc; reference and
// reference_integer_ops add.h / mul.h). int8 uses TFLite's fixed-point rescaling, bit-exact.
import type { ActivationOnlyOptions } from '../../tflite/options.js';
import { BuiltinOp } from '../../tflite/schema.js';
import { f32, multiplyByQuantizedMultiplier, quantizeMultiplier } from '../fixed-point.js';
import { broadcastMaps, broadcastShape, floatActivationRange, quantizedActivationRange, requireQuantized } from '../op-utils.js';
import type { MemoryViews, OpContext, OpDefinition, OpStep } from '../types.js';

type Kind = 'add' | 'sub' | 'mul';

function prepareBinary(ctx: OpContext, kind: Kind): OpStep {
  ctx.expectCounts(2, 2, 1);
  const a = ctx.input(0);
  const b = ctx.input(1);
  const out = ctx.output(0);
  const activation = (ctx.op.options as ActivationOnlyOptions).activation;
  if (a.dtype !== b.dtype) ctx.fail(`inputs have different types (${a.dtype}, ${b.dtype})`);
  ctx.expectDtype(out, a.dtype);
  const shape = broadcastShape(ctx, a.shape, b.shape);
  ctx.expectShape(out, shape);
  ctx.readInMemory(a);
  ctx.readInMemory(b);
  const n = out.elementCount;
  const [ia, ib] = broadcastMaps(a.shape, b.shape, shape);

  if (a.dtype === 'float32') {
    const { min, max } = floatActivationRange(ctx, activation);
    return (v: MemoryViews) => {
      const x = v.f32, pa = a.ptr >> 2, pb = b.ptr >> 2, po = out.ptr >> 2;
      return () => {
        for (let i = 0; i < n; i++) {
          const p = x[pa + (ia ? ia[i]! : i)]!;
          const q = x[pb + (ib ? ib[i]! : i)]!;
          const r = kind === 'add' ? p + q : kind === 'sub' ? p - q : p * q;
          x[po + i] = Math.min(Math.max(f32(r), min), max);
        }
      };
    };
  }
  if (a.dtype === 'int32' && kind !== 'sub') {
    return (v: MemoryViews) => {
      const x = v.i32, pa = a.ptr >> 2, pb = b.ptr >> 2, po = out.ptr >> 2;
      return () => {
        for (let i = 0; i < n; i++) {
          const p = x[pa + (ia ? ia[i]! : i)]!;
          const q = x[pb + (ib ? ib[i]! : i)]!;
          x[po + i] = kind === 'add' ? (p + q) | 0 : Math.imul(p, q);
        }
      };
    };
  }
  if (a.dtype !== 'int8') return ctx.fail(`${a.dtype} inputs are not supported (float32 or int8)`);
  requireQuantized(ctx, a);
  requireQuantized(ctx, b);
  requireQuantized(ctx, out);
  const range = quantizedActivationRange(ctx, activation, out);
  const aOff = -a.zeroPoint, bOff = -b.zeroPoint, outOff = out.zeroPoint;

  if (kind === 'mul') {
    // mul.cc: the product of the float scales is formed in float before widening to double.
    const [m, shift] = quantizeMultiplier(f32(f32(a.scale * b.scale) / out.scale));
    return (v: MemoryViews) => {
      const x = v.i8, pa = a.ptr, pb = b.ptr, po = out.ptr;
      return () => {
        for (let i = 0; i < n; i++) {
          const p = x[pa + (ia ? ia[i]! : i)]! + aOff;
          const q = x[pb + (ib ? ib[i]! : i)]! + bOff;
          const r = outOff + multiplyByQuantizedMultiplier(p * q, m, shift);
          x[po + i] = r < range.min ? range.min : r > range.max ? range.max : r;
        }
      };
    };
  }

  // add.cc / sub.cc general 8-bit path: inputs rescaled to a common 2·max(scale) with 20 bits of headroom.
  const leftShift = 20;
  const twiceMax = 2 * Math.max(a.scale, b.scale);
  const [m1, s1] = quantizeMultiplier(a.scale / twiceMax);
  const [m2, s2] = quantizeMultiplier(b.scale / twiceMax);
  const [mo, so] = quantizeMultiplier(twiceMax / ((1 << leftShift) * out.scale));
  const sign = kind === 'sub' ? -1 : 1;
  return (v: MemoryViews) => {
    const x = v.i8, pa = a.ptr, pb = b.ptr, po = out.ptr;
    return () => {
      for (let i = 0; i < n; i++) {
        const p = (x[pa + (ia ? ia[i]! : i)]! + aOff) * (1 << leftShift);
        const q = (x[pb + (ib ? ib[i]! : i)]! + bOff) * (1 << leftShift);
        const sum = multiplyByQuantizedMultiplier(p, m1, s1) + sign * multiplyByQuantizedMultiplier(q, m2, s2);
        const r = multiplyByQuantizedMultiplier(sum, mo, so) + outOff;
        x[po + i] = r < range.min ? range.min : r > range.max ? range.max : r;
      }
    };
  };
}

export const add: OpDefinition = { name: 'ADD', prepare: (ctx) => prepareBinary(ctx, 'add') };
export const sub: OpDefinition = { name: 'SUB', prepare: (ctx) => prepareBinary(ctx, 'sub') };
export const mul: OpDefinition = { name: 'MUL', prepare: (ctx) => prepareBinary(ctx, 'mul') };

