// Type-checked (tsc, nodenext) against the installed declarations; the @ts-expect-error lines fail
// the check if the declarations degrade to `any`.
import { loadModel, ModelError, type BackendChoice, type Model, type TensorSpec } from 'i8x16';
import { CarRacing, STATE_W, type StepResult } from 'i8x16/carracing';

const backend: BackendChoice = 'relaxed';
// @ts-expect-error not a build
export const wrong: BackendChoice = 'avx512';

export async function drive(bytes: Uint8Array): Promise<number> {
  const model: Model = await loadModel(bytes, { backend, maxBytes: 1 << 24 });
  const spec: TensorSpec = model.inputs[0]!;
  const out = model.run(new Int8Array(spec.shape.reduce((a, b) => a * b, 1)));
  // @ts-expect-error run takes typed arrays
  model.run([1, 2, 3]);
  const env = new CarRacing({ continuous: false });
  env.reset({ seed: 1 });
  const step: StepResult = env.step(3);
  // @ts-expect-error reward is a number
  const s: string = step.reward;
  return out.length + step.observation.length + STATE_W + s.length;
}

export function isModelError(e: unknown): boolean {
  return e instanceof ModelError;
}
