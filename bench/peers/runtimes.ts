// One adapter per peer runtime: load a model once, then `run(x)` = bind the float32 NHWC frame, infer,
// read the 5 logits back to JS. Every adapter runs single-threaded at batch 1.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as TF from '@tensorflow/tfjs';
import { loadModel } from '../../src/index.js';
import type { Build } from '../../src/kernels/api.js';
import { matchSeedWeights, readKerasWeights, SEED_ARCH } from '../../test/helpers/tfjs.js';
import { rel, type ModelSet } from './inputs.js';
import { shimLiteRt, shimTfjsTflite } from './shims.js';

export type Runtime = 'i8x16' | 'tfjs-cpu' | 'tfjs-wasm' | 'tfjs-node' | 'ort-node' | 'ort-web' | 'litert' | 'tfjs-tflite';
export type DType = 'float32' | 'int8' | 'dynamic-int8';

export interface Peer {
  runtime: Runtime;
  build?: Build;
  dtype: DType;
  file: string;
  /** Untimed: switch global state (tfjs backend) before a timed call. */
  before?: () => Promise<void> | void;
  run: (x: Float32Array) => ArrayLike<number> | Promise<ArrayLike<number>>;
}

export interface Skipped { runtime: Runtime | string; dtype?: DType; build?: string; reason: string }

const require = createRequire(import.meta.url);
/** A package's directory (some packages do not export their package.json: walk up from the main file). */
function pkgDir(name: string): string {
  try { return dirname(require.resolve(`${name}/package.json`)); } catch { /* not exported */ }
  let dir = dirname(require.resolve(name));
  while (!existsSync(join(dir, 'package.json')) || (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string }).name !== name) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`no package.json for ${name}`);
    dir = up;
  }
  return dir;
}
const pkgVersion = (name: string) => (JSON.parse(readFileSync(join(pkgDir(name), 'package.json'), 'utf8')) as { version: string }).version;
const errText = (e: unknown) => (e instanceof Error ? e.message : String(e)).split('\n')[0]!.slice(0, 160);

export const versions: Record<string, string> = {};
function noteVersion(name: string): void {
  try { versions[name] = pkgVersion(name); } catch { /* not installed */ }
}

// ------------------------------------------------------------------ i8x16

export async function i8x16Peers(models: ModelSet, builds: Build[], skipped: Skipped[]): Promise<Peer[]> {
  const out: Peer[] = [];
  for (const build of builds) {
    for (const dtype of ['int8', 'dynamic-int8', 'float32'] as const) {
      const file = models.tflite[dtype];
      if (!file) { skipped.push({ runtime: 'i8x16', build, dtype, reason: 'model file missing' }); continue; }
      try {
        const model = await loadModel(file, { backend: build });
        if (model.backend !== build) throw new Error(`asked for ${build}, got ${model.backend}`);
        out.push({ runtime: 'i8x16', build, dtype, file: rel(file), run: (x) => model.run(x) as Float32Array });
      } catch (e) {
        skipped.push({ runtime: 'i8x16', build, dtype, reason: errText(e) });
      }
    }
  }
  return out;
}

// ------------------------------------------------------------------ tfjs (cpu / wasm / node)

async function tfjsLayersModel(tf: typeof TF, weightsFile: string): Promise<TF.LayersModel> {
  const matched = matchSeedWeights(await readKerasWeights(weightsFile));
  const model = tf.sequential();
  SEED_ARCH.forEach((l, i) => {
    if (l.kind === 'conv') {
      model.add(tf.layers.conv2d({
        filters: l.filters, kernelSize: l.kernel, strides: l.stride, padding: 'valid', activation: l.activation,
        ...(i === 0 ? { batchInputShape: [1, 96, 96, 1] } : {}),
      }));
    } else {
      if (SEED_ARCH[i - 1]!.kind === 'conv') model.add(tf.layers.flatten());
      model.add(tf.layers.dense({ units: l.units, activation: l.activation }));
    }
  });
  model.setWeights(matched.flatMap(({ kernel, bias }) => [tf.tensor(kernel.data, kernel.shape), tf.tensor(bias.data, bias.shape)]));
  return model;
}

function tfjsRun(tf: typeof TF, model: TF.LayersModel) {
  return (x: Float32Array) => {
    const y = tf.tidy(() => model.predict(tf.tensor4d(x, [1, 96, 96, 1])) as TF.Tensor);
    const data = y.dataSync();
    y.dispose();
    return data as Float32Array;
  };
}

export async function tfjsPeers(models: ModelSet, skipped: Skipped[]): Promise<Peer[]> {
  const out: Peer[] = [];
  // tfjs-node cannot install on this network (its install script downloads libtensorflow); used when present.
  try {
    const name = '@tensorflow/tfjs-node';
    const tfn = (await import(name)) as typeof TF;
    await tfn.ready();
    noteVersion(name);
    const model = await tfjsLayersModel(tfn, models.weights);
    out.push({ runtime: 'tfjs-node', dtype: 'float32', file: rel(models.weights), run: tfjsRun(tfn, model) });
  } catch (e) {
    skipped.push({ runtime: 'tfjs-node', dtype: 'float32', reason: `does not load: ${errText(e)}` });
  }
  const tf = await import('@tensorflow/tfjs');
  noteVersion('@tensorflow/tfjs');
  await import('@tensorflow/tfjs-backend-wasm');
  noteVersion('@tensorflow/tfjs-backend-wasm');
  for (const backend of ['cpu', 'wasm'] as const) {
    try {
      if (!(await tf.setBackend(backend))) throw new Error(`setBackend('${backend}') failed`);
      await tf.ready();
      // a LayersModel's weights live in the backend that was active when they were created
      const model = await tfjsLayersModel(tf, models.weights);
      out.push({
        runtime: backend === 'cpu' ? 'tfjs-cpu' : 'tfjs-wasm', dtype: 'float32', file: rel(models.weights),
        before: async () => { if (tf.getBackend() !== backend) await tf.setBackend(backend); },
        run: tfjsRun(tf, model),
      });
    } catch (e) {
      skipped.push({ runtime: `tfjs-${backend}`, dtype: 'float32', reason: errText(e) });
    }
  }
  return out;
}

