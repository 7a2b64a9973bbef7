// The float32 reference row of `i8x16 table`: the seed's Keras network (.weights.h5) run by tfjs
// (loader shared with the tests in ./keras-tfjs.ts; throws if tfjs or h5wasm are not installed).
import type * as TF from '@tensorflow/tfjs';
import { logitsPolicy, type Policy } from '../policy/episode.js';
import { loadSeedTfjsModel } from './keras-tfjs.js';

export interface TfjsFloat {
  policy: Policy;
  /** '<package> <version> (<backend>)' */
  engine: string;
  loadMs: number;
}

export async function loadTfjsFloat(weightsFile: string): Promise<TfjsFloat> {
  const t0 = performance.now();
  const { model, tfjs } = await loadSeedTfjsModel(weightsFile);
  const { tf } = tfjs;
  const logits = (x: Float32Array) => {
    const y = tf.tidy(() => model.predict(tf.tensor4d(x, [1, 96, 96, 1])) as TF.Tensor);
    const v = y.dataSync();
    y.dispose();
    return v;
  };
  return {
    policy: logitsPolicy(`tfjs ${tfjs.backend}`, logits),
    engine: `${tfjs.pkg} ${tf.version.tfjs} (${tfjs.backend})`,
    loadMs: performance.now() - t0,
  };
}
