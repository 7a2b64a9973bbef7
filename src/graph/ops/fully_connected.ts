// FULLY_CONNECTED (tflite/kernels/fully_connected.cc): weights [out, in]; the input is flattened to
// [numel/in, in]; keep_num_dims keeps the leading input dims. Optional bias (input −1).
import type { FcGeometry, PreparedOp } from '../../kernels/api.js';
import type { FullyConnectedOptions } from '../../tflite/options.js';
import type { OpDefinition } from '../types.js';
import { floatParams, gemmFamily, hybridParams, quantizedParams } from './gemm-common.js';

export const fullyConnected: OpDefinition = {
  name: 'FULLY_CONNECTED',
  prepare(ctx) {
    ctx.expectCounts(2, 3, 1);
    const options = ctx.op.options as FullyConnectedOptions;
    if (options.weightsFormat !== 0) ctx.fail(`weights_format ${options.weightsFormat} (shuffled) is not supported`);
    const input = ctx.input(0);
    const weights = ctx.input(1);
    const bias = ctx.optionalInput(2);
    const output = ctx.output(0);
    if (weights.shape.length !== 2) ctx.fail(`weights must be 2-D [out, in], got [${weights.shape}]`, weights.index);
    const [outFeatures, inFeatures] = weights.shape as [number, number];
    if (!(outFeatures >= 1 && inFeatures >= 1 && input.elementCount >= 1)) ctx.fail('empty tensors are not supported');
    if (inFeatures === 0 || input.elementCount % inFeatures !== 0) {
      ctx.fail(`input of ${input.elementCount} elements is not a multiple of ${inFeatures} input features`);
    }
    const batch = input.elementCount / inFeatures;
    let expected: number[];
    if (options.keepNumDims) {
      if (input.shape[input.shape.length - 1] !== inFeatures) ctx.fail('keep_num_dims needs the input\'s last dimension to equal the weights\' input features');
      expected = [...input.shape.slice(0, -1), outFeatures];
    } else {
      expected = [batch, outFeatures];
    }
    ctx.expectShape(output, expected);
    const geom: FcGeometry = { batch, inFeatures, outFeatures };
    const family = gemmFamily(ctx, input, weights, output);
    const rt = ctx.runtime;
    let kernel: PreparedOp;
    if (family === 'f32') kernel = rt.fullyConnectedF32(geom, floatParams(ctx, weights, bias, outFeatures, options.activation));
    else if (family === 'qs8') {
      kernel = rt.fullyConnectedQS8(geom, quantizedParams(ctx, input, weights, bias, output, outFeatures, 0, options.activation));
    }
    else kernel = rt.fullyConnectedHybrid(geom, hybridParams(ctx, weights, bias, outFeatures, 0, options.activation, options.asymmetricQuantizeInputs));
    ctx.readInMemory(input);
    return () => () => kernel.run(input.ptr, output.ptr);
  },
};
