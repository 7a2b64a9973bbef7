/**
 * CarRacing-v3 env speed: steps/s of the TypeScript env (physics only, and with the exact 96×96 observation),
 * next to Gymnasium's figure from python/bench_env.py (same action schedule, same seeds) if it has been run.
 * Usage: npm run bench:env [-- --steps N]
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { CarRacing } from '../src/carracing/index.js';

const args = process.argv.slice(2);
const stepsArg = args.indexOf('--steps');
const STEPS = stepsArg >= 0 ? Number(args[stepsArg + 1]) : 3000;
const RESULTS = join(import.meta.dirname, 'results');

/** The action schedule shared with python/bench_env.py. */
function action(k: number): [number, number, number] {
  return [0.5 * Math.sin(k / 20), k % 100 < 70 ? 0.4 : 0.0, k % 100 >= 90 ? 0.3 : 0.0];
}

function run(label: string, options: ConstructorParameters<typeof CarRacing>[0]) {
  const env = new CarRacing(options);
  // warm-up (JIT)
  env.reset({ seed: 0 });
  for (let k = 0; k < 200; k++) env.step(action(k));
  let seed = 1;
  env.reset({ seed });
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  let episodeStep = 0;
  for (let k = 0; k < STEPS; k++) {
    const r = env.step(action(episodeStep++));
    if (r.terminated || r.truncated) {
      env.reset({ seed: ++seed });
      episodeStep = 0;
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const stepsPerSecond = STEPS / seconds;
  // CPU-time rate: what one free core would give; less sensitive to other jobs on a shared machine
  const stepsPerCpuSecond = STEPS / cpuSeconds;
  console.log(
    `${label.padEnd(34)} ${stepsPerSecond.toFixed(0).padStart(7)} steps/s  (${(1000 / stepsPerSecond).toFixed(3)} ms/step; ` +
      `${stepsPerCpuSecond.toFixed(0)} steps per CPU-second)`,
  );
  return { steps: STEPS, seconds, stepsPerSecond, cpuSeconds, stepsPerCpuSecond };
}

console.log(`machine: ${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
const physicsOnly = run('TS physics only (no observation)', { renderMode: null, observations: false });
const withObservation = run('TS with 96×96 observation', { renderMode: null });

let gymnasium: unknown = null;
const pyPath = join(RESULTS, 'env-gymnasium.json');
if (existsSync(pyPath)) {
  gymnasium = JSON.parse(readFileSync(pyPath, 'utf8'));
  type Rate = { stepsPerSecond: number; stepsPerCpuSecond?: number };
  const g = gymnasium as { date?: string; withObservation?: Rate; physicsOnly?: Rate };
  const show = (label: string, r?: Rate) => {
    if (r) console.log(`${label.padEnd(34)} ${r.stepsPerSecond.toFixed(0).padStart(7)} steps/s  (${r.stepsPerCpuSecond?.toFixed(0) ?? '?'} steps per CPU-second)`);
  };
  show('Gymnasium with 96×96 observation', g.withObservation);
  show('Gymnasium physics only', g.physicsOnly);
  console.log(`(Gymnasium figures from python/bench_env.py, ${g.date ?? 'date unknown'})`);
} else {
  console.log('(run python/.venv/bin/python python/bench_env.py for the Gymnasium figure)');
}

mkdirSync(RESULTS, { recursive: true });
const result = {
  date: new Date().toISOString(),
  node: process.version,
  cpu: cpus()[0]?.model,
  cores: cpus().length,
  loadavg: loadavg(),
  physicsOnly,
  withObservation,
  gymnasium,
};
writeFileSync(join(RESULTS, 'env.json'), JSON.stringify(result, null, 2) + '\n');
console.log(`wrote ${join('bench', 'results', 'env.json')}`);
