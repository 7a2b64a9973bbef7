// Builtin options for the ops this runtime knows. The op code decides which options table is
// expected; an absent table means every field takes its schema default (e.g. padding SAME).
import type { FlatBufferReader, Table } from './flatbuffer.js';
import { BuiltinOp, OptionsType } from './schema.js';

export interface ConvOptions {
  kind: 'conv2d';
  padding: number; strideW: number; strideH: number; activation: number;
  dilationW: number; dilationH: number;
}
export interface DepthwiseOptions {
  kind: 'depthwise';
  padding: number; strideW: number; strideH: number; depthMultiplier: number; activation: number;
  dilationW: number; dilationH: number;
}
export interface PoolOptions {
  kind: 'pool';
  padding: number; strideW: number; strideH: number; filterW: number; filterH: number; activation: number;
}
export interface FullyConnectedOptions {
  kind: 'fullyConnected';
  activation: number; weightsFormat: number; keepNumDims: boolean; asymmetricQuantizeInputs: boolean;
}
export interface SoftmaxOptions { kind: 'softmax'; beta: number }
export interface ConcatenationOptions { kind: 'concatenation'; axis: number; activation: number }
export interface ActivationOnlyOptions { kind: 'activation'; activation: number }
export interface ReshapeOptions { kind: 'reshape'; newShape: number[] | null }
export interface ReducerOptions { kind: 'reducer'; keepDims: boolean }
export interface LeakyReluOptions { kind: 'leakyRelu'; alpha: number }
export interface ResizeOptions { kind: 'resize'; alignCorners: boolean; halfPixelCenters: boolean }
export interface StridedSliceOptions {
  kind: 'stridedSlice';
  beginMask: number; endMask: number; ellipsisMask: number; newAxisMask: number; shrinkAxisMask: number; offset: boolean;
}
export interface EmptyOptions { kind: 'none' }

export type BuiltinOptions =
  | ConvOptions | DepthwiseOptions | PoolOptions | FullyConnectedOptions | SoftmaxOptions
  | ConcatenationOptions | ActivationOnlyOptions | ReshapeOptions | ReducerOptions | LeakyReluOptions
  | ResizeOptions | StridedSliceOptions | EmptyOptions;

const EXPECTED_OPTIONS: Record<number, number> = {
  [BuiltinOp.CONV_2D]: OptionsType.Conv2DOptions,
  [BuiltinOp.DEPTHWISE_CONV_2D]: OptionsType.DepthwiseConv2DOptions,
  [BuiltinOp.AVERAGE_POOL_2D]: OptionsType.Pool2DOptions,
  [BuiltinOp.MAX_POOL_2D]: OptionsType.Pool2DOptions,
  [BuiltinOp.FULLY_CONNECTED]: OptionsType.FullyConnectedOptions,
  [BuiltinOp.SOFTMAX]: OptionsType.SoftmaxOptions,
  [BuiltinOp.CONCATENATION]: OptionsType.ConcatenationOptions,
  [BuiltinOp.ADD]: OptionsType.AddOptions,
  [BuiltinOp.SUB]: OptionsType.SubOptions,
  [BuiltinOp.MUL]: OptionsType.MulOptions,
  [BuiltinOp.MAXIMUM]: OptionsType.MaximumMinimumOptions,
  [BuiltinOp.MINIMUM]: OptionsType.MaximumMinimumOptions,
  [BuiltinOp.TRANSPOSE]: OptionsType.TransposeOptions,
  [BuiltinOp.TILE]: OptionsType.TileOptions,
  [BuiltinOp.STRIDED_SLICE]: OptionsType.StridedSliceOptions,
  [BuiltinOp.RESIZE_NEAREST_NEIGHBOR]: OptionsType.ResizeNearestNeighborOptions,
  [BuiltinOp.RESIZE_BILINEAR]: OptionsType.ResizeBilinearOptions,
  [BuiltinOp.RESHAPE]: OptionsType.ReshapeOptions,
  [BuiltinOp.MEAN]: OptionsType.ReducerOptions,
  [BuiltinOp.REDUCE_MAX]: OptionsType.ReducerOptions,
  [BuiltinOp.REDUCE_MIN]: OptionsType.ReducerOptions,
  [BuiltinOp.LEAKY_RELU]: OptionsType.LeakyReluOptions,
  [BuiltinOp.PAD]: OptionsType.PadOptions,
  [BuiltinOp.PADV2]: OptionsType.PadV2Options,
  [BuiltinOp.QUANTIZE]: OptionsType.QuantizeOptions,
  [BuiltinOp.DEQUANTIZE]: OptionsType.DequantizeOptions,
  [BuiltinOp.HARD_SWISH]: OptionsType.HardSwishOptions,
};

