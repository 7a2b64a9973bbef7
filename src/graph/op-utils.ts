// Helpers shared by op files: padding (tflite/kernels/padding.h), activation ranges
// (kernel_util.cc CalculateActivationRange*), constant access and broadcasting.
import { Activation, ACTIVATION_NAMES, Padding } from '../tflite/schema.js';
import { f32, roundHalfAway } from './fixed-point.js';
import type { GraphTensor, MemoryViews, OpContext } from './types.js';

export interface PaddedDim { out: number; padBefore: number }

/** Output size and leading pad for one spatial dimension. */
export function paddedDim(ctx: OpContext, padding: number, input: number, filter: number, stride: number, dilation: number): PaddedDim {
  if (!(stride >= 1)) ctx.fail(`stride ${stride} must be at least 1`);
  if (!(dilation >= 1)) ctx.fail(`dilation ${dilation} must be at least 1`);
  if (!(filter >= 1)) ctx.fail(`filter size ${filter} must be at least 1`);
  const effective = (filter - 1) * dilation + 1;
  let out: number;
  if (padding === Padding.SAME) out = Math.ceil(input / stride);
  else if (padding === Padding.VALID) out = Math.floor((input - effective + stride) / stride);
  else ctx.fail(`padding ${padding} is neither SAME (0) nor VALID (1)`);
  if (out! < 0) out = 0;
  const total = Math.max(0, (out! - 1) * stride + effective - input);
  return { out: out!, padBefore: Math.floor(total / 2) };
}

export interface FloatRange { min: number; max: number }

export function floatActivationRange(ctx: OpContext, activation: number): FloatRange {
  switch (activation) {
    case Activation.NONE: return { min: -Infinity, max: Infinity };
    case Activation.RELU: return { min: 0, max: Infinity };
    case Activation.RELU6: return { min: 0, max: 6 };
    case Activation.RELU_N1_TO_1: return { min: -1, max: 1 };
    default: return ctx.fail(`fused activation ${ACTIVATION_NAMES[activation] ?? activation} is not supported`);
  }
}

/** CalculateActivationRangeQuantized for an int8/uint8 output. */
export function quantizedActivationRange(ctx: OpContext, activation: number, output: GraphTensor): FloatRange {
  const qmin = output.dtype === 'uint8' ? 0 : -128;
  const qmax = output.dtype === 'uint8' ? 255 : 127;
  const q = (x: number) => output.zeroPoint + roundHalfAway(f32(x / output.scale));
  switch (activation) {
    case Activation.NONE: return { min: qmin, max: qmax };
    case Activation.RELU: return { min: Math.max(qmin, q(0)), max: qmax };
    case Activation.RELU6: return { min: Math.max(qmin, q(0)), max: Math.min(qmax, q(6)) };
    case Activation.RELU_N1_TO_1: return { min: Math.max(qmin, q(-1)), max: Math.min(qmax, q(1)) };
    default: return ctx.fail(`fused activation ${ACTIVATION_NAMES[activation] ?? activation} is not supported`);
  }
}

export function requireQuantized(ctx: OpContext, t: GraphTensor): void {
  if (!t.info.quantization) ctx.fail(`${t.dtype} tensor has no quantization parameters`, t.index);
  if (t.info.quantization.perChannel) ctx.fail('per-channel quantization is only supported for weights', t.index);
  if (!(t.scale > 0) || !Number.isFinite(t.scale)) ctx.fail(`scale ${t.scale} must be positive and finite`, t.index);
  const [lo, hi] = t.dtype === 'uint8' ? [0, 255] : t.dtype === 'int8' ? [-128, 127] : [-(2 ** 31), 2 ** 31 - 1];
  if (t.zeroPoint < lo || t.zeroPoint > hi) ctx.fail(`zero point ${t.zeroPoint} is outside the ${t.dtype} range`, t.index);
}

function copyAligned<T>(bytes: Uint8Array, ctor: { new (buffer: ArrayBuffer, offset: number, length: number): T; new (length: number): T; BYTES_PER_ELEMENT: number }): T {
  const n = bytes.byteLength / ctor.BYTES_PER_ELEMENT;
  // A misaligned file view cannot back a typed array; copy into a fresh aligned buffer (load time only).
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return new ctor(copy.buffer, 0, n);
}

export function constantInt8(t: GraphTensor): Int8Array {
  const c = t.constant!;
  return new Int8Array(c.buffer, c.byteOffset, c.byteLength);
}
export function constantInt32(t: GraphTensor): Int32Array { return copyAligned(t.constant!, Int32Array); }
export function constantFloat32(t: GraphTensor): Float32Array { return copyAligned(t.constant!, Float32Array); }
export function constantInt64AsNumbers(t: GraphTensor): number[] {
  const c = t.constant!;
  const view = new DataView(c.buffer, c.byteOffset, c.byteLength);
  const out: number[] = [];
  for (let i = 0; i < c.byteLength / 8; i++) out.push(Number(view.getBigInt64(8 * i, true)));
  return out;
}
/** An int32 or int64 constant read as plain numbers (shapes, paddings, axes). */
export function constantIntegers(ctx: OpContext, t: GraphTensor): number[] {
  if (!t.constant) ctx.fail('must be a constant tensor', t.index);
  if (t.dtype === 'int32') return Array.from(constantInt32(t));
  if (t.dtype === 'int64') return constantInt64AsNumbers(t);
  return ctx.fail(`must be int32 or int64, got ${t.dtype}`, t.index);
}

