// Reader unit tests on hand-built flatbuffers: schema defaults, opcode rules, quantization,
// large-model buffers, signatures, and malformed input that must fail with ModelError only.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ModelError } from '../../src/errors.js';
import { readTfliteModel } from '../../src/tflite/model.js';
import { buildFlatbuffer, buildTflite, float32Bytes, type ModelSpec } from './helpers/flatbuffer-builder.js';

const CONV_OPTIONS = 1;

/** A float CONV_2D whose options table is empty: every field must take its schema default. */
function convModel(overrides: Partial<ModelSpec> = {}): ModelSpec {
  return {
    opcodes: [{ deprecated: 3 }],
    tensors: [
      { shape: [1, 5, 5, 2], name: 'input' },
      { shape: [4, 3, 3, 2], buffer: 1, name: 'filter' },
      { shape: [4], buffer: 2, name: 'bias' },
      { shape: [1, 5, 5, 4], name: 'output' },
    ],
    operators: [{ opcodeIndex: 0, inputs: [0, 1, 2], outputs: [3], optionsType: CONV_OPTIONS, options: [] }],
    inputs: [0],
    outputs: [3],
    buffers: [{}, { data: float32Bytes(new Array(72).fill(0.5)) }, { data: float32Bytes([0, 0, 0, 0]) }],
    ...overrides,
  };
}

function expectModelError(fn: () => unknown, pattern?: RegExp): ModelError {
  let caught: unknown;
  try { fn(); } catch (e) { caught = e; }
  expect(caught, 'expected a ModelError').toBeInstanceOf(ModelError);
  if (pattern) expect((caught as Error).message).toMatch(pattern);
  return caught as ModelError;
}

describe('readTfliteModel: valid files', () => {
  it('applies schema defaults for absent option fields (padding SAME, dilation 1)', () => {
    const m = readTfliteModel(buildTflite(convModel()));
    const op = m.subgraphs[0]!.operators[0]!;
    expect(op.opName).toBe('CONV_2D');
    expect(op.options).toEqual({ kind: 'conv2d', padding: 0, strideW: 0, strideH: 0, activation: 0, dilationW: 1, dilationH: 1 });
  });

  it('gives defaults when the options table is missing altogether', () => {
    const spec = convModel();
    spec.operators[0] = { opcodeIndex: 0, inputs: [0, 1, 2], outputs: [3] };
    expect(readTfliteModel(buildTflite(spec)).subgraphs[0]!.operators[0]!.options).toMatchObject({ padding: 0, dilationH: 1 });
  });

  it('takes the opcode as max(builtin_code, deprecated_builtin_code)', () => {
    const spec = convModel({ opcodes: [{ deprecated: 127, builtin: 150 }, { builtin: 3 }, { deprecated: 3 }, {}] });
    const codes = readTfliteModel(buildTflite(spec)).operatorCodes.map((c) => c.builtinCode);
    expect(codes).toEqual([150, 3, 3, 0]);
  });

  it('reads per-axis quantization with 64-bit zero points', () => {
    const spec = convModel();
    spec.tensors[1] = { ...spec.tensors[1]!, type: 9, quantization: { scale: [0.5, 0.25, 0.125, 1], zeroPoint: [0n, 0n, 0n, 0n], quantizedDimension: 0 } };
    spec.buffers![1] = { data: new Uint8Array(72) };
    spec.tensors[0] = { ...spec.tensors[0]!, quantization: { scale: [0.1], zeroPoint: [-(2n ** 40n)] } };
    const t = readTfliteModel(buildTflite(spec)).subgraphs[0]!.tensors;
    expect(Array.from(t[1]!.quantization!.scale)).toEqual([0.5, 0.25, 0.125, 1]);
    expect(t[1]!.quantization!.perChannel).toBe(true);
    expect(t[1]!.quantization!.quantizedDimension).toBe(0);
    expect(t[0]!.quantization!.zeroPoint).toEqual([-(2 ** 40)]);
  });

  it('reads buffers stored by offset/size outside the flatbuffer (large-model layout)', () => {
    const weights = float32Bytes(new Array(72).fill(0.25));
    const placeholder = buildTflite(convModel({ buffers: [{}, { offset: 0n, size: 0n }, { data: float32Bytes([1, 2, 3, 4]) }] }));
    // Append the weights after the flatbuffer and point buffer 1 at them.
    const offset = Math.ceil(placeholder.length / 16) * 16 + 64;
    const spec = convModel({ buffers: [{}, { offset: BigInt(offset), size: 288n }, { data: float32Bytes([1, 2, 3, 4]) }] });
    const head = buildTflite(spec);
    expect(head.length).toBeLessThanOrEqual(offset);
    const file = new Uint8Array(offset + weights.length);
    file.set(head);
    file.set(weights, offset);
    const m = readTfliteModel(file);
    const data = m.subgraphs[0]!.tensors[1]!.data!;
    expect(new Float32Array(data.slice().buffer)[0]).toBe(0.25);
    expect(m.weightBytes).toBe(288 + 16);
  });

  it('reads signature defs and metadata', () => {
    const spec = convModel({
      buffers: [{}, { data: float32Bytes(new Array(72).fill(0)) }, { data: float32Bytes([0, 0, 0, 0]) }, { data: new TextEncoder().encode('1.14.0\0') }],
      signatures: [{ key: 'serving_default', inputs: [['x', 0]], outputs: [['y', 3]] }],
      metadata: [{ name: 'min_runtime_version', buffer: 3 }],
    });
    const m = readTfliteModel(buildTflite(spec));
    expect(m.signatureDefs).toEqual([{ key: 'serving_default', subgraphIndex: 0, inputs: [{ name: 'x', tensorIndex: 0 }], outputs: [{ name: 'y', tensorIndex: 3 }] }]);
    expect(m.metadata[0]!.name).toBe('min_runtime_version');
    expect(new TextDecoder().decode(m.metadata[0]!.data)).toBe('1.14.0\0');
  });

  it('returns constant data as views into the file, not copies', () => {
    const bytes = buildTflite(convModel());
    const data = readTfliteModel(bytes).subgraphs[0]!.tensors[1]!.data!;
    expect(data.buffer).toBe(bytes.buffer);
  });
});

