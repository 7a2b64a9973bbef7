// QUANTIZE and DEQUANTIZE (tflite/kernels/quantize.cc, dequantize.cc; reference quantize.h,
// dequantize.h, requantize.h). A DEQUANTIZE of a constant (float16 or int8 weights) is folded at load.
import { f32, multiplyByQuantizedMultiplier, quantizeMultiplier } from '../fixed-point.js';
import { requireQuantized } from '../op-utils.js';
import type { GraphTensor, MemoryViews, OpContext, OpDefinition } from '../types.js';

function intRange(dtype: string): [number, number] {
  return dtype === 'uint8' ? [0, 255] : [-128, 127];
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const mantissa = h & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 31) return mantissa ? NaN : sign * Infinity;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

/** dequantize.h: per-tensor float(double(scale)·(q − zp)); per-channel float(scale[c]·(q − zp[c])). */
function dequantizeConstant(ctx: OpContext, input: GraphTensor, output: GraphTensor): Float32Array {
  const out = new Float32Array(output.elementCount);
  const c = input.constant!;
  if (input.dtype === 'float16') {
    const view = new DataView(c.buffer, c.byteOffset, c.byteLength);
    for (let i = 0; i < out.length; i++) out[i] = halfToFloat(view.getUint16(2 * i, true));
    return out;
  }
  const q = input.info.quantization;
  if (!q) return ctx.fail(`${input.dtype} constant has no quantization parameters`, input.index);
  const values = input.dtype === 'int8' ? new Int8Array(c.buffer, c.byteOffset, c.byteLength) : c;
  // Elements between consecutive steps of the quantized axis share a scale.
  const axis = q.perChannel ? q.quantizedDimension : -1;
  const inner = axis >= 0 ? input.shape.slice(axis + 1).reduce((a, b) => a * b, 1) : 1;
  const channels = axis >= 0 ? input.shape[axis]! : 1;
  for (let i = 0; i < out.length; i++) {
    const ch = axis >= 0 ? Math.floor(i / inner) % channels : 0;
    out[i] = f32(q.scale[ch]! * (values[i]! - q.zeroPoint[ch]!));
  }
  return out;
}

export const dequantize: OpDefinition = {
  name: 'DEQUANTIZE',
  prepare(ctx) {
    ctx.expectCounts(1, 1, 1);
    const input = ctx.input(0);
    const output = ctx.output(0);
    ctx.expectDtype(input, 'int8', 'uint8', 'float16');
    ctx.expectDtype(output, 'float32');
    ctx.expectShape(output, input.shape);
    if (input.constant) {
      const values = dequantizeConstant(ctx, input, output);
      ctx.foldToConstant(output, new Uint8Array(values.buffer));
      return null;
    }
    const n = output.elementCount;
    if (input.dtype === 'float16') {
      return (v: MemoryViews) => {
        const u8 = v.u8, x = v.f32, pi = input.ptr, po = output.ptr >> 2;
        return () => {
          for (let i = 0; i < n; i++) x[po + i] = halfToFloat(u8[pi + 2 * i]! | (u8[pi + 2 * i + 1]! << 8));
        };
      };
    }
    requireQuantized(ctx, input);
    const scale = input.scale, zp = input.zeroPoint;
    const isInt8 = input.dtype === 'int8';
    return (v: MemoryViews) => {
      const src: Int8Array | Uint8Array = isInt8 ? v.i8 : v.u8;
      const x = v.f32, pi = input.ptr, po = output.ptr >> 2;
      return () => {
        for (let i = 0; i < n; i++) x[po + i] = scale * (src[pi + i]! - zp);
      };
    };
  },
};

export const quantize: OpDefinition = {
  name: 'QUANTIZE',
  prepare(ctx) {
    ctx.expectCounts(1, 1, 1);
    const input = ctx.input(0);
    const output = ctx.output(0);
    ctx.expectDtype(output, 'int8', 'uint8');
    ctx.expectShape(output, input.shape);
    requireQuantized(ctx, output);
    ctx.readInMemory(input);
    const n = output.elementCount;
    const [lo, hi] = intRange(output.dtype);
    const outZp = output.zeroPoint;
    const dst = (v: MemoryViews): Int8Array | Uint8Array => (output.dtype === 'int8' ? v.i8 : v.u8);

    if (input.dtype === 'float32') {
      // reference quantize.h: round(x / float(scale)) + zp, division in float (a kernel: it is on every
      // float-input int8 model's hot path).
      const kernel = ctx.runtime.quantizeF32(n, { scale: output.scale, zeroPoint: outZp, qMin: lo, qMax: hi, unsigned: output.dtype === 'uint8' });
      return () => () => kernel.run(input.ptr, output.ptr);
    }
    if (input.dtype !== 'int8' && input.dtype !== 'uint8') return ctx.fail(`${input.dtype} input is not supported (float32, int8 or uint8)`);
    requireQuantized(ctx, input);
    // quantize.cc requantization: multiplier from double(input scale) / double(output scale).
    const [m, shift] = quantizeMultiplier(input.scale / output.scale);
    const inZp = input.zeroPoint;
    const src = (v: MemoryViews): Int8Array | Uint8Array => (input.dtype === 'int8' ? v.i8 : v.u8);
    return (v: MemoryViews) => {
      const a = src(v), out = dst(v), pi = input.ptr, po = output.ptr;
      return () => {
        for (let i = 0; i < n; i++) {
          const q = multiplyByQuantizedMultiplier(a[pi + i]! - inZp, m, shift) + outZp;
          out[po + i] = q < lo ? lo : q > hi ? hi : q;
        }
      };
    };
  },
};
