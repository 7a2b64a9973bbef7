// The float32 reference row of `i8x16 table`: the seed's Keras network (.weights.h5) run by tfjs. tfjs and h5wasm
// are dev dependencies, imported through variables so tsup leaves them external and the library never needs them.
// Backend: tfjs-backend-wasm when it loads, else cpu (tfjs-node is not installable everywhere); I8X16_TFJS_BACKEND overrides.
import { logitsPolicy, type Policy } from '../policy/episode.js';

type Tf = typeof import('@tensorflow/tfjs');

async function importOptional<T>(specifier: string): Promise<T> {
  return (await import(/* @vite-ignore */ specifier)) as T;
}

interface H5Var { path: string; shape: number[]; data: Float32Array }

async function readKerasWeights(file: string): Promise<H5Var[]> {
  const h5wasm = (await importOptional<{ default: typeof import('h5wasm') }>('h5wasm/node')).default;
  await h5wasm.ready;
  const f = new h5wasm.File(file, 'r');
  try {
    const out: H5Var[] = [];
    const walk = (group: InstanceType<typeof h5wasm.Group>, prefix: string): void => {
      for (const key of group.keys()) {
        const item = group.get(key);
        const path = prefix ? `${prefix}/${key}` : key;
        if (item instanceof h5wasm.Group) walk(item, path);
        else if (item instanceof h5wasm.Dataset && item.value instanceof Float32Array) out.push({ path, shape: item.shape ?? [], data: item.value });
      }
    };
    walk(f, '');
    return out;
  } finally {
    f.close();
  }
}

// The seed's network (python/common.py build_model); Keras layouts: conv HWIO, dense [in, out].
const ARCH = [
  { conv: true, filters: 32, kernel: 8, stride: 4, shape: [8, 8, 1, 32] },
  { conv: true, filters: 64, kernel: 4, stride: 2, shape: [4, 4, 32, 64] },
  { conv: true, filters: 64, kernel: 3, stride: 1, shape: [3, 3, 64, 64] },
  { conv: false, units: 512, shape: [4096, 512] },
  { conv: false, units: 5, shape: [512, 5] },
] as const;

export interface TfjsFloat {
  policy: Policy;
  /** '@tensorflow/tfjs <version> (<backend>)' */
  engine: string;
  loadMs: number;
}

/** Loads the Keras weights into a tfjs model; throws if tfjs or h5wasm are not installed. */
export async function loadTfjsFloat(weightsFile: string): Promise<TfjsFloat> {
  const t0 = performance.now();
  const tf = await importOptional<Tf>('@tensorflow/tfjs');
  const want = process.env.I8X16_TFJS_BACKEND;
  let backend = '';
  for (const b of want ? [want] : ['wasm', 'cpu']) {
    try {
      if (b === 'wasm') await importOptional('@tensorflow/tfjs-backend-wasm');
      if (await tf.setBackend(b)) { await tf.ready(); backend = tf.getBackend(); break; }
    } catch {
      // next backend
    }
  }
  if (!backend) throw new Error(`no usable tfjs backend (tried ${want ?? 'wasm, cpu'})`);

  // Keras 3 keeps a layer's kernel at <layer>/vars/0 and bias at <layer>/vars/1; layer names vary between
  // saving sessions, so layers are found by kernel shape (unique in this architecture)
  const vars = await readKerasWeights(weightsFile);
  const same = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((v, i) => v === b[i]);
  const weights = ARCH.flatMap((l) => {
    const kernel = vars.filter((v) => v.path.endsWith('/0') && same(v.shape, l.shape));
    if (kernel.length !== 1) throw new Error(`${weightsFile}: expected one kernel of shape [${l.shape}], found ${kernel.length}`);
    const bias = vars.find((v) => v.path === `${kernel[0]!.path.slice(0, -2)}/1`);
    if (!bias) throw new Error(`${weightsFile}: no bias next to ${kernel[0]!.path}`);
    return [tf.tensor(kernel[0]!.data, kernel[0]!.shape, 'float32'), tf.tensor(bias.data, bias.shape, 'float32')];
  });
  const model = tf.sequential();
  ARCH.forEach((l, i) => {
    if (l.conv) {
      model.add(tf.layers.conv2d({ filters: l.filters, kernelSize: l.kernel, strides: l.stride, padding: 'valid', activation: 'relu', ...(i === 0 ? { batchInputShape: [null, 96, 96, 1] } : {}) }));
    } else {
      if (ARCH[i - 1]!.conv) model.add(tf.layers.flatten());
      model.add(tf.layers.dense({ units: l.units, activation: l.units === 5 ? 'linear' : 'relu' }));
    }
  });
  model.setWeights(weights);
  const logits = (x: Float32Array) => {
    const y = tf.tidy(() => model.predict(tf.tensor4d(x, [1, 96, 96, 1])) as import('@tensorflow/tfjs').Tensor);
    const v = y.dataSync();
    y.dispose();
    return v;
  };
  return { policy: logitsPolicy(`tfjs ${backend}`, logits), engine: `@tensorflow/tfjs ${tf.version.tfjs} (${backend})`, loadMs: performance.now() - t0 };
}
