// Builds a runnable graph: prepares every op once (weights packed by the kernel layer), allocates one
// arena and the in-memory constants, then binds allocation-free run closures to fixed memory views.
import { ModelError } from '../errors.js';
import type { KernelRuntime } from '../kernels/api.js';
import type { TfliteModel } from '../tflite/model.js';
import { analyzeGraph, ARENA_ALIGNMENT, unsupportedOpsError, type GraphAnalysis } from './planner.js';
import { OP_REGISTRY } from './registry.js';
import type { GraphTensor, MemoryViews, OpContext, OpStep } from './types.js';
import { sameShape } from './op-utils.js';

export interface BuildOptions {
  fileName?: string;
  maxBytes: number;
  /** Debugging: no arena reuse, so every intermediate tensor stays readable after a run. */
  preserveAllTensors?: boolean;
}

export interface Graph {
  tensors: GraphTensor[];
  inputs: GraphTensor[];
  outputs: GraphTensor[];
  views: MemoryViews;
  arenaBytes: number;
  weightBytes: number;
  /** Runs every step in order; inputs must already be in place. */
  invoke(): void;
  /** The bound step of every op that does work, in execution order (per-layer timing: `i8x16 bench --layers`). */
  steps: readonly { opIndex: number; run: () => void }[];
}

/**
 * Checks what can be known without kernels: every op supported, graph well-formed, weights plus
 * arena within maxBytes. Cheap; loadModel runs it before instantiating any WebAssembly.
 */
export function preflightGraph(model: TfliteModel, options: BuildOptions): GraphAnalysis {
  const { fileName, maxBytes } = options;
  const analysis = analyzeGraph(model, fileName, options.preserveAllTensors);
  if (analysis.unsupported.length > 0) throw unsupportedOpsError(analysis.unsupported, fileName);
  if (analysis.weightBytes + analysis.arenaBytes > maxBytes) {
    throw new ModelError(
      `weights (${analysis.weightBytes} bytes) plus arena (${analysis.arenaBytes} bytes) exceed maxBytes (${maxBytes})`,
      { file: fileName });
  }
  return analysis;
}

export function buildGraph(model: TfliteModel, runtime: KernelRuntime, options: BuildOptions): Graph {
  const { fileName, maxBytes } = options;
  // Refuse before any kernel or arena memory is reserved.
  const analysis = preflightGraph(model, options);
  const { subgraph, tensors } = analysis;

  const steps: { opIndex: number; step: NonNullable<OpStep> }[] = [];
  for (const op of subgraph.operators) {
    const def = OP_REGISTRY.get(op.builtinCode)!;
    const ctx = makeContext(op.index, tensors, runtime, model, fileName);
    let step: OpStep;
    try {
      step = def.prepare(ctx);
    } catch (e) {
      // The kernel layer validates its arguments too; a refusal there is still a property of the model.
      if (e instanceof Error && e.name === 'KernelArgumentError') {
        throw new ModelError(`${op.opName}: kernel refused the op: ${e.message}`, { file: fileName, opIndex: op.index });
      }
      throw e;
    }
    if (step) steps.push({ opIndex: op.index, step });
  }

  const constantBytes = tensors.reduce((n, t) => n + (t.constantInMemory ? alignUp(t.byteLength) : 0), 0);
  runtime.reserveScratch();
  const kernelBytes = runtime.allocatedBytes;
  if (kernelBytes + analysis.arenaBytes + constantBytes > maxBytes) {
    throw new ModelError(
      `packed weights and scratch (${kernelBytes} bytes) plus arena (${analysis.arenaBytes}) and constants (${constantBytes}) exceed maxBytes (${maxBytes})`,
      { file: fileName });
  }
  const arenaBase = runtime.alloc(Math.max(analysis.arenaBytes, ARENA_ALIGNMENT));
  let constantCursor = constantBytes > 0 ? runtime.alloc(constantBytes) : 0;
  for (const t of tensors) {
    const offset = analysis.arenaOffsets[t.index]!;
    if (offset >= 0) t.ptr = arenaBase + offset;
    else if (t.constantInMemory) {
      t.ptr = constantCursor;
      constantCursor += alignUp(t.byteLength);
    }
  }

  // No allocation happens after this point, so these views stay valid for the model's life.
  const buffer = runtime.memory.buffer;
  const views: MemoryViews = {
    u8: new Uint8Array(buffer), i8: new Int8Array(buffer), i16: new Int16Array(buffer),
    i32: new Int32Array(buffer), f32: new Float32Array(buffer),
  };
  for (const t of tensors) {
    if (t.constant && t.ptr >= 0) views.u8.set(t.constant, t.ptr);
  }
  const runs = steps.map((s) => s.step(views));
  const count = runs.length;

  return {
    tensors,
    inputs: subgraph.inputs.map((i) => tensors[i]!),
    outputs: subgraph.outputs.map((i) => tensors[i]!),
    views,
    arenaBytes: analysis.arenaBytes,
    weightBytes: analysis.weightBytes,
    invoke() {
      for (let i = 0; i < count; i++) runs[i]!();
    },
    steps: steps.map((s, i) => ({ opIndex: s.opIndex, run: runs[i]! })),
  };
}

const alignUp = (n: number) => Math.ceil(Math.max(n, 1) / ARENA_ALIGNMENT) * ARENA_ALIGNMENT;

function makeContext(opIndex: number, tensors: GraphTensor[], runtime: KernelRuntime, model: TfliteModel, fileName?: string): OpContext {
  const op = model.subgraphs[0]!.operators[opIndex]!;
  const fail = (detail: string, tensorIndex?: number): never => {
    throw new ModelError(`${op.opName}: ${detail}`, { file: fileName, opIndex, tensorIndex });
  };
  const ctx: OpContext = {
    opIndex,
    op,
    runtime,
    fail,
    input(position) {
      const idx = op.inputs[position];
      if (idx === undefined || idx < 0) return fail(`input ${position} is missing`);
      return tensors[idx]!;
    },
    optionalInput(position) {
      const idx = op.inputs[position];
      return idx === undefined || idx < 0 ? null : tensors[idx]!;
    },
    output(position) {
      const idx = op.outputs[position];
      if (idx === undefined) return fail(`output ${position} is missing`);
      return tensors[idx]!;
    },
    expectCounts(minInputs, maxInputs, outputs) {
      const n = op.inputs.length;
      if (n < minInputs || n > maxInputs) {
        fail(`has ${n} inputs, expected ${minInputs === maxInputs ? minInputs : `${minInputs} to ${maxInputs}`}`);
      }
      if (op.outputs.length !== outputs) fail(`has ${op.outputs.length} outputs, expected ${outputs}`);
    },
    expectShape(tensor, shape) {
      if (!sameShape(tensor.shape, shape)) fail(`tensor shape is [${tensor.shape}], but the op produces [${shape}]`, tensor.index);
    },
    expectDtype(tensor, ...dtypes) {
      if (!dtypes.includes(tensor.dtype)) fail(`tensor is ${tensor.dtype}, expected ${dtypes.join(' or ')}`, tensor.index);
    },
    readInMemory(tensor) {
      if (tensor.constant) tensor.constantInMemory = true;
    },
    foldToConstant(tensor, bytes) {
      if (bytes.byteLength !== tensor.byteLength) fail(`folded constant has ${bytes.byteLength} bytes, expected ${tensor.byteLength}`, tensor.index);
      tensor.constant = bytes;
    },
  };
  return ctx;
}
