// Shared types of the op layer: tensors as the planner sees them, and the op definition contract.
import type { KernelRuntime } from '../kernels/api.js';
import type { OperatorInfo, TensorInfo } from '../tflite/model.js';

export interface GraphTensor {
  index: number;
  info: TensorInfo;
  dtype: string;
  shape: number[];
  elementCount: number;
  byteLength: number;
  /** Constant bytes (a file view, or produced at load by folding); null for activations. */
  constant: Uint8Array | null;
  /** Per-tensor scale and zero point (first entry for per-channel tensors); 0/0 when not quantized. */
  scale: number;
  zeroPoint: number;
  /** Byte offset in kernel memory once planned; −1 until then (and for constants nobody reads there). */
  ptr: number;
  /** A constant that some op reads through kernel memory, so it must be copied in at load. */
  constantInMemory: boolean;
}

/** Typed views over the kernel memory. Built once after the last allocation; never rebuilt per run. */
export interface MemoryViews {
  u8: Uint8Array;
  i8: Int8Array;
  i16: Int16Array;
  i32: Int32Array;
  f32: Float32Array;
}

/** What an op returns from prepare: a binder producing the allocation-free run closure, or nothing
 *  when the op was folded into a load-time constant. */
export type OpStep = ((views: MemoryViews) => () => void) | null;

export interface OpContext {
  readonly opIndex: number;
  readonly op: OperatorInfo;
  readonly runtime: KernelRuntime;
  /** Throws ModelError naming this op (and optionally a tensor). */
  fail(detail: string, tensorIndex?: number): never;
  input(position: number): GraphTensor;
  optionalInput(position: number): GraphTensor | null;
  output(position: number): GraphTensor;
  expectCounts(minInputs: number, maxInputs: number, outputs: number): void;
  /** The declared output shape must equal what the op computes (it sizes the arena). */
  expectShape(tensor: GraphTensor, shape: readonly number[]): void;
  expectDtype(tensor: GraphTensor, ...dtypes: string[]): void;
  /** Marks a constant input that the op reads from kernel memory at run time. */
  readInMemory(tensor: GraphTensor): void;
  /** Replaces an output by a load-time constant (op folding). */
  foldToConstant(tensor: GraphTensor, bytes: Uint8Array): void;
}

export interface OpDefinition {
  name: string;
  prepare(ctx: OpContext): OpStep;
}
