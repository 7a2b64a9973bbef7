// `i8x16 inspect FILE [--json]`: what a .tflite file contains and what loading it would need,
// without running it: ops with options, tensors with dtype/shape/quantization, weight and arena bytes.
import { readFile } from 'node:fs/promises';
import { ModelError } from '../errors.js';
import { analyzeGraph, type GraphAnalysis } from '../graph/planner.js';
import type { OperatorInfo, TensorInfo, TfliteModel } from '../tflite/model.js';
import { readTfliteModel } from '../tflite/model.js';
import { ACTIVATION_NAMES } from '../tflite/schema.js';

export interface InspectReport {
  file: string;
  fileBytes: number;
  version: number;
  description: string;
  signatures: { key: string; inputs: string[]; outputs: string[] }[];
  metadata: { name: string; bytes: number }[];
  opCounts: Record<string, number>;
  inputs: TensorSummary[];
  outputs: TensorSummary[];
  operators: OperatorSummary[];
  tensors: TensorSummary[];
  weightBytes: number;
  /** Null when the graph cannot be planned (the reason is in planError). */
  arenaBytes: number | null;
  planError: string | null;
  unsupportedOps: { opIndex: number; name: string }[];
}

export interface QuantizationSummary {
  kind: 'per-tensor' | 'per-channel';
  scale?: number;
  zeroPoint?: number;
  axis?: number;
  channels?: number;
  scaleRange?: [number, number];
}

export interface TensorSummary {
  index: number;
  name: string;
  dtype: string;
  shape: number[];
  constant: boolean;
  bytes: number;
  quantization: QuantizationSummary | null;
}

export interface OperatorSummary {
  index: number;
  op: string;
  version: number;
  options: Record<string, unknown> | null;
  inputs: (TensorSummary | null)[];
  outputs: TensorSummary[];
  /** For CONV/DEPTHWISE/FC: float32, hybrid (float activations, int8 weights) or int8. */
  arithmetic?: string;
}

const PADDING_NAMES = ['SAME', 'VALID'];

export function summarizeTensor(t: TensorInfo): TensorSummary {
  const q = t.quantization;
  let quantization: QuantizationSummary | null = null;
  if (q) {
    if (q.perChannel) {
      let lo = Infinity, hi = -Infinity;
      for (const s of q.scale) { lo = Math.min(lo, s); hi = Math.max(hi, s); }
      quantization = { kind: 'per-channel', axis: q.quantizedDimension, channels: q.scale.length, scaleRange: [lo, hi] };
    } else {
      quantization = { kind: 'per-tensor', scale: q.scale[0]!, zeroPoint: q.zeroPoint[0]! };
    }
  }
  return { index: t.index, name: t.name, dtype: t.dtype, shape: t.shape, constant: t.data !== null, bytes: t.byteLength, quantization };
}

function readableOptions(op: OperatorInfo): Record<string, unknown> | null {
  if (!op.options || op.options.kind === 'none') return null;
  const { kind: _kind, ...rest } = op.options as unknown as Record<string, unknown> & { kind: string };
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(rest)) {
    if (key === 'padding') out[key] = PADDING_NAMES[value as number] ?? value;
    else if (key === 'activation') out[key] = ACTIVATION_NAMES[value as number] ?? value;
    else if (value !== null) out[key] = value;
  }
  return out;
}

export function inspectModel(model: TfliteModel, file: string, fileBytes: number): InspectReport {
  const sg = model.subgraphs[0]!;
  const tensors = sg.tensors.map(summarizeTensor);
  let analysis: GraphAnalysis | null = null;
  let planError: string | null = null;
  try {
    analysis = analyzeGraph(model, file);
  } catch (e) {
    if (!(e instanceof ModelError)) throw e;
    planError = e.message;
  }
  const opCounts: Record<string, number> = {};
  const operators = sg.operators.map((op): OperatorSummary => {
    opCounts[op.opName] = (opCounts[op.opName] ?? 0) + 1;
    const summary: OperatorSummary = {
      index: op.index, op: op.opName, version: op.opVersion, options: readableOptions(op),
      inputs: op.inputs.map((i) => (i < 0 ? null : tensors[i]!)),
      outputs: op.outputs.map((i) => tensors[i]!),
    };
    if (['CONV_2D', 'DEPTHWISE_CONV_2D', 'FULLY_CONNECTED'].includes(op.opName) && op.inputs.length >= 2) {
      const input = tensors[op.inputs[0]!];
      const weights = op.inputs[1]! >= 0 ? tensors[op.inputs[1]!] : undefined;
      if (input && weights) {
        const wq = weights.quantization ? ` ${weights.quantization.kind}` : '';
        summary.arithmetic = input.dtype === 'float32' && weights.dtype === 'int8'
          ? `hybrid: float32 activations, int8${wq} weights`
          : `${input.dtype} activations, ${weights.dtype}${wq} weights`;
      }
    }
    return summary;
  });
  return {
    file,
    fileBytes,
    version: model.version,
    description: model.description,
    signatures: model.signatureDefs.map((s) => ({ key: s.key, inputs: s.inputs.map((m) => m.name), outputs: s.outputs.map((m) => m.name) })),
    metadata: model.metadata.map((m) => ({ name: m.name, bytes: m.data.byteLength })),
    opCounts,
    inputs: sg.inputs.map((i) => tensors[i]!),
    outputs: sg.outputs.map((i) => tensors[i]!),
    operators,
    tensors,
    weightBytes: analysis?.weightBytes ?? model.weightBytes,
    arenaBytes: analysis?.arenaBytes ?? null,
    planError,
    unsupportedOps: analysis?.unsupported ?? [],
  };
}