/** Broadcast shape of two tensors (numpy rules), or a ModelError. */
export function broadcastShape(ctx: OpContext, a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) ctx.fail(`shapes [${a}] and [${b}] cannot be broadcast`);
    out.push(da === 1 ? db : da);
  }
  return out;
}

/** Element index maps for broadcasting: out[i] reads a[indexA[i]] and b[indexB[i]]. Built at load. */
export function broadcastIndices(a: readonly number[], b: readonly number[], out: readonly number[]): [Int32Array, Int32Array] {
  const n = out.reduce((x, y) => x * y, 1);
  const rank = out.length;
  const strides = (shape: readonly number[]) => {
    const s = new Array<number>(rank).fill(0);
    let acc = 1;
    for (let i = rank - 1; i >= 0; i--) {
      const d = shape[shape.length - rank + i] ?? 1;
      s[i] = d === 1 ? 0 : acc;
      acc *= d;
    }
    return s;
  };
  const sa = strides(a);
  const sb = strides(b);
  const ia = new Int32Array(n);
  const ib = new Int32Array(n);
  const idx = new Array<number>(rank).fill(0);
  for (let i = 0; i < n; i++) {
    let oa = 0;
    let ob = 0;
    for (let d = 0; d < rank; d++) { oa += idx[d]! * sa[d]!; ob += idx[d]! * sb[d]!; }
    ia[i] = oa;
    ib[i] = ob;
    for (let d = rank - 1; d >= 0; d--) {
      if (++idx[d]! < out[d]!) break;
      idx[d] = 0;
    }
  }
  return [ia, ib];
}

const MOVED_ELEMENT_BYTES: Readonly<Record<string, 1 | 2 | 4>> = { float32: 4, int32: 4, int16: 2, int8: 1, uint8: 1 };

/**
 * For ops that move elements unchanged (TRANSPOSE, STRIDED_SLICE, TILE, the resizes): the element size in bytes.
 * Quantized values are copied as stored, so the output must carry the input's scale and zero point.
 */
export function movedElementBytes(ctx: OpContext, input: GraphTensor, output: GraphTensor): 1 | 2 | 4 {
  ctx.expectDtype(output, input.dtype);
  const size = MOVED_ELEMENT_BYTES[input.dtype];
  if (size === undefined) ctx.fail(`${input.dtype} tensors are not supported (float32, int32, int16, int8 or uint8)`, input.index);
  if (input.dtype !== 'float32' && input.dtype !== 'int32') {
    requireQuantized(ctx, input);
    requireQuantized(ctx, output);
    if (input.scale !== output.scale || input.zeroPoint !== output.zeroPoint) ctx.fail('output must share the input\'s scale and zero point', output.index);
  }
  return size;
}

/** The view that holds elements of `size` bytes, and the tensor's element offset in it. */
export function elementView(v: MemoryViews, size: 1 | 2 | 4, t: GraphTensor): [Int32Array | Int16Array | Uint8Array, number] {
  return size === 4 ? [v.i32, t.ptr >> 2] : size === 2 ? [v.i16, t.ptr >> 1] : [v.u8, t.ptr];
}

/** Row-major element strides of a shape. */
export function elementStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) strides[i] = strides[i + 1]! * shape[i + 1]!;
  return strides;
}

/**
 * The run step of an op that writes its output densely, in order, from a strided view of its input: output
 * axis d has counts[d] elements, one apart by steps[d] input elements (0 repeats), the first at input element
 * `first`. TRANSPOSE (permuted strides), STRIDED_SLICE (scaled strides) and TILE (each axis split into repeats of
 * step 0 and the input axis) are all this walk.
 */
export function stridedCopyStep(input: GraphTensor, output: GraphTensor, size: 1 | 2 | 4, first: number, steps: readonly number[], counts: readonly number[]) {
  const rank = counts.length, n = product(counts);
  const step = Int32Array.from(steps), count = Int32Array.from(counts), counter = new Int32Array(rank);
  return (v: MemoryViews) => {
    const [x, pin] = elementView(v, size, input);
    const pout = elementView(v, size, output)[1];
    return () => {
      counter.fill(0);
      let src = pin + first;
      for (let e = 0; e < n; e++) {
        x[pout + e] = x[src]!;
        // odometer over the output axes, innermost first
        for (let d = rank - 1; d >= 0; d--) {
          src += step[d]!;
          if (++counter[d]! < count[d]!) break;
          src -= step[d]! * count[d]!;
          counter[d] = 0;
        }
      }
    };
  };
}

/** broadcastIndices, or [null, null] when neither input broadcasts (element i reads element i). */
export function broadcastMaps(a: readonly number[], b: readonly number[], out: readonly number[]): [Int32Array | null, Int32Array | null] {
  return sameShape(a, out) && sameShape(b, out) ? [null, null] : broadcastIndices(a, b, out);
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

export function product(shape: readonly number[]): number {
  return shape.reduce((x, y) => x * y, 1);
}