describe('readTfliteModel: malformed files', () => {
  const good = buildTflite(convModel());

  it('rejects every truncation with ModelError, nothing else', () => {
    for (let n = 0; n < good.length; n += 1) {
      try {
        readTfliteModel(good.subarray(0, n));
      } catch (e) {
        if (!(e instanceof ModelError)) throw new Error(`truncated to ${n} bytes: ${String(e)}`);
      }
    }
    // The full file is fine; cutting into the flatbuffer body must fail.
    expect(() => readTfliteModel(good.subarray(0, 100))).toThrow(ModelError);
  });

  it('rejects a wrong file identifier', () => {
    const bad = good.slice();
    bad.set([88, 88, 88, 88], 4);
    expectModelError(() => readTfliteModel(bad), /identifier .*TFL3/);
  });

  it('rejects a root offset outside the file', () => {
    const bad = good.slice();
    new DataView(bad.buffer).setUint32(0, bad.length + 100, true);
    expectModelError(() => readTfliteModel(bad), /outside/);
  });

  it('rejects a vtable pointing outside the file', () => {
    const bad = good.slice();
    const root = new DataView(bad.buffer).getUint32(0, true);
    new DataView(bad.buffer).setInt32(root, -0x7fff0000, true);
    expectModelError(() => readTfliteModel(bad), /vtable/);
  });

  it('refuses an absurd vector length before allocating', () => {
    // A shape vector claiming 2^32−1 elements.
    const spec = convModel();
    const bytes = buildTflite(spec);
    const view = new DataView(bytes.buffer);
    // Find the input tensor's shape vector [1,5,5,2] and corrupt its length field.
    let patched = false;
    for (let p = 0; p + 20 <= bytes.length; p += 4) {
      if (view.getUint32(p, true) === 4 && view.getInt32(p + 4, true) === 1 && view.getInt32(p + 8, true) === 5 && view.getInt32(p + 16, true) === 2) {
        view.setUint32(p, 0xffffffff, true);
        patched = true;
        break;
      }
    }
    expect(patched).toBe(true);
    expectModelError(() => readTfliteModel(bytes), /vector of 4294967295 element/);
  });

  it('rejects out-of-range indices with the op or tensor named', () => {
    let e = expectModelError(() => readTfliteModel(buildTflite(convModel({ operators: [{ opcodeIndex: 5, inputs: [0, 1, 2], outputs: [3] }] }))), /opcode_index 5/);
    expect(e.opIndex).toBe(0);
    e = expectModelError(() => readTfliteModel(buildTflite(convModel({ operators: [{ opcodeIndex: 0, inputs: [0, 9, 2], outputs: [3] }] }))), /tensor 9/);
    expect(e.opIndex).toBe(0);
    const spec = convModel();
    spec.tensors[1] = { ...spec.tensors[1]!, buffer: 7 };
    e = expectModelError(() => readTfliteModel(buildTflite(spec)), /buffer index 7/);
    expect(e.tensorIndex).toBe(1);
  });

  it('rejects constant data whose size does not match the shape', () => {
    const spec = convModel();
    spec.buffers![2] = { data: float32Bytes([1, 2, 3]) };
    const e = expectModelError(() => readTfliteModel(buildTflite(spec)), /12 bytes, but shape \[4\]/);
    expect(e.tensorIndex).toBe(2);
  });

  it('rejects inconsistent quantization', () => {
    const spec = convModel();
    spec.tensors[0] = { ...spec.tensors[0]!, quantization: { scale: [1, 2], zeroPoint: [0] } };
    expectModelError(() => readTfliteModel(buildTflite(spec)), /2 scale\(s\) but 1 zero point/);
    spec.tensors[0] = { ...spec.tensors[0]!, quantization: { scale: [1, 2], zeroPoint: [0, 0], quantizedDimension: 7 } };
    expectModelError(() => readTfliteModel(buildTflite(spec)), /quantized_dimension 7/);
    spec.tensors[0] = { ...spec.tensors[0]!, quantization: { scale: [1], zeroPoint: [2n ** 60n] } };
    expectModelError(() => readTfliteModel(buildTflite(spec)), /out of range/);
  });

  it('refuses tensors and constants larger than maxBytes', () => {
    const spec = convModel();
    spec.tensors[0] = { ...spec.tensors[0]!, shape: [1, 65536, 65536, 4] };
    expectModelError(() => readTfliteModel(buildTflite(spec)), /more than maxBytes/);
    expectModelError(() => readTfliteModel(buildTflite(convModel()), { maxBytes: 100 }), /more than maxBytes/);
  });

  it('rejects negative dimensions and buffers past the end of the file', () => {
    const spec = convModel();
    spec.tensors[3] = { ...spec.tensors[3]!, shape: [1, -1, 5, 4] };
    expectModelError(() => readTfliteModel(buildTflite(spec)), /negative dimension/);
    expectModelError(() => readTfliteModel(buildTflite(convModel({ buffers: [{}, { offset: 1000000n, size: 288n }, { data: float32Bytes([0, 0, 0, 0]) }] }))), /outside the/);
  });

  it('rejects a wrong options union type for the op', () => {
    const spec = convModel();
    spec.operators[0] = { ...spec.operators[0]!, optionsType: 8 };
    expectModelError(() => readTfliteModel(buildTflite(spec)), /builtin_options_type 8/);
  });

  it('rejects a model without subgraphs and an unknown schema version', () => {
    expectModelError(() => readTfliteModel(buildFlatbuffer([{ scalar: 'u32', value: 3 }])), /no subgraphs/);
    expectModelError(() => readTfliteModel(buildTflite(convModel({ version: 2 }))), /schema version 2/);
  });

  it('includes the file name in messages', () => {
    const e = expectModelError(() => readTfliteModel(new Uint8Array(3), { fileName: 'x.tflite' }));
    expect(e.file).toBe('x.tflite');
    expect(e.message).toMatch(/^x\.tflite: /);
  });
});

const SEED = join(__dirname, '../fixtures/seed/seed_dynamic_int8.tflite');
describe.skipIf(!existsSync(SEED))('the seed converter file', () => {
  it('has 3 CONV_2D, RESHAPE and 2 FULLY_CONNECTED with int8 per-channel weights', () => {
    const m = readTfliteModel(new Uint8Array(readFileSync(SEED)));
    const sg = m.subgraphs[0]!;
    expect(sg.operators.map((o) => o.opName)).toEqual(['CONV_2D', 'CONV_2D', 'CONV_2D', 'RESHAPE', 'FULLY_CONNECTED', 'FULLY_CONNECTED']);
    for (const op of sg.operators.filter((o) => o.opName !== 'RESHAPE')) {
      const w = sg.tensors[op.inputs[1]!]!;
      expect(w.dtype).toBe('int8');
      expect(w.quantization!.perChannel).toBe(true);
    }
  });
});

