// A copy of a batch-1 model description with batch n: every activation tensor [1, ...] becomes [n, ...] and
// RESHAPE targets follow. Preparing that copy sizes the arena for n frames at load and hands the kernels
// their real row count (convolutions im2col n images; FULLY_CONNECTED sees n rows and can run as a GEMM).
// Only ops whose batch dimension is independent are accepted, so the result equals n single-frame runs.
import { ModelError } from '../errors.js';
import type { ReshapeOptions } from '../tflite/options.js';
import type { OperatorInfo, TensorInfo, TfliteModel } from '../tflite/model.js';
import { BuiltinOp } from '../tflite/schema.js';

const BATCH_INDEPENDENT = new Set<number>([
  BuiltinOp.CONV_2D, BuiltinOp.DEPTHWISE_CONV_2D, BuiltinOp.FULLY_CONNECTED, BuiltinOp.RESHAPE,
  BuiltinOp.QUANTIZE, BuiltinOp.DEQUANTIZE, BuiltinOp.RELU, BuiltinOp.RELU6, BuiltinOp.LOGISTIC, BuiltinOp.TANH,
  BuiltinOp.SOFTMAX, BuiltinOp.MAX_POOL_2D, BuiltinOp.AVERAGE_POOL_2D, BuiltinOp.HARD_SWISH, BuiltinOp.LEAKY_RELU,
]);

export function rebatchModel(model: TfliteModel, n: number, fileName?: string): TfliteModel {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`i8x16: maxBatch must be a positive integer, got ${n}`);
  const sg = model.subgraphs[0]!;
  const refuse = (detail: string, opIndex?: number): never => {
    throw new ModelError(`maxBatch ${n}: ${detail}`, { file: fileName, opIndex });
  };
  if (model.subgraphs.length !== 1) refuse('models with more than one subgraph cannot be batched');
  for (const op of sg.operators) {
    if (!BATCH_INDEPENDENT.has(op.builtinCode)) refuse(`${op.opName} is not one of the ops batching supports`, op.index);
  }
  const tensors: TensorInfo[] = sg.tensors.map((t) => {
    if (t.data) return t;
    if (t.shape.length === 0 || t.shape[0] !== 1) refuse(`activation tensor ${t.name || t.index} has shape [${t.shape}], not [1, ...]`);
    return { ...t, shape: [n, ...t.shape.slice(1)], shapeSignature: null, elementCount: t.elementCount * n, byteLength: t.byteLength * n };
  });
  const operators: OperatorInfo[] = sg.operators.map((op) => {
    if (op.builtinCode !== BuiltinOp.RESHAPE) return op;
    const options = op.options as ReshapeOptions | null;
    const newShape = options?.newShape ? rebatchShape(options.newShape) : null;
    const shapeIdx = op.inputs[1];
    if (shapeIdx !== undefined && shapeIdx >= 0) {
      const t = tensors[shapeIdx]!;
      const data = t.data;
      if (!data || t.dtype !== 'int32') return refuse('RESHAPE with a computed shape input', op.index);
      const dims = new Int32Array(data.slice().buffer);
      const next = rebatchShape(Array.from(dims));
      tensors[shapeIdx] = { ...t, data: new Uint8Array(Int32Array.from(next).buffer) };
    }
    return { ...op, options: options ? { ...options, newShape } : options };
  });
  return { ...model, subgraphs: [{ ...sg, tensors, operators }] };

  // [1, ...] → [n, ...]; [-1, ...] already infers the batch
  function rebatchShape(shape: number[]): number[] {
    if (shape[0] === 1) return [n, ...shape.slice(1)];
    if (shape[0] === -1) return shape;
    return refuse(`RESHAPE to [${shape}] does not keep the batch dimension first`);
  }
}
