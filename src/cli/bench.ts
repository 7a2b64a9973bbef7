// `i8x16 bench FILE [--layers [--cold]] [--backend scalar|simd|relaxed|auto] [--winograd auto|small|large|off] [--dense-fc] [--runs N] [--batch N] [--json]`: latency of
// one model.run (p50/p99 per frame), and with --layers the time of every op, timed inside whole runs; --cold evicts
// the caches (writes 64 MB) before each of those runs, as happens when other work runs between frames.
// --batch N prepares the model for N frames (as loadModel's maxBatch does) and reports per-frame times; --dense-fc
// keeps fully-connected layers on their dense kernels (loadModel's sparseInputs: false).
// Inputs are seeded pseudo-random values of the input's dtype; timings depend on them only through the share of
// zeros reaching a fully-connected layer (a ReLU's zeros are skipped, assembly/qs8-spmv.ts).
import { readFile } from 'node:fs/promises';
import { buildGraph } from '../graph/interpreter.js';
import { rebatchModel } from '../graph/rebatch.js';
import type { BackendChoice, WinogradChoice } from '../kernels/api.js';
import { createKernelRuntime } from '../kernels/runtime.js';
import { readTfliteModel, type TfliteModel } from '../tflite/model.js';
import { BuiltinOp } from '../tflite/schema.js';

export interface LayerTiming {
  opIndex: number;
  op: string;
  output: number[];
  macs: number;
  p50_ms: number;
  share: number;
  gmacs: number | null;
}

export interface BenchReport {
  file: string;
  backend: string;
  engine: string;
  runs: number;
  batch: number;
  /** Per frame (a run's time / batch). */
  p50_ms: number;
  p99_ms: number;
  layers?: LayerTiming[];
}

const quantile = (s: Float64Array, q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))]!;

/** Multiply-accumulates of the ops that have them (CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED). */
function macsOf(model: TfliteModel, opIndex: number): number {
  const sg = model.subgraphs[0]!;
  const op = sg.operators[opIndex]!;
  const out = sg.tensors[op.outputs[0]!]!;
  const filter = op.inputs[1] !== undefined && op.inputs[1] >= 0 ? sg.tensors[op.inputs[1]]! : null;
  if (!filter) return 0;
  const outCount = out.elementCount;
  switch (op.builtinCode) {
    case BuiltinOp.CONV_2D: return outCount * filter.shape[1]! * filter.shape[2]! * filter.shape[3]!;
    case BuiltinOp.DEPTHWISE_CONV_2D: return outCount * filter.shape[1]! * filter.shape[2]!;
    case BuiltinOp.FULLY_CONNECTED: return outCount * filter.shape[1]!;
    default: return 0;
  }
}

