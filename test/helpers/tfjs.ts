// Test-side tfjs helpers: the Keras→tfjs loader lives in src/cli/keras-tfjs.ts (shared with `i8x16 table`).
import type * as TF from '@tensorflow/tfjs';
import type { Tfjs } from '../../src/cli/keras-tfjs.js';

export { loadTfjs, readKerasWeights, SEED_ARCH, matchSeedWeights, loadSeedTfjsModel } from '../../src/cli/keras-tfjs.js';
export type { Tfjs, H5Var } from '../../src/cli/keras-tfjs.js';

/** Runs `n` inputs of 96×96×1 (NHWC float32, concatenated) through the model; returns n×outputs logits. */
export function predictBatch(tfjs: Tfjs, model: TF.LayersModel, x: Float32Array, n: number, batch = 50): Float32Array {
  const { tf } = tfjs;
  const per = 96 * 96;
  const parts: Float32Array[] = [];
  for (let i = 0; i < n; i += batch) {
    const m = Math.min(batch, n - i);
    const y = tf.tidy(() => model.predict(tf.tensor4d(x.subarray(i * per, (i + m) * per), [m, 96, 96, 1])) as TF.Tensor);
    parts.push(y.dataSync() as Float32Array);
    y.dispose();
  }
  const out = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}
