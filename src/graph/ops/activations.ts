// LOGISTIC, TANH, RELU, RELU6, RELU_N1_TO_1, RELU_0_TO_1, LEAKY_RELU, PRELU, HARD_SWISH (tflite/kernels/activations.cc, reference
// kernels). int8 LOGISTIC/TANH use TFLite's 256-entry lookup table built in float at prepare time.
import type { LeakyReluOptions } from '../../tflite/options.js';
import {
  f32, multiplyByQuantizedMultiplier, quantizeMultiplier, roundHalfAway, roundingDivideByPOT16, srdhm16,
} from '../fixed-point.js';
import { broadcastMaps, broadcastShape, requireQuantized } from '../op-utils.js';
import type { GraphTensor, MemoryViews, OpContext, OpDefinition, OpStep } from '../types.js';

function unary(ctx: OpContext): [GraphTensor, GraphTensor] {
  ctx.expectCounts(1, 1, 1);
  const input = ctx.input(0);
  const output = ctx.output(0);
  ctx.expectDtype(output, input.dtype);
  ctx.expectShape(output, input.shape);
  ctx.readInMemory(input);
  return [input, output];
}

function floatMap(input: GraphTensor, output: GraphTensor, fn: (x: number) => number): OpStep {
  const n = output.elementCount;
  return (v: MemoryViews) => {
    const x = v.f32, pi = input.ptr >> 2, po = output.ptr >> 2;
    return () => {
      for (let i = 0; i < n; i++) x[po + i] = fn(x[pi + i]!);
    };
  };
}

function int8Table(input: GraphTensor, output: GraphTensor, table: Int8Array): OpStep {
  const n = output.elementCount;
  return (v: MemoryViews) => {
    const x = v.i8, pi = input.ptr, po = output.ptr;
    return () => {
      for (let i = 0; i < n; i++) x[po + i] = table[x[pi + i]! + 128]!;
    };
  };
}

/** activations.cc PopulateLookupTable<int8_t>: dequantize, transform and requantize in float. */
function lookupTable(input: GraphTensor, output: GraphTensor, transform: (x: number) => number): Int8Array {
  const table = new Int8Array(256);
  const inverseScale = f32(1 / output.scale);
  for (let q = -128; q <= 127; q++) {
    const dequantized = f32(input.scale * (q - input.zeroPoint));
    const rescaled = roundHalfAway(f32(f32(transform(dequantized)) * inverseScale));
    table[q + 128] = Math.max(-128, Math.min(127, rescaled + output.zeroPoint));
  }
  return table;
}

function requireInt8(ctx: OpContext, input: GraphTensor, output: GraphTensor): void {
  if (input.dtype !== 'int8') ctx.fail(`${input.dtype} is not supported (float32 or int8)`, input.index);
  requireQuantized(ctx, input);
  requireQuantized(ctx, output);
}

const sigmoidF32 = (x: number) => f32(1 / f32(1 + f32(Math.exp(-x))));

export const logistic: OpDefinition = {
  name: 'LOGISTIC',
  prepare(ctx) {
    const [input, output] = unary(ctx);
    // reference_ops::Logistic (float) with its saturation cut-offs.
    if (input.dtype === 'float32') {
      return floatMap(input, output, (x) => (x > 16.619047164916992 ? 1 : x < -9 ? f32(Math.exp(x)) : sigmoidF32(x)));
    }
    requireInt8(ctx, input, output);
    if (output.scale !== f32(1 / 256) || output.zeroPoint !== -128) ctx.fail('int8 output must have scale 1/256 and zero point -128', output.index);
    return int8Table(input, output, lookupTable(input, output, sigmoidF32));
  },
};

export const tanh: OpDefinition = {
  name: 'TANH',
  prepare(ctx) {
    const [input, output] = unary(ctx);
    if (input.dtype === 'float32') return floatMap(input, output, (x) => Math.tanh(x));
    requireInt8(ctx, input, output);
    return int8Table(input, output, lookupTable(input, output, (x) => f32(Math.tanh(x))));
  },
};

