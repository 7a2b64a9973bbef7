// Public API of i8x16.
import { ModelError } from './errors.js';
import type { BackendChoice, WinogradChoice } from './kernels/api.js';
import { createKernelRuntime } from './kernels/runtime.js';
import { preflightGraph } from './graph/interpreter.js';
import { Model } from './model.js';
import { readTfliteModel } from './tflite/model.js';

export type { Build, BackendChoice, WinogradChoice } from './kernels/api.js';
export type { TensorData, TensorDType, TensorSpec } from './model.js';
export { Model, ModelError };

/** Default memory budget for weights plus activation arena. */
export const DEFAULT_MAX_BYTES = 1 << 30;

export interface LoadOptions {
  /** Kernel build: 'auto' (default) picks relaxed-SIMD, then SIMD, then scalar as the engine allows. */
  backend?: BackendChoice;
  /** Refuse (with ModelError) models whose weights plus arena exceed this many bytes. Default 1 GiB. */
  maxBytes?: number;
  /**
   * Also prepare the model for up to this many frames at once, for `model.runBatch(inputs, n)` (vectorised
   * environments). The batched model gets its own kernel instance (its own packed weights and arena).
   */
  maxBatch?: number;
  /**
   * Winograd for int8 convolutions in SIMD builds: 'auto' (default) runs the admissible variant with the fewest
   * multiplies; 'small' only 2×2-output tiles, whose transformed weights take less memory and cache; 'large' only
   * the 6×6-tile ones; 'off' the direct GEMM. Results are identical; only speed and memory differ.
   */
  winograd?: WinogradChoice;
  /**
   * Fully-connected layers skip input entries equal to the zero point (a ReLU's zeros) when at most 3/8 of a row
   * differs from it (default true; the DQN's FC1 59 → 19 µs). false saves the transposed weight copy this needs
   * (2 MiB for the DQN). Results are identical; only speed and memory differ.
   */
  sparseInputs?: boolean;
}

export type ModelSource = Uint8Array | ArrayBuffer | string | URL;

/**
 * Loads a .tflite model from bytes, a file path (Node) or a URL (fetch), prepares every op and
 * allocates all memory once. Throws ModelError for malformed or unsupported models.
 */
export async function loadModel(source: ModelSource, options: LoadOptions = {}): Promise<Model> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  if (!(maxBytes > 0)) throw new RangeError(`i8x16: maxBytes must be positive, got ${maxBytes}`);
  const { bytes, name } = await readSource(source, maxBytes);
  const description = readTfliteModel(bytes, { fileName: name, maxBytes });
  // Unsupported ops and the memory budget are checked before any WebAssembly is instantiated.
  preflightGraph(description, { fileName: name, maxBytes });
  const kernelOptions = { winograd: options.winograd, sparseInputs: options.sparseInputs };
  const runtime = await createKernelRuntime({ backend: options.backend ?? 'auto', ...kernelOptions });
  const maxBatch = options.maxBatch ?? 1;
  if (!Number.isInteger(maxBatch) || maxBatch < 1) throw new RangeError(`i8x16: maxBatch must be a positive integer, got ${maxBatch}`);
  const batch = maxBatch > 1 ? { runtime: await createKernelRuntime({ backend: runtime.build, ...kernelOptions }), maxBatch } : undefined;
  return new Model(description, runtime, { fileName: name, maxBytes, batch });
}

const isNode = typeof process !== 'undefined' && !!process.versions?.node;

async function readSource(source: ModelSource, maxBytes: number): Promise<{ bytes: Uint8Array; name?: string }> {
  if (source instanceof Uint8Array) return { bytes: source };
  if (source instanceof ArrayBuffer) return { bytes: new Uint8Array(source) };
  const isUrlString = typeof source === 'string' && /^(https?|data|blob):/i.test(source);
  if (isNode && (typeof source === 'string' ? !isUrlString : source.protocol === 'file:')) {
    return readNodeFile(source, maxBytes);
  }
  if (typeof source === 'string' || source instanceof URL) return fetchSource(String(source), maxBytes);
  throw new TypeError('i8x16: loadModel expects a Uint8Array, ArrayBuffer, file path or URL');
}

async function readNodeFile(path: string | URL, maxBytes: number): Promise<{ bytes: Uint8Array; name: string }> {
  // Imported lazily through a variable so browser bundlers neither include nor try to resolve it.
  const specifier = 'node:fs/promises';
  const fs = (await import(/* @vite-ignore */ /* webpackIgnore: true */ specifier)) as typeof import('node:fs/promises');
  const name = String(path);
  const info = await fs.stat(path);
  if (info.size > maxBytes) throw new ModelError(`file is ${info.size} bytes, more than maxBytes (${maxBytes})`, { file: name });
  return { bytes: new Uint8Array(await fs.readFile(path)), name };
}

async function fetchSource(url: string, maxBytes: number): Promise<{ bytes: Uint8Array; name: string }> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`i8x16: fetching ${url} failed with HTTP ${response.status}`);
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (declared > maxBytes) throw new ModelError(`file is ${declared} bytes, more than maxBytes (${maxBytes})`, { file: url });
  const bytes = new Uint8Array(await response.arrayBuffer());
  if (bytes.byteLength > maxBytes) throw new ModelError(`file is ${bytes.byteLength} bytes, more than maxBytes (${maxBytes})`, { file: url });
  return { bytes, name: url };
}
