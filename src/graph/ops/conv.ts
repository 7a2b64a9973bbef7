// CONV_2D and DEPTHWISE_CONV_2D (tflite/kernels/conv.cc, depthwise_conv.cc). NHWC activations;
// filters OHWI [outC, kH, kW, inC] and [1, kH, kW, inC·multiplier]. The GEMM runs in the kernel layer.
import type { ConvGeometry, HybridParams, PreparedOp } from '../../kernels/api.js';
import type { ConvOptions, DepthwiseOptions } from '../../tflite/options.js';
import { paddedDim } from '../op-utils.js';
import type { GraphTensor, OpContext, OpDefinition, OpStep } from '../types.js';
import { floatParams, gemmFamily, hybridParams, quantizedParams } from './gemm-common.js';

function geometry(ctx: OpContext, options: ConvOptions | DepthwiseOptions, inputShape: number[], filterShape: number[], outC: number): ConvGeometry {
  if (inputShape.length !== 4) ctx.fail(`input must be 4-D NHWC, got shape [${inputShape}]`);
  if (filterShape.length !== 4) ctx.fail(`filter must be 4-D, got shape [${filterShape}]`);
  const [batch, inH, inW, inC] = inputShape as [number, number, number, number];
  const kH = filterShape[1]!;
  const kW = filterShape[2]!;
  const h = paddedDim(ctx, options.padding, inH, kH, options.strideH, options.dilationH);
  const w = paddedDim(ctx, options.padding, inW, kW, options.strideW, options.dilationW);
  for (const [name, v] of [['batch', batch], ['input height', inH], ['input width', inW], ['input depth', inC], ['output height', h.out], ['output width', w.out], ['output depth', outC]] as const) {
    if (!(v >= 1)) ctx.fail(`${name} is ${v}; empty tensors are not supported`);
  }
  return {
    batch, inH, inW, inC, outH: h.out, outW: w.out, outC, kH, kW,
    strideH: options.strideH, strideW: options.strideW, dilationH: options.dilationH, dilationW: options.dilationW,
    padTop: h.padBefore, padLeft: w.padBefore,
  };
}

function bindKernel(ctx: OpContext, kernel: PreparedOp): OpStep {
  const input = ctx.input(0);
  const output = ctx.output(0);
  ctx.readInMemory(input);
  return () => () => kernel.run(input.ptr, output.ptr);
}

export const conv2d: OpDefinition = {
  name: 'CONV_2D',
  prepare(ctx) {
    ctx.expectCounts(2, 3, 1);
    const options = ctx.op.options as ConvOptions;
    const input = ctx.input(0);
    const filter = ctx.input(1);
    const bias = ctx.optionalInput(2);
    const output = ctx.output(0);
    const outC = filter.shape[0]!;
    const geom = geometry(ctx, options, input.shape, filter.shape, outC);
    if (filter.shape[3] !== geom.inC) {
      ctx.fail(`filter input depth ${filter.shape[3]} differs from input depth ${geom.inC} (grouped convolution is not supported)`);
    }
    ctx.expectShape(output, [geom.batch, geom.outH, geom.outW, outC]);
    const family = gemmFamily(ctx, input, filter, output);
    const rt = ctx.runtime;
    let kernel: PreparedOp;
    if (family === 'f32') kernel = rt.conv2dF32(geom, floatParams(ctx, filter, bias, outC, options.activation));
    else if (family === 'qs8') kernel = rt.conv2dQS8(geom, quantizedParams(ctx, input, filter, bias, output, outC, 0, options.activation));
    else kernel = rt.conv2dHybrid(geom, convHybridParams(ctx, filter, bias, outC, 0, options.activation));
    return bindKernel(ctx, kernel);
  },
};

export const depthwiseConv2d: OpDefinition = {
  name: 'DEPTHWISE_CONV_2D',
  prepare(ctx) {
    ctx.expectCounts(2, 3, 1);
    const options = ctx.op.options as DepthwiseOptions;
    const input = ctx.input(0);
    const filter = ctx.input(1);
    const bias = ctx.optionalInput(2);
    const output = ctx.output(0);
    if (filter.shape.length === 4 && filter.shape[0] !== 1) ctx.fail(`depthwise filter must be [1, kH, kW, C], got [${filter.shape}]`, filter.index);
    const outC = filter.shape[3]!;
    const geom = geometry(ctx, options, input.shape, filter.shape, outC);
    // Current TFLite kernels derive the multiplier from the shapes, not from the (ignored) option.
    if (geom.inC === 0 || outC % geom.inC !== 0) ctx.fail(`filter depth ${outC} is not a multiple of input depth ${geom.inC}`);
    const dwGeom = { ...geom, depthMultiplier: outC / geom.inC };
    ctx.expectShape(output, [geom.batch, geom.outH, geom.outW, outC]);
    const family = gemmFamily(ctx, input, filter, output);
    const rt = ctx.runtime;
    let kernel: PreparedOp;
    if (family === 'f32') kernel = rt.depthwiseConv2dF32(dwGeom, floatParams(ctx, filter, bias, outC, options.activation));
    else if (family === 'qs8') kernel = rt.depthwiseConv2dQS8(dwGeom, quantizedParams(ctx, input, filter, bias, output, outC, 3, options.activation));
    else kernel = rt.depthwiseConv2dHybrid(dwGeom, convHybridParams(ctx, filter, bias, outC, 3, options.activation));
    return bindKernel(ctx, kernel);
  },
};

/**
 * Hybrid conv and depthwise (conv.cc, depthwise_conv.cc): the per-channel path (asymmetric per-batch input
 * quantization) is taken only when the filter has several distinct scales; otherwise per-tensor symmetric
 * with scale[0].
 */
function convHybridParams(
  ctx: OpContext, filter: GraphTensor, bias: GraphTensor | null, outC: number, channelAxis: number, activation: number,
): HybridParams {
  const params = hybridParams(ctx, filter, bias, outC, channelAxis, activation, false);
  const perChannel = params.weightScales.length > 1 && params.weightScales.some((s) => s !== params.weightScales[0]);
  if (perChannel) params.asymmetricQuantizeInputs = true;
  else params.weightScales = params.weightScales.subarray(0, 1);
  return params;
}