function describeQuant(q: QuantizationSummary | null): string {
  if (!q) return '';
  if (q.kind === 'per-tensor') return ` per-tensor(scale ${q.scale!.toPrecision(6)}, zp ${q.zeroPoint})`;
  return ` per-channel(axis ${q.axis}, ${q.channels} scales ${q.scaleRange![0].toPrecision(4)}..${q.scaleRange![1].toPrecision(4)})`;
}

function describeTensor(t: TensorSummary): string {
  const name = t.name.length > 60 ? `${t.name.slice(0, 57)}...` : t.name;
  return `#${t.index} ${t.dtype}[${t.shape.join(',')}]${t.constant ? ` const ${t.bytes} B` : ''}${describeQuant(t.quantization)} ${name}`;
}

export function formatReport(r: InspectReport): string {
  const lines: string[] = [];
  lines.push(`${r.file}: ${r.fileBytes} bytes, TFLite schema v${r.version}${r.description ? `, "${r.description}"` : ''}`);
  lines.push(`ops: ${Object.entries(r.opCounts).map(([name, n]) => `${n} ${name}`).join(', ') || 'none'}`);
  for (const s of r.signatures) lines.push(`signature "${s.key}": inputs ${s.inputs.join(', ')}; outputs ${s.outputs.join(', ')}`);
  if (r.metadata.length) lines.push(`metadata: ${r.metadata.map((m) => `${m.name} (${m.bytes} B)`).join(', ')}`);
  lines.push('inputs:');
  for (const t of r.inputs) lines.push(`  ${describeTensor(t)}`);
  lines.push('outputs:');
  for (const t of r.outputs) lines.push(`  ${describeTensor(t)}`);
  lines.push('operators:');
  for (const op of r.operators) {
    const opts = op.options && Object.keys(op.options).length ? ' ' + Object.entries(op.options).map(([k, v]) => `${k}=${Array.isArray(v) ? `[${v}]` : v}`).join(' ') : '';
    lines.push(`  ${op.index}: ${op.op} v${op.version}${opts}`);
    if (op.arithmetic) lines.push(`      ${op.arithmetic}`);
    op.inputs.forEach((t, i) => lines.push(`      in${i}  ${t ? describeTensor(t) : '(omitted)'}`));
    op.outputs.forEach((t, i) => lines.push(`      out${i} ${describeTensor(t)}`));
  }
  lines.push(`tensors: ${r.tensors.length}`);
  for (const t of r.tensors) lines.push(`  ${describeTensor(t)}`);
  lines.push(`weight bytes: ${r.weightBytes}`);
  lines.push(`arena bytes: ${r.arenaBytes ?? `unknown (${r.planError})`}`);
  if (r.unsupportedOps.length) lines.push(`unsupported ops: ${r.unsupportedOps.map((u) => `${u.name} (op ${u.opIndex})`).join(', ')}`);
  return lines.join('\n');
}

export async function run(args: string[]): Promise<number> {
  const json = args.includes('--json');
  const files = args.filter((a) => a !== '--json');
  if (files.length !== 1 || files[0]!.startsWith('-')) {
    console.error('usage: i8x16 inspect FILE [--json]');
    return 2;
  }
  const file = files[0]!;
  const bytes = new Uint8Array(await readFile(file));
  let report: InspectReport;
  try {
    report = inspectModel(readTfliteModel(bytes, { fileName: file }), file, bytes.byteLength);
  } catch (e) {
    if (e instanceof ModelError) {
      console.error(`i8x16 inspect: ${e.message}`);
      return 1;
    }
    throw e;
  }
  console.log(json ? JSON.stringify(report, null, 2) : formatReport(report));
  return 0;
}
