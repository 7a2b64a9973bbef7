// Memory planner: execution order is the file's op order (as TFLite executes it); every activation
// tensor gets a lifetime [first write, last read] and an offset in ONE arena, reusing space of tensors
// whose lifetimes do not overlap (greedy by size, like TFLite's greedy memory planner).
import { ModelError } from '../errors.js';
import type { SubgraphInfo, TfliteModel } from '../tflite/model.js';
import { BuiltinOp } from '../tflite/schema.js';
import { OP_REGISTRY } from './registry.js';
import type { GraphTensor } from './types.js';

export const ARENA_ALIGNMENT = 16;

export interface UnsupportedOp { opIndex: number; name: string }

export interface GraphAnalysis {
  subgraph: SubgraphInfo;
  tensors: GraphTensor[];
  /** Byte offset of each arena tensor inside the arena (−1 for constants and unused tensors). */
  arenaOffsets: Int32Array;
  arenaBytes: number;
  /** Constant bytes in the file plus bytes produced by folding at load. */
  weightBytes: number;
  unsupported: UnsupportedOp[];
}

const alignUp = (n: number) => Math.ceil(n / ARENA_ALIGNMENT) * ARENA_ALIGNMENT;

export function makeGraphTensors(subgraph: SubgraphInfo): GraphTensor[] {
  return subgraph.tensors.map((info) => ({
    index: info.index,
    info,
    dtype: info.dtype,
    shape: info.shape,
    elementCount: info.elementCount,
    byteLength: info.byteLength,
    constant: info.data,
    scale: info.quantization?.scale[0] ?? 0,
    zeroPoint: info.quantization?.zeroPoint[0] ?? 0,
    ptr: -1,
    constantInMemory: false,
  }));
}

/**
 * Static analysis shared by loading and `inspect`: unsupported ops, lifetimes, arena layout.
 * `preserveAllTensors` gives every tensor its own arena space (debugging, like TFLite's option).
 */
export function analyzeGraph(model: TfliteModel, fileName?: string, preserveAllTensors = false): GraphAnalysis {
  const subgraph = model.subgraphs[0]!;
  const tensors = makeGraphTensors(subgraph);
  const fail = (detail: string, opIndex?: number, tensorIndex?: number): never => {
    throw new ModelError(detail, { file: fileName, opIndex, tensorIndex });
  };
  // Only subgraph 0 runs: further subgraphs belong to control-flow ops (IF, WHILE, CALL_ONCE),
  // which are reported as unsupported below.
  const unsupported: UnsupportedOp[] = [];
  for (const op of subgraph.operators) {
    if (!OP_REGISTRY.has(op.builtinCode)) unsupported.push({ opIndex: op.index, name: op.opName });
  }

  for (const t of tensors) {
    if (t.info.isSparse) fail('sparse tensors (SparsityParameters) are not supported', undefined, t.index);
    if (t.info.isVariable) fail('variable tensors (stateful models) are not supported', undefined, t.index);
  }

  const opCount = subgraph.operators.length;
  const firstWrite = new Int32Array(tensors.length).fill(-2);
  const lastRead = new Int32Array(tensors.length).fill(-2);
  // Predicted folding: DEQUANTIZE of a constant becomes a constant (float16 / int8 weights).
  const constantAfterLoad = tensors.map((t) => t.constant !== null);
  for (const idx of subgraph.inputs) {
    if (constantAfterLoad[idx]) fail('a subgraph input must not be a constant tensor', undefined, idx);
    firstWrite[idx] = -1;
  }
  let foldedBytes = 0;
  for (const op of subgraph.operators) {
    for (const idx of op.inputs) {
      if (idx < 0 || constantAfterLoad[idx]) continue;
      if (firstWrite[idx] === -2) fail('reads a tensor that no earlier op or subgraph input produces', op.index, idx);
      lastRead[idx] = op.index;
    }
    const folds = op.builtinCode === BuiltinOp.DEQUANTIZE && op.inputs.length === 1 && op.inputs[0]! >= 0 && constantAfterLoad[op.inputs[0]!];
    for (const idx of op.outputs) {
      if (constantAfterLoad[idx] || firstWrite[idx] !== -2) fail('output tensor is written twice or is a constant', op.index, idx);
      if (folds) {
        constantAfterLoad[idx] = true;
        foldedBytes += tensors[idx]!.byteLength;
      } else {
        firstWrite[idx] = op.index;
        lastRead[idx] = Math.max(lastRead[idx]!, op.index);
      }
    }
  }
  for (const idx of subgraph.outputs) {
    if (constantAfterLoad[idx]) continue; // a constant output is copied into the arena at load
    if (firstWrite[idx] === -2) fail('subgraph output is never produced', undefined, idx);
    lastRead[idx] = opCount;
  }
  for (const idx of subgraph.outputs) {
    if (constantAfterLoad[idx]) { firstWrite[idx] = -1; lastRead[idx] = opCount; }
  }

  // Greedy placement, largest first; ties keep tensor order so layouts are deterministic.
  const arenaOffsets = new Int32Array(tensors.length).fill(-1);
  // Everything written (or a subgraph input) needs space; never-written tensors are constants or unused.
  const live = tensors.filter((t) => firstWrite[t.index]! !== -2);
  live.sort((a, b) => b.byteLength - a.byteLength || a.index - b.index);
  const placed: { start: number; end: number; first: number; last: number }[] = [];
  let arenaBytes = 0;
  for (const t of live) {
    const first = firstWrite[t.index]!;
    const last = Math.max(lastRead[t.index]!, first);
    const size = alignUp(Math.max(t.byteLength, 1));
    const conflicts = placed
      .filter((p) => preserveAllTensors || (p.first <= last && first <= p.last))
      .sort((a, b) => a.start - b.start);
    let offset = 0;
    for (const c of conflicts) {
      if (offset + size <= c.start) break;
      offset = Math.max(offset, c.end);
    }
    placed.push({ start: offset, end: offset + size, first, last });
    arenaOffsets[t.index] = offset;
    arenaBytes = Math.max(arenaBytes, offset + size);
  }

  return { subgraph, tensors, arenaOffsets, arenaBytes, weightBytes: model.weightBytes + foldedBytes, unsupported };
}

export function unsupportedOpsError(unsupported: UnsupportedOp[], fileName?: string): ModelError {
  const list = unsupported.map((u) => `${u.name} (op ${u.opIndex})`).join(', ');
  return new ModelError(`${unsupported.length} unsupported op(s): ${list}`, { file: fileName, opIndex: unsupported[0]!.opIndex });
}
