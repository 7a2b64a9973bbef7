// The loaded-model object behind the public API: validates I/O, copies inputs into the arena,
// runs the prepared graph and hands back views of the output tensors.
import { ModelError } from './errors.js';
import { buildGraph, type Graph } from './graph/interpreter.js';
import { planBatch } from './graph/rebatch.js';
import type { GraphTensor } from './graph/types.js';
import type { Build, KernelRuntime } from './kernels/api.js';
import type { TfliteModel } from './tflite/model.js';

export type TensorDType = 'float32' | 'int8' | 'uint8' | 'int32';
export type TensorData = Float32Array | Int8Array | Uint8Array | Int32Array;

export interface TensorSpec {
  name: string;
  shape: readonly number[];
  dtype: TensorDType;
  /** Present for quantized (int8/uint8) tensors: real = scale · (q − zeroPoint). */
  scale?: number;
  zeroPoint?: number;
}

const ARRAY_TYPES = {
  float32: Float32Array, int8: Int8Array, uint8: Uint8Array, int32: Int32Array,
} as const;

export interface ModelOptions {
  fileName?: string;
  maxBytes: number;
  /** For runBatch: a second kernel instance in which the model is prepared for `maxBatch` frames. */
  batch?: { runtime: KernelRuntime; maxBatch: number };
}

interface BatchState {
  /** The batched part of the model (all of it when there is no per-frame part), in its own kernel instance. */
  graph: Graph;
  runtime: KernelRuntime;
  maxBatch: number;
  /** Steps of the single-frame graph run for each frame before the batched part (empty: all batched). */
  perFrame: (() => void)[];
  /** The tensor crossing into the batched part, as bytes of the single-frame graph's memory. */
  boundary: Uint8Array | null;
  /** The batched part's input as bytes: row f at f · boundary.length. */
  batchInput: Uint8Array | null;
  inputViews: TensorData[];
  outputViews: TensorData[];
  /** Views of the first n frames of each output, made once per n. */
  outputsFor: Map<number, readonly TensorData[]>;
}

/**
 * A loaded model. `run` is synchronous and allocation-free: it returns views into buffers that the
 * next `run` overwrites, so copy a result (e.g. `out.slice()`) if you need to keep it.
 */
export class Model {
  readonly inputs: readonly TensorSpec[];
  readonly outputs: readonly TensorSpec[];
  /** Which kernel build runs this model. */
  readonly backend: Build;
  /** Constant (weight) bytes of the model, after load-time folding. */
  readonly weightBytes: number;
  /** Bytes of the activation arena. */
  readonly arenaBytes: number;

  #graph: Graph | null;
  #runtime: KernelRuntime | null;
  #inputViews: TensorData[];
  #outputViews: TensorData[];
  #batch: BatchState | null = null;
  /** Largest n `runBatch` accepts (the `maxBatch` load option; 1 when it was not given). */
  readonly maxBatch: number;

