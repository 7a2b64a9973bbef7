// Builtin op code → op definition. One entry per supported op; everything else is reported as
// unsupported (all at once) when a model is loaded.
import { BuiltinOp } from '../tflite/schema.js';
import { hardSwish, leakyRelu, logistic, prelu, relu, relu0To1, relu6, reluN1To1, tanh } from './ops/activations.js';
import { concatenation } from './ops/concat.js';
import { conv2d, depthwiseConv2d } from './ops/conv.js';
import { add, mul, sub } from './ops/elementwise.js';
import { fullyConnected } from './ops/fully_connected.js';
import { maximum, minimum } from './ops/maximum_minimum.js';
import { mean, reduceMax, reduceMin } from './ops/reduce.js';
import { pad, padV2 } from './ops/pad.js';
import { averagePool2d, maxPool2d } from './ops/pooling.js';
import { dequantize, quantize } from './ops/quantize.js';
import { reshape } from './ops/reshape.js';
import { resizeBilinear, resizeNearestNeighbor } from './ops/resize.js';
import { softmax } from './ops/softmax.js';
import { stridedSlice } from './ops/strided_slice.js';
import { tile } from './ops/tile.js';
import { transpose } from './ops/transpose.js';
import type { OpDefinition } from './types.js';

export const OP_REGISTRY: ReadonlyMap<number, OpDefinition> = new Map<number, OpDefinition>([
  [BuiltinOp.CONV_2D, conv2d],
  [BuiltinOp.DEPTHWISE_CONV_2D, depthwiseConv2d],
  [BuiltinOp.FULLY_CONNECTED, fullyConnected],
  [BuiltinOp.MAX_POOL_2D, maxPool2d],
  [BuiltinOp.AVERAGE_POOL_2D, averagePool2d],
  [BuiltinOp.ADD, add],
  [BuiltinOp.SUB, sub],
  [BuiltinOp.MUL, mul],
  [BuiltinOp.MAXIMUM, maximum],
  [BuiltinOp.MINIMUM, minimum],
  [BuiltinOp.LOGISTIC, logistic],
  [BuiltinOp.TANH, tanh],
  [BuiltinOp.RELU, relu],
  [BuiltinOp.RELU6, relu6],
  [BuiltinOp.RELU_N1_TO_1, reluN1To1],
  [BuiltinOp.RELU_0_TO_1, relu0To1],
  [BuiltinOp.LEAKY_RELU, leakyRelu],
  [BuiltinOp.PRELU, prelu],
  [BuiltinOp.HARD_SWISH, hardSwish],
  [BuiltinOp.SOFTMAX, softmax],
  [BuiltinOp.RESHAPE, reshape],
  [BuiltinOp.TRANSPOSE, transpose],
  [BuiltinOp.TILE, tile],
  [BuiltinOp.STRIDED_SLICE, stridedSlice],
  [BuiltinOp.RESIZE_NEAREST_NEIGHBOR, resizeNearestNeighbor],
  [BuiltinOp.RESIZE_BILINEAR, resizeBilinear],
  [BuiltinOp.QUANTIZE, quantize],
  [BuiltinOp.DEQUANTIZE, dequantize],
  [BuiltinOp.CONCATENATION, concatenation],
  [BuiltinOp.PAD, pad],
  [BuiltinOp.PADV2, padV2],
  [BuiltinOp.MEAN, mean],
  [BuiltinOp.REDUCE_MAX, reduceMax],
  [BuiltinOp.REDUCE_MIN, reduceMin],
]);
