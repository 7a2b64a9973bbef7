// Reward parity with Gymnasium: runs the shipped int8 policies in the TypeScript CarRacing env on the seeds that
// python/eval.py used (models/eval_results.json) and compares per seed with Gymnasium's rewards.
//
//   nice -n 5 node --import tsx scripts/parity-reward.ts [--workers 2] [--models a.tflite,b.tflite] [--seeds 0-49]
//   node --import tsx scripts/parity-reward.ts --compare-only     (recompare stored TS rewards, e.g. after eval.py reran)
//   --gym a.json,b.json: python/eval.py result files to read (default models/eval_results.json; later files win)
//
// Acceptance (issue 5): the TS mean is within 3% of the Gymnasium mean, or the paired per-seed difference is
// within 2 standard errors. Writes bench/results/reward-parity.json.
import { fork } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { basename, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(import.meta.dirname, '..');
const OUT = join(ROOT, 'bench/results/reward-parity.json');
const EVAL = join(ROOT, 'models/eval_results.json');
const DEFAULT_MODELS = ['models/car_racing_int8.tflite', 'models/car_racing_dynamic_int8.tflite'];

const argv = process.argv.slice(2);
const opt = (name: string) => { const i = argv.indexOf(name); return i >= 0 ? argv[i + 1] : undefined; };

interface TsEpisode { seed: number; reward: number; steps: number; lapFinished: boolean; actions: number[] }

function parseSeeds(s: string): number[] {
  return s.split(',').flatMap((part) => {
    const m = /^(\d+)-(\d+)$/.exec(part);
    return m ? Array.from({ length: Number(m[2]) - Number(m[1]) + 1 }, (_, i) => Number(m[1]) + i) : [Number(part)];
  });
}

// ------------------------------------------------------------------ child: run episodes, one JSON line each
if (argv[0] === '--child') {
  const { loadModel } = await import('../src/index.js');
  const { modelPolicy, runEpisode } = await import('../src/policy/episode.js');
  const { CarRacing } = await import('../src/carracing/index.js');
  const [, file, seedList] = argv;
  const model = await loadModel(join(ROOT, file!), { backend: 'auto' });
  const policy = modelPolicy(model);
  const env = new CarRacing({ continuous: false });
  for (const seed of parseSeeds(seedList!)) {
    const r = runEpisode(policy, { seed, env });
    process.send!({ seed, reward: r.reward, steps: r.steps, lapFinished: r.lapFinished, actions: r.actions, backend: model.backend });
  }
  process.exit(0);
}

// ------------------------------------------------------------------ parent
interface GymResult { model: string; seeds: number[]; mean: number; std: number; episodes: { seed: number; reward: number; steps: number }[] }

const GYM_FILES = (opt('--gym')?.split(',').map((f) => resolve(f)) ?? [EVAL]).filter((f) => existsSync(f));

function gymnasium(): Record<string, GymResult & { file: string }> {
  const out: Record<string, GymResult & { file: string }> = {};
  for (const f of GYM_FILES) {
    for (const [k, v] of Object.entries((JSON.parse(readFileSync(f, 'utf8')) as { results: Record<string, GymResult> }).results)) out[k] = { ...v, file: relative(ROOT, f) };
  }
  return out;
}

interface Run { episodes: TsEpisode[]; backend: string; wallS: number; date?: string; node?: string; loadavg?: number[]; workers?: number }

async function runModel(file: string, seeds: number[], workers: number): Promise<Run> {
  const t0 = performance.now();
  const date = new Date().toISOString(), load = loadavg();
  const shards = Array.from({ length: workers }, (_, w) => seeds.filter((_, i) => i % workers === w)).filter((s) => s.length);
  const episodes: TsEpisode[] = [];
  let backend = '';
  await Promise.all(shards.map((shard) => new Promise<void>((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), ['--child', file, shard.join(',')], { execArgv: process.execArgv });
    child.on('message', (m: TsEpisode & { backend: string }) => {
      backend = m.backend;
      episodes.push(m);
      process.stderr.write(`  ${basename(file)} seed ${m.seed}: ${m.reward.toFixed(1)} in ${m.steps} steps (${episodes.length}/${seeds.length}, ${((performance.now() - t0) / 1000).toFixed(0)}s)\n`);
    });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`child for ${file} exited with ${code}`))));
  })));
  episodes.sort((a, b) => a.seed - b.seed);
  return { episodes, backend, wallS: (performance.now() - t0) / 1000, date, node: process.version, loadavg: load, workers };
}

function mean(v: number[]) { return v.reduce((a, b) => a + b, 0) / v.length; }
function sd(v: number[]) { const m = mean(v); return Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1)); }

