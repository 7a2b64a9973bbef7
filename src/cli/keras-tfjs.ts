// The seed architecture's float reference in tfjs: loads a Keras 3 `.weights.h5` (h5wasm) into a tfjs model.
// Shared by `i8x16 table` (its float32 (tfjs) row), the cross-check tests and the peer benchmark.
// tfjs-node is used when it loads (it cannot install in this sandbox); otherwise @tensorflow/tfjs with the
// wasm backend, else cpu. Override with I8X16_TFJS_BACKEND=cpu|wasm. tfjs and h5wasm are dev dependencies,
// imported through variables so tsup leaves them external and the library never needs them.
import type * as TF from '@tensorflow/tfjs';

async function importOptional<T>(specifier: string): Promise<T> {
  return (await import(/* @vite-ignore */ specifier)) as T;
}

export interface Tfjs {
  tf: typeof TF;
  /** '@tensorflow/tfjs-node' or '@tensorflow/tfjs' */
  pkg: string;
  backend: string;
}

let cached: Promise<Tfjs> | undefined;

export function loadTfjs(): Promise<Tfjs> {
  cached ??= (async () => {
    const want = process.env.I8X16_TFJS_BACKEND;
    if (!want) {
      try {
        // optional dependency; a string variable keeps bundlers/type-checkers from requiring it
        const nodePkg = '@tensorflow/tfjs-node';
        const tf = await importOptional<typeof TF>(nodePkg);
        await tf.ready();
        return { tf, pkg: nodePkg, backend: tf.getBackend() };
      } catch {
        // not installed or its native addon failed to load: fall through to pure tfjs
      }
    }
    const tf = await importOptional<typeof TF>('@tensorflow/tfjs');
    for (const backend of want ? [want] : ['wasm', 'cpu']) {
      try {
        if (backend === 'wasm') await importOptional('@tensorflow/tfjs-backend-wasm');
        if (await tf.setBackend(backend)) {
          await tf.ready();
          return { tf, pkg: '@tensorflow/tfjs', backend: tf.getBackend() };
        }
      } catch {
        // try the next backend
      }
    }
    throw new Error(`no usable tfjs backend (tried ${want ?? 'wasm, cpu'})`);
  })();
  return cached;
}

export interface H5Var {
  /** dataset path inside the .weights.h5, e.g. layers/conv2d/vars/0 */
  path: string;
  shape: number[];
  data: Float32Array;
}

/** Every float dataset in a Keras 3 `.weights.h5`, in file order. */
export async function readKerasWeights(file: string): Promise<H5Var[]> {
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
        else if (item instanceof h5wasm.Dataset) {
          const v = item.value;
          if (!(v instanceof Float32Array)) throw new Error(`${path}: expected float32 data, got ${item.dtype}`);
          out.push({ path, shape: item.shape ?? [], data: v });
        }
      }
    };
    walk(f, '');
    return out;
  } finally {
    f.close();
  }
}

/** The seed's network (python/common.py build_model), Keras layouts: conv HWIO, dense [in, out]. */
export const SEED_ARCH = [
  { kind: 'conv', filters: 32, kernel: 8, stride: 4, activation: 'relu', kernelShape: [8, 8, 1, 32] },
  { kind: 'conv', filters: 64, kernel: 4, stride: 2, activation: 'relu', kernelShape: [4, 4, 32, 64] },
  { kind: 'conv', filters: 64, kernel: 3, stride: 1, activation: 'relu', kernelShape: [3, 3, 64, 64] },
  { kind: 'dense', units: 512, activation: 'relu', kernelShape: [4096, 512] },
  { kind: 'dense', units: 5, activation: 'linear', kernelShape: [512, 5] },
] as const;

const same = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((v, i) => v === b[i]);

/**
 * Pairs the h5 variables with the architecture's layers. Keras 3 stores a layer's kernel at
 * `<layer>/vars/0` and bias at `<layer>/vars/1`; layer names depend on the saving session (conv2d_3, …),
 * so layers are identified by kernel shape, which is unique in this architecture.
 */
export function matchSeedWeights(vars: H5Var[]): { kernel: H5Var; bias: H5Var }[] {
  const byParent = new Map<string, H5Var[]>();
  for (const v of vars) {
    const parent = v.path.slice(0, v.path.lastIndexOf('/'));
    byParent.set(parent, [...(byParent.get(parent) ?? []), v]);
  }
  return SEED_ARCH.map((layer) => {
    const hits = [...byParent.entries()].filter(([, vs]) => vs.some((v) => v.path.endsWith('/0') && same(v.shape, layer.kernelShape)));
    if (hits.length !== 1) throw new Error(`expected one kernel of shape [${layer.kernelShape}], found ${hits.length}`);
    const [parent, vs] = hits[0];
    const kernel = vs.find((v) => v.path === `${parent}/0`);
    const bias = vs.find((v) => v.path === `${parent}/1`);
    const units = layer.kernelShape[layer.kernelShape.length - 1];
    if (!kernel || !bias || !same(bias.shape, [units])) throw new Error(`${parent}: missing kernel/bias of ${units} units`);
    return { kernel, bias };
  });
}

/** A tfjs LayersModel of the seed architecture holding the weights of `weightsFile` (Keras 3 .weights.h5). */
export async function loadSeedTfjsModel(weightsFile: string): Promise<{ model: TF.LayersModel; tfjs: Tfjs }> {
  const tfjs = await loadTfjs();
  const { tf } = tfjs;
  const matched = matchSeedWeights(await readKerasWeights(weightsFile));
  const model = tf.sequential();
  SEED_ARCH.forEach((l, i) => {
    if (l.kind === 'conv') {
      model.add(tf.layers.conv2d({
        filters: l.filters, kernelSize: l.kernel, strides: l.stride, padding: 'valid', activation: l.activation,
        ...(i === 0 ? { batchInputShape: [null, 96, 96, 1] } : {}),
      }));
    } else {
      if (SEED_ARCH[i - 1].kind === 'conv') model.add(tf.layers.flatten());
      model.add(tf.layers.dense({ units: l.units, activation: l.activation }));
    }
  });
  model.setWeights(matched.flatMap(({ kernel, bias }) => [
    tf.tensor(kernel.data, kernel.shape, 'float32'),
    tf.tensor(bias.data, bias.shape, 'float32'),
  ]));
  return { model, tfjs };
}
