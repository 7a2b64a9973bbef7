// Batching a batch-1 model for runBatch. The model is cut before its first FULLY_CONNECTED layer when the
// rest of the graph depends on the layers before it only through that layer's input (the CarRacing CNN:
// convolutions | flatten → FC → FC). The part before the cut runs frame by frame in the single-frame graph,
// where each frame's activations stay in cache; the part after it is prepared for n rows, so the weights of
// the fully-connected layers are read once per batch (one GEMM) instead of once per frame. Without such a
// cut the whole model is batched. Either way the result equals n single-frame runs, bit for bit.
import { ModelError } from '../errors.js';
import type { ReshapeOptions } from '../tflite/options.js';
import type { OperatorInfo, TensorInfo, TfliteModel } from '../tflite/model.js';
import { BuiltinOp } from '../tflite/schema.js';

const BATCH_INDEPENDENT = new Set<number>([
  BuiltinOp.CONV_2D, BuiltinOp.DEPTHWISE_CONV_2D, BuiltinOp.FULLY_CONNECTED, BuiltinOp.RESHAPE,
  BuiltinOp.QUANTIZE, BuiltinOp.DEQUANTIZE, BuiltinOp.RELU, BuiltinOp.RELU6, BuiltinOp.LOGISTIC, BuiltinOp.TANH,
  BuiltinOp.SOFTMAX, BuiltinOp.MAX_POOL_2D, BuiltinOp.AVERAGE_POOL_2D, BuiltinOp.HARD_SWISH, BuiltinOp.LEAKY_RELU,
]);

export interface BatchPlan {
  /** Ops [0, cutOp) run per frame in the single-frame graph (0: no per-frame part). */
  cutOp: number;
  /** The tensor crossing the cut (input of the batched part), or null when the whole model is batched. */
  boundary: number | null;
  /** The batched part: ops [cutOp, end), re-indexed from 0, with batch n. */
  batched: TfliteModel;
}

export function planBatch(model: TfliteModel, n: number, fileName?: string): BatchPlan {
  const sg = model.subgraphs[0]!;
  const cut = findCut(model);
  if (cut === null) return { cutOp: 0, boundary: null, batched: rebatchModel(model, n, fileName) };
  const { op: cutOp, tensor } = cut;
  const operators = sg.operators.slice(cutOp).map((op, i) => ({ ...op, index: i }));
  const suffix: TfliteModel = { ...model, subgraphs: [{ ...sg, inputs: [tensor], operators }] };
  return { cutOp, boundary: tensor, batched: rebatchModel(suffix, n, fileName) };
}

/** The first FULLY_CONNECTED op whose input is the only tensor the later ops take from earlier ones. */
function findCut(model: TfliteModel): { op: number; tensor: number } | null {
  if (model.subgraphs.length !== 1) return null;
  const sg = model.subgraphs[0]!;
  const producer = new Int32Array(sg.tensors.length).fill(-1);
  sg.operators.forEach((op) => { for (const t of op.outputs) producer[t] = op.index; });
  for (const op of sg.operators) {
    if (op.builtinCode !== BuiltinOp.FULLY_CONNECTED || op.index === 0) continue;
    const t = op.inputs[0]!;
    if (t < 0 || sg.tensors[t]!.data || producer[t]! < 0) continue;
    const later = sg.operators.slice(op.index);
    const crossing = later.every((o) => o.inputs.every((i) => i < 0 || i === t || !!sg.tensors[i]!.data || producer[i]! >= op.index));
    const outputsLater = sg.outputs.every((o) => producer[o]! >= op.index);
    if (crossing && outputsLater && !sg.outputs.includes(t)) return { op: op.index, tensor: t };
  }
  return null;
}

/**
 * A copy of a batch-1 description with batch n: every activation tensor the ops use, [1, ...], becomes
 * [n, ...] and RESHAPE targets follow. Only ops whose batch dimension is independent are accepted.
 */
export function rebatchModel(model: TfliteModel, n: number, fileName?: string): TfliteModel {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`i8x16: maxBatch must be a positive integer, got ${n}`);
  const sg = model.subgraphs[0]!;
  const refuse = (detail: string, opIndex?: number): never => {
    throw new ModelError(`maxBatch ${n}: ${detail}`, { file: fileName, opIndex });
  };
  if (model.subgraphs.length !== 1) refuse('models with more than one subgraph cannot be batched');
  const used = new Set<number>(sg.inputs);
  for (const op of sg.operators) {
    if (!BATCH_INDEPENDENT.has(op.builtinCode)) refuse(`${op.opName} is not one of the ops batching supports`, op.index);
    for (const t of [...op.inputs, ...op.outputs]) if (t >= 0) used.add(t);
  }
  const tensors: TensorInfo[] = sg.tensors.map((t) => {
    if (t.data || !used.has(t.index)) return t;
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
