// What every runtime in bench/peers.ts runs: one set of model files made from ONE Keras weights file,
// the same input frames, and a float64 reference of the network computed from those weights.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { CarRacing } from '../../src/carracing/index.js';
import { rgbToGrayscale } from '../../src/policy/index.js';
import { matchSeedWeights, readKerasWeights } from '../../test/helpers/tfjs.js';

export const ROOT = join(import.meta.dirname, '..', '..');
const MODELS = join(ROOT, 'models');
const SEED = join(ROOT, 'test', 'fixtures', 'seed');
const FRAMES_NPY = join(ROOT, 'test', 'fixtures', 'frames', 'carracing_frames_gray.npy');
export const FRAME = 96 * 96;

export interface ModelSet {
  /** 'trained' (models/) or 'seed' (seed fixture: the architecture with seeded random weights) */
  kind: 'trained' | 'seed';
  weights: string;
  tflite: { float32?: string; 'dynamic-int8'?: string; int8?: string; int8io?: string };
  onnx: { float32?: string; int8?: string };
  /** Why the ONNX files are not used (built from other weights, missing). */
  onnxProblem?: string;
}

const have = (p: string) => (existsSync(p) ? p : undefined);
export const rel = (p: string) => relative(ROOT, p);
const sha256 = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');

export function findModels(): ModelSet {
  const trained = existsSync(join(MODELS, 'car_racing.weights.h5')) && existsSync(join(MODELS, 'car_racing_int8_floatio.tflite'));
  const set: ModelSet = trained
    ? {
        kind: 'trained', weights: join(MODELS, 'car_racing.weights.h5'),
        tflite: {
          float32: have(join(MODELS, 'car_racing_float32.tflite')),
          'dynamic-int8': have(join(MODELS, 'car_racing_dynamic_int8.tflite')),
          int8: have(join(MODELS, 'car_racing_int8_floatio.tflite')),
          int8io: have(join(MODELS, 'car_racing_int8.tflite')),
        },
        onnx: {},
      }
    : {
        kind: 'seed', weights: join(SEED, 'seed_random.weights.h5'),
        tflite: {
          // seed_float32.tflite is git-ignored (python/make_seed_fixtures.py regenerates it)
          float32: have(join(SEED, 'seed_float32.tflite')),
          'dynamic-int8': have(join(SEED, 'seed_dynamic_int8.tflite')),
          int8: have(join(SEED, 'seed_int8_fio.tflite')),
          int8io: have(join(SEED, 'seed_int8.tflite')),
        },
        onnx: {},
      };
  const manifestPath = join(MODELS, 'onnx', 'manifest.json');
  if (!existsSync(manifestPath)) {
    set.onnxProblem = 'models/onnx/manifest.json missing (run python/make_onnx.py)';
  } else {
    const m = JSON.parse(readFileSync(manifestPath, 'utf8')) as { weights: { sha256: string; file: string }; models: Record<string, { file: string }> };
    if (m.weights.sha256 !== sha256(set.weights)) {
      set.onnxProblem = `models/onnx was built from ${m.weights.file}, not ${rel(set.weights)} (re-run python/make_onnx.py)`;
    } else {
      set.onnx.float32 = have(join(MODELS, 'onnx', m.models.float32!.file));
      set.onnx.int8 = have(join(MODELS, 'onnx', m.models.int8!.file));
    }
  }
  return set;
}

/**
 * Input frames (uint8 N×96×96 grayscale): recorded CarRacing frames if present, else frames of the TypeScript
 * CarRacing-v3 env (4 seeds, a fixed steering/gas schedule, every 10th step after the opening zoom).
 */