  /** @internal Use `loadModel`; this binds an already-read model to a kernel runtime. */
  constructor(description: TfliteModel, runtime: KernelRuntime, options: ModelOptions) {
    const graph = buildGraph(description, runtime, options);
    const spec = (t: GraphTensor, role: string): TensorSpec => {
      if (!(t.dtype in ARRAY_TYPES)) {
        throw new ModelError(`${role} ${t.info.name || t.index} has type ${t.dtype}; only float32, int8, uint8 and int32 are supported`, { file: options.fileName, tensorIndex: t.index });
      }
      const s: TensorSpec = { name: t.info.name, shape: Object.freeze(t.shape.slice()), dtype: t.dtype as TensorDType };
      if (t.info.quantization && (t.dtype === 'int8' || t.dtype === 'uint8')) {
        s.scale = t.scale;
        s.zeroPoint = t.zeroPoint;
      }
      return Object.freeze(s);
    };
    this.inputs = Object.freeze(graph.inputs.map((t) => spec(t, 'input')));
    this.outputs = Object.freeze(graph.outputs.map((t) => spec(t, 'output')));
    const view = (t: GraphTensor): TensorData => {
      const Ctor = ARRAY_TYPES[t.dtype as TensorDType];
      return new Ctor(runtime.memory.buffer, t.ptr, t.elementCount);
    };
    this.#inputViews = graph.inputs.map(view);
    this.#outputViews = graph.outputs.map(view);
    Object.freeze(this.#outputViews);
    this.backend = runtime.build;
    this.weightBytes = graph.weightBytes;
    this.arenaBytes = graph.arenaBytes;
    this.maxBatch = options.batch?.maxBatch ?? 1;
    if (options.batch) {
      // Prepared from the file's description before the constants are dropped below.
      const b = options.batch;
      const plan = planBatch(description, b.maxBatch, options.fileName);
      const bg = buildGraph(plan.batched, b.runtime, options);
      const bview = (t: GraphTensor): TensorData => new ARRAY_TYPES[t.dtype as TensorDType](b.runtime.memory.buffer, t.ptr, t.elementCount);
      for (const t of bg.tensors) {
        t.constant = null;
        t.info = { ...t.info, data: null };
      }
      const cross = plan.boundary === null ? null : graph.tensors[plan.boundary]!;
      this.#batch = {
        graph: bg, runtime: b.runtime, maxBatch: b.maxBatch,
        perFrame: graph.steps.filter((st) => st.opIndex < plan.cutOp).map((st) => st.run),
        boundary: cross && new Uint8Array(runtime.memory.buffer, cross.ptr, cross.byteLength),
        batchInput: cross && new Uint8Array(b.runtime.memory.buffer, bg.inputs[0]!.ptr, bg.inputs[0]!.byteLength),
        inputViews: bg.inputs.map(bview), outputViews: bg.outputs.map(bview), outputsFor: new Map(),
      };
    }
    // The file is no longer needed: constants now live in kernel memory or packed weights. Dropping
    // every view into it lets a caller's large model buffer be garbage-collected.
    for (const t of graph.tensors) {
      t.constant = null;
      t.info = { ...t.info, data: null };
    }
    this.#graph = graph;
    this.#runtime = runtime;
  }

  /**
   * Runs the model.
   * - `run(input)`: single-input, single-output models; returns the output array.
   * - `run([inputs...])`: any model; returns the outputs in the subgraph's output order.
   * Inputs must have exactly the dtype's array type and element count of `model.inputs`.
   * Quantized inputs and outputs are raw integers (see `scale` / `zeroPoint`).
   * The returned arrays are views into memory reused by the next call (no allocation per call).
   */
  run(input: TensorData): TensorData;
  run(inputs: readonly TensorData[]): readonly TensorData[];
  run(input: TensorData | readonly TensorData[]): TensorData | readonly TensorData[] {
    const graph = this.#graph;
    if (!graph) throw new Error('i8x16: this model has been disposed');
    if (Array.isArray(input)) {
      if (input.length !== this.inputs.length) {
        throw new RangeError(`i8x16: model has ${this.inputs.length} input(s), got ${input.length}`);
      }
      for (let i = 0; i < input.length; i++) this.#copyIn(i, input[i]!);
      graph.invoke();
      return this.#outputViews;
    }
    if (this.inputs.length !== 1 || this.outputs.length !== 1) {
      throw new RangeError(`i8x16: model has ${this.inputs.length} input(s) and ${this.outputs.length} output(s); call run([inputs...]) instead`);
    }
    this.#copyIn(0, input as TensorData);
    graph.invoke();
    return this.#outputViews[0]!;
  }