/** The tfjs module the adapters above use (tfjs-tflite runs on the same tfjs-core). */
export const tfjsModule = () => import('@tensorflow/tfjs');

// ------------------------------------------------------------------ onnxruntime (node native, web wasm)

export async function ortPeers(models: ModelSet, skipped: Skipped[]): Promise<Peer[]> {
  const out: Peer[] = [];
  if (models.onnxProblem) {
    for (const runtime of ['ort-node', 'ort-web'] as const) skipped.push({ runtime, reason: models.onnxProblem });
    return out;
  }
  // Both packages share one onnxruntime-common: EP 'cpu' is the native addon, 'wasm' is onnxruntime-web.
  for (const runtime of ['ort-node', 'ort-web'] as const) {
    let ort: typeof import('onnxruntime-web');
    try {
      ort = (runtime === 'ort-node' ? await import('onnxruntime-node') : await import('onnxruntime-web')) as typeof import('onnxruntime-web');
      noteVersion(runtime === 'ort-node' ? 'onnxruntime-node' : 'onnxruntime-web');
      if (runtime === 'ort-web') { ort.env.wasm.numThreads = 1; ort.env.wasm.proxy = false; }
    } catch (e) {
      skipped.push({ runtime, reason: `does not load: ${errText(e)}` });
      continue;
    }
    for (const dtype of ['float32', 'int8'] as const) {
      const file = models.onnx[dtype];
      if (!file) { skipped.push({ runtime, dtype, reason: 'model file missing' }); continue; }
      try {
        const session = await ort.InferenceSession.create(new Uint8Array(readFileSync(file)), {
          executionProviders: [runtime === 'ort-node' ? 'cpu' : 'wasm'],
          intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all',
        });
        const [inName] = session.inputNames;
        const [outName] = session.outputNames;
        out.push({
          runtime, dtype, file: rel(file),
          run: async (x) => {
            const r = await session.run({ [inName!]: new ort.Tensor('float32', x, [1, 96, 96, 1]) });
            return r[outName!]!.data as Float32Array;
          },
        });
      } catch (e) {
        skipped.push({ runtime, dtype, reason: errText(e) });
      }
    }
  }
  return out;
}

// ------------------------------------------------------------------ LiteRT.js and tfjs-tflite (browser packages)

export async function liteRtPeers(models: ModelSet, skipped: Skipped[]): Promise<Peer[]> {
  const out: Peer[] = [];
  try {
    const dir = join(pkgDir('@litertjs/core'), 'wasm');
    shimLiteRt(dir);
    const litert = await import('@litertjs/core');
    noteVersion('@litertjs/core');
    await litert.loadLiteRt(`${dir}/`);
    for (const dtype of ['float32', 'int8', 'dynamic-int8'] as const) {
      const file = models.tflite[dtype];
      if (!file) { skipped.push({ runtime: 'litert', dtype, reason: 'model file missing' }); continue; }
      try {
        const model = await litert.loadAndCompile(new Uint8Array(readFileSync(file)), { accelerator: 'wasm', cpuOptions: { numThreads: 1 } });
        out.push({
          runtime: 'litert', dtype, file: rel(file),
          run: async (x) => {
            const input = new litert.Tensor(x, [1, 96, 96, 1]);
            const [y] = await model.run([input]);
            const data = y!.toTypedArray() as Float32Array;
            input.delete();
            y!.delete();
            return data;
          },
        });
      } catch (e) {
        skipped.push({ runtime: 'litert', dtype, reason: errText(e) });
      }
    }
  } catch (e) {
    skipped.push({ runtime: 'litert', reason: `does not load: ${errText(e)}` });
  }
  return out;
}

export async function tfjsTflitePeers(models: ModelSet, skipped: Skipped[]): Promise<Peer[]> {
  const out: Peer[] = [];
  try {
    const tf = await tfjsModule();
    const wasmDir = join(pkgDir('@tensorflow/tfjs-tflite'), 'wasm');
    const url = await shimTfjsTflite(wasmDir);
    const tflite = await import('@tensorflow/tfjs-tflite');
    noteVersion('@tensorflow/tfjs-tflite');
    tflite.setWasmPath(url);
    for (const dtype of ['float32', 'int8', 'dynamic-int8'] as const) {
      const file = models.tflite[dtype];
      if (!file) { skipped.push({ runtime: 'tfjs-tflite', dtype, reason: 'model file missing' }); continue; }
      try {
        const bytes = readFileSync(file);
        const model = await tflite.loadTFLiteModel(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer, { numThreads: 1 });
        out.push({
          runtime: 'tfjs-tflite', dtype, file: rel(file),
          // tensors are created on whichever tfjs backend is active; tfjs-tflite copies them into its own wasm
          run: (x) => {
            const y = tf.tidy(() => model.predict(tf.tensor4d(x, [1, 96, 96, 1])) as TF.Tensor);
            const data = y.dataSync() as Float32Array;
            y.dispose();
            return data;
          },
        });
      } catch (e) {
        skipped.push({ runtime: 'tfjs-tflite', dtype, reason: errText(e) });
      }
    }
  } catch (e) {
    skipped.push({ runtime: 'tfjs-tflite', reason: `does not load: ${errText(e)}` });
  }
  return out;
}