export function loadFrames(max: number): { frames: Uint8Array[]; source: string } {
  if (!existsSync(FRAMES_NPY)) return envFrames(max);
  const buf = readFileSync(FRAMES_NPY);
  const headerLen = buf.readUInt16LE(8);
  const header = buf.subarray(10, 10 + headerLen).toString('latin1');
  if (!header.includes("'|u1'")) throw new Error(`${rel(FRAMES_NPY)}: expected uint8 frames, header ${header}`);
  const all = new Uint8Array(buf.buffer, buf.byteOffset + 10 + headerLen);
  const source = rel(FRAMES_NPY);
  const n = Math.floor(all.length / FRAME);
  const take = Math.min(max, n);
  // spread the picks over the whole recording
  const frames = Array.from({ length: take }, (_, i) => {
    const k = take === 1 ? 0 : Math.round((i * (n - 1)) / (take - 1));
    return all.slice(k * FRAME, (k + 1) * FRAME);
  });
  return { frames, source: `${source} (${take} of ${n})` };
}

function envFrames(max: number): { frames: Uint8Array[]; source: string } {
  const seeds = 4, perSeed = Math.ceil(max / seeds);
  const env = new CarRacing();
  const frames: Uint8Array[] = [];
  for (let seed = 0; seed < seeds && frames.length < max; seed++) {
    env.reset({ seed });
    for (let k = 0; frames.length < max && k < 60 + 10 * perSeed; k++) {
      const { observation } = env.step([0.5 * Math.sin(k / 20), k % 100 < 70 ? 0.4 : 0.0, k % 100 >= 90 ? 0.3 : 0.0]);
      if (k >= 60 && (k - 60) % 10 === 0) frames.push(rgbToGrayscale(observation));
    }
  }
  return { frames, source: `TypeScript CarRacing-v3 env, seeds 0-${seeds - 1}, every 10th step from step 60 (${frames.length} frames)` };
}

/** The policy's input: pixels / 255 as float32 (the seed's preprocessing), NHWC [1,96,96,1]. */
export const toFloat = (u8: Uint8Array): Float32Array => Float32Array.from(u8, (v) => v / 255);

/** Float64 forward pass of the Keras network (VALID convs, HWIO kernels, dense [in,out]): the argmax oracle. */
export async function floatReference(weightsFile: string): Promise<(x: Float32Array) => Float64Array> {
  const layers = matchSeedWeights(await readKerasWeights(weightsFile));
  const strides = [4, 2, 1];
  return (x) => {
    let act: Float64Array = Float64Array.from(x);
    let h = 96, w = 96, c = 1;
    for (let l = 0; l < 3; l++) {
      const { kernel, bias } = layers[l]!;
      const [kh, kw, , oc] = kernel.shape as [number, number, number, number];
      const s = strides[l]!;
      const oh = Math.floor((h - kh) / s) + 1, ow = Math.floor((w - kw) / s) + 1;
      const out = new Float64Array(oh * ow * oc);
      for (let y = 0; y < oh; y++) for (let xx = 0; xx < ow; xx++) for (let o = 0; o < oc; o++) {
        let acc = bias.data[o]!;
        for (let ky = 0; ky < kh; ky++) for (let kx = 0; kx < kw; kx++) for (let i = 0; i < c; i++) {
          acc += act[((y * s + ky) * w + (xx * s + kx)) * c + i]! * kernel.data[((ky * kw + kx) * c + i) * oc + o]!;
        }
        out[(y * ow + xx) * oc + o] = Math.max(0, acc);
      }
      act = out; h = oh; w = ow; c = oc;
    }
    for (let l = 3; l < 5; l++) {
      const { kernel, bias } = layers[l]!;
      const [nin, nout] = kernel.shape as [number, number];
      const out = new Float64Array(nout);
      for (let o = 0; o < nout; o++) {
        let acc = bias.data[o]!;
        for (let i = 0; i < nin; i++) acc += act[i]! * kernel.data[i * nout + o]!;
        out[o] = l === 3 ? Math.max(0, acc) : acc;
      }
      act = out;
    }
    return act;
  };
}

export function argmax(v: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i]! > v[best]!) best = i;
  return best;
}
