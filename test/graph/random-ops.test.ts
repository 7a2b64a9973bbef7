// Randomised shapes for the TS ops with the most index arithmetic (pooling windows and padding,
// numpy broadcasting), against the plain-loop oracles in src/reference/. Exact equality expected.
import { describe, expect, it } from 'vitest';
import { loadModel } from '../../src/index.js';
import { binaryFloatReference, binaryInt8Reference, type BinaryKind } from '../../src/reference/elementwise.js';
import { poolReference } from '../../src/reference/pooling.js';
import { rng } from '../fuzz/fuzz-harness.js';
import { buildTflite, type TensorSpec } from '../tflite/helpers/flatbuffer-builder.js';

const INT8 = 9;
const random = rng(4242);
const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));

function fill(n: number, quantized: boolean): Float32Array | Int8Array {
  const a = quantized ? new Int8Array(n) : new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = quantized ? int(-128, 127) : Math.fround(random() * 8 - 4);
  return a;
}

describe('pooling on random shapes', () => {
  for (let trial = 0; trial < 60; trial++) {
    const quantized = trial % 2 === 1;
    const kind = trial % 4 < 2 ? 'max' as const : 'average' as const;
    const shape: [number, number, number, number] = [int(1, 2), int(1, 9), int(1, 9), int(1, 5)];
    const filterH = int(1, 4), filterW = int(1, 4), strideH = int(1, 3), strideW = int(1, 3);
    const same = random() < 0.5;
    const outDim = (n: number, f: number, s: number) => (same ? Math.ceil(n / s) : Math.floor((n - f + s) / s));
    const outH = outDim(shape[1], filterH, strideH), outW = outDim(shape[2], filterW, strideW);
    if (outH < 1 || outW < 1) continue;
    const padTop = Math.floor(Math.max(0, (outH - 1) * strideH + filterH - shape[1]) / 2);
    const padLeft = Math.floor(Math.max(0, (outW - 1) * strideW + filterW - shape[2]) / 2);
    const label = `${kind} ${quantized ? 'int8' : 'float32'} in [${shape}] filter ${filterH}×${filterW} stride ${strideH}×${strideW} ${same ? 'SAME' : 'VALID'}`;
    it(label, async () => {
      const q = quantized ? { type: INT8, quantization: { scale: [0.1], zeroPoint: [int(-20, 20)] } } : {};
      const model = await loadModel(buildTflite({
        opcodes: [{ deprecated: kind === 'max' ? 17 : 1 }],
        tensors: [{ shape, ...q }, { shape: [shape[0], outH, outW, shape[3]], ...q }],
        operators: [{
          opcodeIndex: 0, inputs: [0], outputs: [1], optionsType: 5,
          options: [{ scalar: 'i8', value: same ? 0 : 1 }, { scalar: 'i32', value: strideW }, { scalar: 'i32', value: strideH },
            { scalar: 'i32', value: filterW }, { scalar: 'i32', value: filterH }],
        }],
        inputs: [0], outputs: [1],
      }), { backend: 'scalar' });
      const input = fill(shape.reduce((a, b) => a * b, 1), quantized);
      const got = Array.from(model.run(input));
      const want = poolReference({
        input, shape, filterH, filterW, strideH, strideW, padTop, padLeft, outH, outW, kind,
        activationMin: quantized ? -128 : -Infinity, activationMax: quantized ? 127 : Infinity,
      });
      expect(got).toEqual(want);
    });
  }
});

describe('broadcasting binary ops on random shapes', () => {
  const opcode = { add: 0, sub: 41, mul: 18 } as const;
  for (let trial = 0; trial < 60; trial++) {
    const kind = (['add', 'sub', 'mul'] as const)[trial % 3]! as BinaryKind;
    const quantized = trial % 2 === 1;
    const rank = int(1, 4);
    const outShape = Array.from({ length: rank }, () => int(1, 5));
    const operand = (fullRank: boolean) => {
      const drop = fullRank ? 0 : int(0, rank - 1);
      return outShape.slice(drop).map((d) => (random() < 0.35 ? 1 : d));
    };
    // One operand keeps the full rank so the result has rank `rank`.
    const aFull = random() < 0.5;
    const aShape = operand(aFull), bShape = operand(!aFull);
    // The broadcast result must be outShape itself: re-expand dims both operands collapsed.
    for (let d = 0; d < rank; d++) {
      const da = aShape[aShape.length - rank + d], db = bShape[bShape.length - rank + d];
      if ((da ?? 1) === 1 && (db ?? 1) === 1) outShape[d] = 1;
    }
    it(`${kind} ${quantized ? 'int8' : 'float32'} [${aShape}] ⊕ [${bShape}] → [${outShape}]`, async () => {
      const qp = () => ({ scale: Math.fround(0.01 + random() * 0.2), zeroPoint: int(-30, 30) });
      const [aq, bq, oq] = [qp(), qp(), qp()];
      const spec = (shape: number[], p: { scale: number; zeroPoint: number }): TensorSpec =>
        quantized ? { shape, type: INT8, quantization: { scale: [p.scale], zeroPoint: [p.zeroPoint] } } : { shape };
      const model = await loadModel(buildTflite({
        opcodes: [{ deprecated: opcode[kind] }],
        tensors: [spec(aShape, aq), spec(bShape, bq), spec(outShape, oq)],
        operators: [{ opcodeIndex: 0, inputs: [0, 1], outputs: [2] }],
        inputs: [0, 1], outputs: [2],
      }), { backend: 'scalar' });
      const a = fill(aShape.reduce((x, y) => x * y, 1), quantized);
      const b = fill(bShape.reduce((x, y) => x * y, 1), quantized);
      const got = Array.from(model.run([a, b])[0]!);
      const want = quantized
        ? binaryInt8Reference(kind, a as Int8Array, aShape, aq, b as Int8Array, bShape, bq, outShape, oq)
        : binaryFloatReference(kind, a as Float32Array, aShape, b as Float32Array, bShape, outShape);
      expect(got).toEqual(want);
    });
  }
});
