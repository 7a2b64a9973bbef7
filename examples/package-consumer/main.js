// Bundled by Vite from the installed tarball: bare specifiers, no configuration.
import { loadModel } from 'i8x16';
import { CarRacing, STATE_W, STATE_H } from 'i8x16/carracing';
import { runGolden } from './golden.js';

try {
  const result = await runGolden(loadModel, location.href);
  const env = new CarRacing({ continuous: false });
  const { observation } = env.reset({ seed: 1 });
  result.observation = observation.length === STATE_W * STATE_H * 3 && observation.some((v) => v !== 0);
  window.__result = result;
} catch (error) {
  window.__result = { error: String(error?.stack ?? error) };
}