  /**
   * Runs `n` frames at once (vectorised environments): each input holds the n frames back to back
   * (n × the element count of `model.inputs[i]`), and each output holds n results back to back.
   * Needs `loadModel(..., { maxBatch })` with maxBatch ≥ n. The layers before the first fully-connected one
   * run frame by frame; from there on the model is prepared for maxBatch rows (int8 fully-connected layers:
   * the input features many rows share as one GEMM, the rest row by row), and that part costs as much for a
   * smaller n as for maxBatch. Results equal n `run` calls.
   * Returned arrays are views reused by the next call.
   */
  runBatch(input: TensorData, n: number): TensorData;
  runBatch(inputs: readonly TensorData[], n: number): readonly TensorData[];
  runBatch(input: TensorData | readonly TensorData[], n: number): TensorData | readonly TensorData[] {
    if (!this.#graph) throw new Error('i8x16: this model has been disposed');
    const b = this.#batch;
    if (!b) throw new Error('i8x16: runBatch needs loadModel(source, { maxBatch }) with maxBatch > 1');
    if (!Number.isInteger(n) || n < 1 || n > b.maxBatch) throw new RangeError(`i8x16: runBatch n must be an integer in 1..${b.maxBatch} (maxBatch), got ${n}`);
    const list = Array.isArray(input) ? input as readonly TensorData[] : [input as TensorData];
    if (list.length !== this.inputs.length) throw new RangeError(`i8x16: model has ${this.inputs.length} input(s), got ${list.length}`);
    if (!Array.isArray(input) && this.outputs.length !== 1) throw new RangeError('i8x16: model has several outputs; call runBatch([inputs...], n) instead');
    for (let i = 0; i < list.length; i++) {
      const data = list[i]!;
      this.#checkType(i, data);
      const per = this.#inputViews[i]!.length;
      if (data.length !== n * per) {
        throw new RangeError(`i8x16: runBatch input ${i} ("${this.inputs[i]!.name}") needs ${n} × ${per} elements, got ${data.length}`);
      }
    }
    if (b.boundary && b.batchInput) {
      const bytes = b.boundary.length;
      for (let f = 0; f < n; f++) {
        for (let i = 0; i < list.length; i++) {
          const per = this.#inputViews[i]!.length;
          (this.#inputViews[i] as Float32Array).set((list[i] as Float32Array).subarray(f * per, (f + 1) * per));
        }
        for (let s = 0; s < b.perFrame.length; s++) b.perFrame[s]!();
        b.batchInput.set(b.boundary, f * bytes);
      }
    } else {
      for (let i = 0; i < list.length; i++) (b.inputViews[i] as Float32Array).set(list[i] as Float32Array);
    }
    b.graph.invoke();
    let outs = b.outputsFor.get(n);
    if (!outs) {
      outs = Object.freeze(b.outputViews.map((v, i) => v.subarray(0, n * this.#outputViews[i]!.length)));
      b.outputsFor.set(n, outs);
    }
    return Array.isArray(input) ? outs : outs[0]!;
  }

  #checkType(index: number, data: TensorData): void {
    const spec = this.inputs[index]!;
    const Ctor = ARRAY_TYPES[spec.dtype];
    if (!(data instanceof Ctor)) {
      const got = data === null || typeof data !== 'object' ? typeof data : (data as object).constructor?.name ?? 'object';
      throw new TypeError(`i8x16: input ${index} ("${spec.name}") must be a ${Ctor.name} (${spec.dtype}), got ${got}`);
    }
  }

  #copyIn(index: number, data: TensorData): void {
    const spec = this.inputs[index]!;
    const target = this.#inputViews[index]!;
    const Ctor = ARRAY_TYPES[spec.dtype];
    if (!(data instanceof Ctor)) {
      const got = data === null || typeof data !== 'object' ? typeof data : (data as object).constructor?.name ?? 'object';
      throw new TypeError(`i8x16: input ${index} ("${spec.name}") must be a ${Ctor.name} (${spec.dtype}), got ${got}`);
    }
    if (data.length !== target.length) {
      throw new RangeError(`i8x16: input ${index} ("${spec.name}") needs ${target.length} elements for shape [${spec.shape}], got ${data.length}`);
    }
    (target as Float32Array).set(data as Float32Array);
  }

  /** Bytes of WebAssembly linear memory this model holds (kernel code data, packed weights, arena). */
  get memoryBytes(): number {
    return (this.#runtime?.memory.buffer.byteLength ?? 0) + (this.#batch?.runtime.memory.buffer.byteLength ?? 0);
  }

  /** Releases the model's memory; later `run` calls throw. */
  dispose(): void {
    this.#graph = null;
    this.#runtime = null;
    this.#inputViews = [];
    this.#outputViews = [];
    this.#batch = null;
  }
}
