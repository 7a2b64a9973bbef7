// Routing shared by CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED: which kernel family a
// (input, filter) dtype pair selects, and the parameter blocks of the kernel contract.
import type { FloatParams, HybridParams, QuantizedParams } from '../../kernels/api.js';
import { constantFloat32, constantInt32, constantInt8, floatActivationRange, quantizedActivationRange, requireQuantized } from '../op-utils.js';
import type { GraphTensor, OpContext } from '../types.js';

export type GemmFamily = 'f32' | 'hybrid' | 'qs8';

export function gemmFamily(ctx: OpContext, input: GraphTensor, filter: GraphTensor, output: GraphTensor): GemmFamily {
  if (!filter.constant) ctx.fail('filter/weights must be a constant tensor', filter.index);
  if (input.dtype === 'float32' && filter.dtype === 'float32') {
    ctx.expectDtype(output, 'float32');
    return 'f32';
  }
  if (input.dtype === 'float32' && filter.dtype === 'int8') {
    ctx.expectDtype(output, 'float32');
    return 'hybrid';
  }
  if (input.dtype === 'int8' && filter.dtype === 'int8') {
    ctx.expectDtype(output, 'int8');
    return 'qs8';
  }
  return ctx.fail(`input ${input.dtype} with filter ${filter.dtype} is not supported (float32/float32, float32/int8 or int8/int8)`);
}

/** Weight scales of a symmetric int8 filter, validated against the channel count and axis. */
export function filterScales(ctx: OpContext, filter: GraphTensor, channels: number, channelAxis: number): Float32Array {
  const q = filter.info.quantization;
  if (!q) ctx.fail('int8 filter has no quantization parameters', filter.index);
  for (const zp of q.zeroPoint) if (zp !== 0) ctx.fail(`filter zero point ${zp} must be 0 (symmetric weights)`, filter.index);
  for (const s of q.scale) if (!(s > 0) || !Number.isFinite(s)) ctx.fail(`filter scale ${s} must be positive and finite`, filter.index);
  if (q.scale.length !== 1) {
    if (q.scale.length !== channels) ctx.fail(`filter has ${q.scale.length} scales for ${channels} output channels`, filter.index);
    if (q.quantizedDimension !== channelAxis) {
      ctx.fail(`filter quantized_dimension is ${q.quantizedDimension}, expected ${channelAxis}`, filter.index);
    }
  }
  return Float32Array.from(q.scale);
}

function bias(ctx: OpContext, t: GraphTensor | null, channels: number, dtype: string): GraphTensor | null {
  if (!t) return null;
  if (!t.constant) ctx.fail('bias must be a constant tensor', t.index);
  ctx.expectDtype(t, dtype);
  if (t.elementCount !== channels) ctx.fail(`bias has ${t.elementCount} elements for ${channels} output channels`, t.index);
  return t;
}

export function floatParams(ctx: OpContext, filter: GraphTensor, biasT: GraphTensor | null, channels: number, activation: number): FloatParams {
  const b = bias(ctx, biasT, channels, 'float32');
  const range = floatActivationRange(ctx, activation);
  return { weights: constantFloat32(filter), bias: b ? constantFloat32(b) : null, activationMin: range.min, activationMax: range.max };
}

export function hybridParams(
  ctx: OpContext, filter: GraphTensor, biasT: GraphTensor | null, channels: number, channelAxis: number,
  activation: number, asymmetricQuantizeInputs: boolean,
): HybridParams {
  const b = bias(ctx, biasT, channels, 'float32');
  const range = floatActivationRange(ctx, activation);
  return {
    weights: constantInt8(filter),
    weightScales: filterScales(ctx, filter, channels, channelAxis),
    bias: b ? constantFloat32(b) : null,
    asymmetricQuantizeInputs,
    activationMin: range.min,
    activationMax: range.max,
  };
}

export function quantizedParams(
  ctx: OpContext, input: GraphTensor, filter: GraphTensor, biasT: GraphTensor | null, output: GraphTensor,
  channels: number, channelAxis: number, activation: number,
): QuantizedParams {
  requireQuantized(ctx, input);
  requireQuantized(ctx, output);
  const b = bias(ctx, biasT, channels, 'int32');
  const range = quantizedActivationRange(ctx, activation, output);
  return {
    weights: constantInt8(filter),
    bias: b ? constantInt32(b) : null,
    inputScale: input.scale,
    inputZeroPoint: input.zeroPoint,
    weightScales: filterScales(ctx, filter, channels, channelAxis),
    outputScale: output.scale,
    outputZeroPoint: output.zeroPoint,
    activationMin: range.min,
    activationMax: range.max,
  };
}