/** RELU and its clamped forms: activations.cc QuantizedReluX with a rescale from input to output parameters. */
function reluOp(name: string, actMin: number, actMax: number): OpDefinition {
  return {
    name,
    prepare(ctx) {
      const [input, output] = unary(ctx);
      if (input.dtype === 'float32') return floatMap(input, output, (x) => Math.min(Math.max(x, actMin), actMax));
      requireInt8(ctx, input, output);
      const [m, shift] = quantizeMultiplier(f32(input.scale / output.scale));
      const qMin = Math.max(-128, output.zeroPoint + roundHalfAway(f32(actMin / output.scale)));
      const qMax = actMax === Infinity ? 127 : Math.min(127, output.zeroPoint + roundHalfAway(f32(actMax / output.scale)));
      const inZp = input.zeroPoint, outZp = output.zeroPoint, n = output.elementCount;
      return (v: MemoryViews) => {
        const x = v.i8, pi = input.ptr, po = output.ptr;
        return () => {
          for (let i = 0; i < n; i++) {
            const r = outZp + multiplyByQuantizedMultiplier(x[pi + i]! - inZp, m, shift);
            x[po + i] = r < qMin ? qMin : r > qMax ? qMax : r;
          }
        };
      };
    },
  };
}

export const relu = reluOp('RELU', 0, Infinity);
export const relu6 = reluOp('RELU6', 0, 6);
export const reluN1To1 = reluOp('RELU_N1_TO_1', -1, 1);
export const relu0To1 = reluOp('RELU_0_TO_1', 0, 1);

export const leakyRelu: OpDefinition = {
  name: 'LEAKY_RELU',
  prepare(ctx) {
    const [input, output] = unary(ctx);
    const alpha = f32((ctx.op.options as LeakyReluOptions).alpha);
    if (input.dtype === 'float32') return floatMap(input, output, (x) => (x > 0 ? x : f32(x * alpha)));
    requireInt8(ctx, input, output);
    // LeakyReluPrepare forms both ratios in float before widening to double.
    const [mAlpha, sAlpha] = quantizeMultiplier(f32(f32(input.scale * alpha) / output.scale));
    const [mId, sId] = quantizeMultiplier(f32(input.scale / output.scale));
    const inZp = input.zeroPoint, outZp = output.zeroPoint, n = output.elementCount;
    return (v: MemoryViews) => {
      const x = v.i8, pi = input.ptr, po = output.ptr;
      return () => {
        for (let i = 0; i < n; i++) {
          const d = x[pi + i]! - inZp;
          const r = outZp + (d >= 0 ? multiplyByQuantizedMultiplier(d, mId, sId) : multiplyByQuantizedMultiplier(d, mAlpha, sAlpha));
          x[po + i] = r < -128 ? -128 : r > 127 ? 127 : r;
        }
      };
    };
  },
};