/** Per-seed comparison of TS episodes with Gymnasium's. */
function compare(ts: TsEpisode[], gym: GymResult | undefined) {
  if (!gym) return null;
  const bySeed = new Map(gym.episodes.map((e) => [e.seed, e]));
  const pairs = ts.filter((e) => bySeed.has(e.seed)).map((e) => ({ seed: e.seed, ts: e.reward, gym: bySeed.get(e.seed)!.reward, tsSteps: e.steps, gymSteps: bySeed.get(e.seed)!.steps }));
  if (pairs.length < 2) return null;
  const d = pairs.map((p) => p.ts - p.gym);
  const tsMean = mean(pairs.map((p) => p.ts)), gymMean = mean(pairs.map((p) => p.gym));
  const semDiff = sd(d) / Math.sqrt(d.length);
  const relDiff = (tsMean - gymMean) / Math.abs(gymMean);
  const within3pct = Math.abs(relDiff) <= 0.03;
  const within2se = Math.abs(mean(d)) <= 2 * semDiff;
  return {
    n: pairs.length, tsMean, tsStd: sd(pairs.map((p) => p.ts)), gymMean, gymStd: sd(pairs.map((p) => p.gym)),
    relDiff, meanDiff: mean(d), semDiff, within3pct, within2se, pass: within3pct || within2se,
    identicalEpisodes: pairs.filter((p) => Math.abs(p.ts - p.gym) < 1e-6 && p.tsSteps === p.gymSteps).length,
    perSeed: pairs,
  };
}

const gym = gymnasium();
const stored = existsSync(OUT) ? JSON.parse(readFileSync(OUT, 'utf8')) as { models: Record<string, Run> } & Record<string, unknown> : null;
const models = opt('--models')?.split(',') ?? DEFAULT_MODELS;
const evalSeeds = gym[models[0]!]?.seeds;
const seeds = opt('--seeds') ? parseSeeds(opt('--seeds')!) : evalSeeds ?? parseSeeds('0-49');  // python/eval.py's default
const workers = Number(opt('--workers') ?? 2);

const compareOnly = argv.includes('--compare-only') && !!stored;
const out: Record<string, unknown> = {
  written: new Date().toISOString(), cores: cpus().length,
  seedsFrom: compareOnly ? stored!.seedsFrom : opt('--seeds') ? '--seeds' : evalSeeds ? 'python/eval.py results' : 'python/eval.py default (0-49)',
  gymnasiumMeta: Object.fromEntries(GYM_FILES.map((f) => [relative(ROOT, f), (JSON.parse(readFileSync(f, 'utf8')) as { meta: unknown }).meta])),
  models: {} as Record<string, unknown>,
};
// models run before and not rerun now are kept (and recompared)
const keys = [...new Set([...Object.keys(stored?.models ?? {}), ...models.map((f) => relative(ROOT, join(ROOT, f)))])];
for (const key of keys) {
  const prev = stored?.models?.[key];
  const rerun = !compareOnly && models.some((f) => relative(ROOT, join(ROOT, f)) === key);
  if (!rerun && !prev) continue;
  // entries from before per-model metadata existed carry the file's top-level run metadata
  const run: Run = rerun ? await runModel(key, seeds, workers)
    : { ...prev!, date: prev!.date ?? (stored!.date as string), node: prev!.node ?? (stored!.node as string), loadavg: prev!.loadavg ?? (stored!.loadavg as number[]), workers: prev!.workers ?? (stored!.workers as number) };
  const comparison = compare(run.episodes, gym[key]);
  (out.models as Record<string, unknown>)[key] = { backend: run.backend, date: run.date, node: run.node, loadavg: run.loadavg, workers: run.workers, wallS: run.wallS, seeds: run.episodes.map((e) => e.seed), episodes: run.episodes, gymnasiumFile: gym[key]?.file ?? null, gymnasium: comparison };
  const ts = run.episodes.map((e) => e.reward);
  console.log(`${key}: TS env mean ${mean(ts).toFixed(2)} ± ${sd(ts).toFixed(2)} over ${ts.length} seeds (${run.backend}, ${run.wallS.toFixed(0)} s)`);
  if (comparison) {
    console.log(`  Gymnasium ${comparison.gymMean.toFixed(2)} ± ${comparison.gymStd.toFixed(2)}; TS − Gym ${(100 * comparison.relDiff).toFixed(2)}%, ` +
      `paired diff ${comparison.meanDiff.toFixed(2)} ± ${comparison.semDiff.toFixed(2)} (1 SE); identical episodes ${comparison.identicalEpisodes}/${comparison.n}; ` +
      `${comparison.pass ? 'PASS' : 'FAIL'} (within 3%: ${comparison.within3pct}, within 2 SE: ${comparison.within2se})`);
  } else {
    console.log(`  no Gymnasium result for ${key} in ${GYM_FILES.map((f) => relative(ROOT, f)).join(', ') || 'models/eval_results.json (missing)'} yet; rerun with --compare-only once it exists`);
  }
}
mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
writeFileSync(OUT, `${JSON.stringify(out, null, 1)}\n`);
console.log(`wrote ${relative(ROOT, OUT)}`);