export async function run(args: string[]): Promise<number> {
  const file = args.find((a, i) => !a.startsWith('--') && !['--backend', '--winograd', '--runs', '--batch'].includes(args[i - 1] ?? ''));
  if (!file) {
    console.error('usage: i8x16 bench FILE [--layers [--cold]] [--backend scalar|simd|relaxed|auto] [--winograd auto|small|large|off] [--dense-fc] [--runs N] [--batch N] [--json]');
    return 2;
  }
  const opt = (name: string) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
  const layers = args.includes('--layers');
  const cold = args.includes('--cold');
  const runs = Number(opt('--runs') ?? 300);
  const backend = (opt('--backend') ?? 'auto') as BackendChoice;
  const bytes = new Uint8Array(await readFile(file));
  const batch = Number(opt('--batch') ?? 1);
  const parsed = readTfliteModel(bytes, { fileName: file, maxBytes: 1 << 30 });
  const model = batch > 1 ? rebatchModel(parsed, batch, file) : parsed;
  const runtime = await createKernelRuntime({ backend, winograd: (opt('--winograd') ?? 'auto') as WinogradChoice, sparseInputs: !args.includes('--dense-fc') });
  const graph = buildGraph(model, runtime, { fileName: file, maxBytes: 1 << 30 });

  // seeded inputs (xorshift32)
  let seed = 0x9e3779b9;
  const rnd = () => { seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5; return (seed >>> 0) / 2 ** 32; };
  for (const t of graph.inputs) {
    const v = graph.views;
    for (let i = 0; i < t.elementCount; i++) {
      if (t.dtype === 'float32') v.f32[(t.ptr >> 2) + i] = rnd();
      else if (t.dtype === 'int8') v.i8[t.ptr + i] = Math.floor(rnd() * 256) - 128;
      else if (t.dtype === 'uint8') v.u8[t.ptr + i] = Math.floor(rnd() * 256);
      else if (t.dtype === 'int32') v.i32[(t.ptr >> 2) + i] = Math.floor(rnd() * 256);
    }
  }

  const steps = graph.steps;
  const whole = new Float64Array(runs);
  const per = steps.map(() => new Float64Array(runs));
  for (let r = -Math.min(50, runs); r < runs; r++) {
    const t0 = performance.now();
    graph.invoke();
    const dt = performance.now() - t0;
    if (r >= 0) whole[r] = dt / batch;
  }
  if (layers) {
    // a separate pass: per-op timers add a little overhead, so the whole-run figure above stays clean
    const flush = cold ? new Int32Array(16 << 20) : null;
    for (let r = 0; r < runs; r++) {
      if (flush) for (let j = 0; j < flush.length; j += 16) flush[j]! += r;
      let t = performance.now();
      for (let i = 0; i < steps.length; i++) {
        steps[i]!.run();
        const now = performance.now();
        per[i]![r] = (now - t) / batch;
        t = now;
      }
    }
  }
  whole.sort();
  const report: BenchReport = {
    file, backend: runtime.build, engine: `node ${process.version}`, runs, batch,
    p50_ms: +quantile(whole, 0.5).toFixed(4), p99_ms: +quantile(whole, 0.99).toFixed(4),
  };
  if (layers) {
    const p50s = per.map((s) => quantile(s.sort(), 0.5));
    const sum = p50s.reduce((a, b) => a + b, 0);
    const sg = model.subgraphs[0]!;
    report.layers = steps.map((s, i) => {
      const op = sg.operators[s.opIndex]!;
      const macs = macsOf(model, s.opIndex);
      const ms = p50s[i]!;
      return {
        opIndex: s.opIndex, op: op.opName, output: sg.tensors[op.outputs[0]!]!.shape.slice(), macs,
        p50_ms: +ms.toFixed(4), share: +(ms / sum).toFixed(4), gmacs: macs && ms > 0 ? +(macs / batch / ms / 1e6).toFixed(2) : null,
      };
    });
  }

  if (args.includes('--json')) {
    console.log(JSON.stringify(report, null, 1));
    return 0;
  }
  console.log(`${file}: ${report.backend} build, ${report.engine}, ${runs} runs${batch > 1 ? ` at batch ${batch} (times per frame)` : ''}: p50 ${report.p50_ms.toFixed(3)} ms, p99 ${report.p99_ms.toFixed(3)} ms`);
  if (report.layers) {
    console.log(`${'op'.padStart(4)}  ${'name'.padEnd(18)}${'output'.padEnd(18)}${'MACs'.padStart(11)}${'p50 ms'.padStart(10)}${'share'.padStart(8)}${'GMAC/s'.padStart(9)}`);
    for (const l of report.layers) {
      console.log(`${String(l.opIndex).padStart(4)}  ${l.op.padEnd(18)}${`[${l.output}]`.padEnd(18)}${(l.macs ? l.macs.toLocaleString('en-US') : '').padStart(11)}${l.p50_ms.toFixed(4).padStart(10)}${`${(l.share * 100).toFixed(1)}%`.padStart(8)}${(l.gmacs?.toFixed(1) ?? '').padStart(9)}`);
    }
    const total = report.layers.reduce((a, l) => a + l.p50_ms, 0);
    console.log(`${''.padStart(4)}  ${'sum of op p50s'.padEnd(36)}${report.layers.reduce((a, l) => a + l.macs, 0).toLocaleString('en-US').padStart(11)}${total.toFixed(4).padStart(10)}`);
    console.log('MACs are the direct computation\'s; 3×3 stride-1 and 2s×2s stride-s int8 convs run as Winograd (fewer multiplies) in SIMD builds.');
  }
  return 0;
}