/** PRELU: x ≥ 0 ? x : alpha·x, alpha broadcast against x (Keras PReLU writes one per channel or per element). */
export const prelu: OpDefinition = {
  name: 'PRELU',
  prepare(ctx) {
    ctx.expectCounts(2, 2, 1);
    const input = ctx.input(0);
    const alpha = ctx.input(1);
    const output = ctx.output(0);
    ctx.expectDtype(alpha, input.dtype);
    ctx.expectDtype(output, input.dtype);
    const shape = broadcastShape(ctx, input.shape, alpha.shape);
    ctx.expectShape(output, shape);
    ctx.readInMemory(input);
    ctx.readInMemory(alpha);
    const [ix, ia] = broadcastMaps(input.shape, alpha.shape, shape);
    const n = output.elementCount;
    if (input.dtype === 'float32') {
      return (v: MemoryViews) => {
        const x = v.f32, pi = input.ptr >> 2, pa = alpha.ptr >> 2, po = output.ptr >> 2;
        return () => {
          for (let i = 0; i < n; i++) {
            const q = x[pi + (ix ? ix[i]! : i)]!;
            x[po + i] = q >= 0 ? q : f32(q * x[pa + (ia ? ia[i]! : i)]!);
          }
        };
      };
    }
    requireInt8(ctx, input, output);
    requireQuantized(ctx, alpha);
    // activations.cc PreluPrepare: both ratios formed in float before widening to double.
    const [m1, s1] = quantizeMultiplier(f32(input.scale / output.scale));
    const [m2, s2] = quantizeMultiplier(f32(f32(input.scale * alpha.scale) / output.scale));
    const inZp = input.zeroPoint, alphaZp = alpha.zeroPoint, outZp = output.zeroPoint;
    return (v: MemoryViews) => {
      const x = v.i8, pi = input.ptr, pa = alpha.ptr, po = output.ptr;
      return () => {
        for (let i = 0; i < n; i++) {
          const d = x[pi + (ix ? ix[i]! : i)]! - inZp;
          const r = outZp + (d >= 0 ? multiplyByQuantizedMultiplier(d, m1, s1)
            : multiplyByQuantizedMultiplier(d * (x[pa + (ia ? ia[i]! : i)]! - alphaZp), m2, s2));
          x[po + i] = r < -128 ? -128 : r > 127 ? 127 : r;
        }
      };
    };
  },
};

/** DownScaleInt32ToInt16Multiplier (activations.cc). */
function toInt16Multiplier(m: number): number {
  if (m >= 0x7fffffff - (1 << 15)) return 32767;
  return (m + (1 << 15)) >> 16;
}

function saturatingLeftShift16(value: number, amount: number): number {
  return Math.max(-32768, Math.min(32767, value * 2 ** amount));
}

const toInt16 = (x: number) => (x << 16) >> 16;

export const hardSwish: OpDefinition = {
  name: 'HARD_SWISH',
  prepare(ctx) {
    const [input, output] = unary(ctx);
    if (input.dtype === 'float32') {
      return floatMap(input, output, (x) => f32(f32(x * Math.min(6, Math.max(0, f32(x + 3)))) / 6));
    }
    requireInt8(ctx, input, output);
    // HardSwishPrepare: float32 scale arithmetic, then 16-bit fixed-point multipliers.
    const hiresInputScale = f32(f32(1 / 128) * input.scale);
    const reluishScale = f32(3 / 32768);
    const [outM32, outExp] = quantizeMultiplier(f32(hiresInputScale / output.scale));
    const [reluM32, reluExp] = quantizeMultiplier(f32(hiresInputScale / reluishScale));
    if (outExp > 0) ctx.fail('output scale too small relative to input scale for int8 HARD_SWISH', output.index);
    const outM = toInt16(toInt16Multiplier(outM32));
    const reluM = toInt16(toInt16Multiplier(reluM32));
    const inZp = input.zeroPoint, outZp = output.zeroPoint, n = output.elementCount;
    const kernel = (q: number): number => {
      const hires = toInt16((q - inZp) * 128);
      const preshiftOut = srdhm16(hires, outM);
      let reluish = hires;
      if (reluExp > 0) reluish = saturatingLeftShift16(reluish, reluExp - 1);
      reluish = srdhm16(reluish, reluM);
      if (reluExp > 0) reluish = saturatingLeftShift16(reluish, 1);
      if (reluExp < 0) reluish = roundingDivideByPOT16(reluish, -reluExp);
      reluish = (reluish + 32768) >> 1;
      // SaturatingDoublingHighMul: truncating, not rounding.
      const pre = reluish === -32768 && preshiftOut === -32768 ? 32767 : toInt16(Math.trunc((reluish * preshiftOut) / 32768));
      let out = roundingDivideByPOT16(pre, -outExp) + outZp;
      out = Math.min(127, Math.max(-128, out));
      return out;
    };
    const table = new Int8Array(256);
    for (let q = -128; q <= 127; q++) table[q + 128] = kernel(q);
    return int8Table(input, output, table);
  },
};