/**
 * Parses the options of a known op; returns null for ops this runtime has no options schema for.
 * `table` is null when the options are absent, giving schema defaults.
 */
export function parseBuiltinOptions(
  r: FlatBufferReader, builtinCode: number, optionsType: number, table: Table | null, opIndex: number,
): BuiltinOptions | null {
  const expected = EXPECTED_OPTIONS[builtinCode];
  if (expected === undefined) return null;
  if (optionsType !== 0 && optionsType !== expected) {
    r.fail(`builtin_options_type ${optionsType} does not match the op (expected ${expected})`, { opIndex });
  }
  const t = optionsType === 0 ? null : table;
  const i32 = (slot: number, dflt: number, name: string) => (t ? r.fieldI32(t, slot, dflt, name) : dflt);
  const i8 = (slot: number, dflt: number, name: string) => (t ? r.fieldI8(t, slot, dflt, name) : dflt);
  const bool = (slot: number, name: string) => (t ? r.fieldBool(t, slot, false, name) : false);
  const f32 = (slot: number, dflt: number, name: string) => (t ? r.fieldF32(t, slot, dflt, name) : dflt);

  switch (expected) {
    case OptionsType.Conv2DOptions:
      return {
        kind: 'conv2d', padding: i8(0, 0, 'padding'), strideW: i32(1, 0, 'stride_w'), strideH: i32(2, 0, 'stride_h'),
        activation: i8(3, 0, 'fused_activation_function'),
        dilationW: i32(4, 1, 'dilation_w_factor'), dilationH: i32(5, 1, 'dilation_h_factor'),
      };
    case OptionsType.DepthwiseConv2DOptions:
      return {
        kind: 'depthwise', padding: i8(0, 0, 'padding'), strideW: i32(1, 0, 'stride_w'), strideH: i32(2, 0, 'stride_h'),
        depthMultiplier: i32(3, 0, 'depth_multiplier'), activation: i8(4, 0, 'fused_activation_function'),
        dilationW: i32(5, 1, 'dilation_w_factor'), dilationH: i32(6, 1, 'dilation_h_factor'),
      };
    case OptionsType.Pool2DOptions:
      return {
        kind: 'pool', padding: i8(0, 0, 'padding'), strideW: i32(1, 0, 'stride_w'), strideH: i32(2, 0, 'stride_h'),
        filterW: i32(3, 0, 'filter_width'), filterH: i32(4, 0, 'filter_height'),
        activation: i8(5, 0, 'fused_activation_function'),
      };
    case OptionsType.FullyConnectedOptions:
      return {
        kind: 'fullyConnected', activation: i8(0, 0, 'fused_activation_function'),
        weightsFormat: i8(1, 0, 'weights_format'), keepNumDims: bool(2, 'keep_num_dims'),
        asymmetricQuantizeInputs: bool(3, 'asymmetric_quantize_inputs'),
      };
    case OptionsType.SoftmaxOptions:
      return { kind: 'softmax', beta: f32(0, 0, 'beta') };
    case OptionsType.ConcatenationOptions:
      return { kind: 'concatenation', axis: i32(0, 0, 'axis'), activation: i8(1, 0, 'fused_activation_function') };
    case OptionsType.AddOptions:
    case OptionsType.SubOptions:
    case OptionsType.MulOptions:
      return { kind: 'activation', activation: i8(0, 0, 'fused_activation_function') };
    case OptionsType.ReshapeOptions:
      return { kind: 'reshape', newShape: t ? r.fieldI32Array(t, 0, 'new_shape') : null };
    case OptionsType.ReducerOptions:
      return { kind: 'reducer', keepDims: bool(0, 'keep_dims') };
    case OptionsType.StridedSliceOptions:
      return {
        kind: 'stridedSlice', beginMask: i32(0, 0, 'begin_mask'), endMask: i32(1, 0, 'end_mask'),
        ellipsisMask: i32(2, 0, 'ellipsis_mask'), newAxisMask: i32(3, 0, 'new_axis_mask'),
        shrinkAxisMask: i32(4, 0, 'shrink_axis_mask'), offset: bool(5, 'offset'),
      };
    case OptionsType.ResizeBilinearOptions:
      // slots 0 and 1 are the deprecated new_height / new_width
      return { kind: 'resize', alignCorners: bool(2, 'align_corners'), halfPixelCenters: bool(3, 'half_pixel_centers') };
    case OptionsType.ResizeNearestNeighborOptions:
      return { kind: 'resize', alignCorners: bool(0, 'align_corners'), halfPixelCenters: bool(1, 'half_pixel_centers') };
    case OptionsType.LeakyReluOptions:
      return { kind: 'leakyRelu', alpha: f32(0, 0, 'alpha') };
    default:
      return { kind: 'none' };
  }
}
