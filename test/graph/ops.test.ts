// Op behaviour the fixture zoo does not reach, on hand-built models with hand-computed results.
import { describe, expect, it } from 'vitest';
import { loadModel, ModelError } from '../../src/index.js';
import { buildTflite, float32Bytes, int32Bytes, type ModelSpec } from '../tflite/helpers/flatbuffer-builder.js';

const ADD = 0, CONCATENATION = 2, DEQUANTIZE = 6, RESHAPE = 22, TRANSPOSE = 39, MAXIMUM = 55, STRIDED_SLICE = 45, MINIMUM = 57, PADV2 = 60, TILE = 69, QUANTIZE = 114, RELU_0_TO_1 = 152;
const INT32 = 2, UINT8 = 3, INT8 = 9;

async function run(spec: ModelSpec, ...inputs: (Float32Array | Int8Array | Uint8Array)[]) {
  const model = await loadModel(buildTflite(spec), { backend: 'scalar' });
  return Array.from(model.run(inputs)[0]!);
}

describe('ops beyond the zoo', () => {
  it('PADV2 pads float with its constant value', async () => {
    const out = await run({
      opcodes: [{ deprecated: PADV2 }],
      tensors: [
        { shape: [1, 2], name: 'x' }, { shape: [2, 2], type: INT32, buffer: 1 }, { shape: [], buffer: 2 }, { shape: [2, 4] },
      ],
      operators: [{ opcodeIndex: 0, inputs: [0, 1, 2], outputs: [3] }],
      inputs: [0], outputs: [3],
      buffers: [{}, { data: int32Bytes([0, 1, 1, 1]) }, { data: float32Bytes([7]) }],
    }, new Float32Array([1, 2]));
    expect(out).toEqual([7, 1, 2, 7, 7, 7, 7, 7]);
  });

  it('PADV2 pads int8 with its constant value', async () => {
    const q = { scale: [0.5], zeroPoint: [3] };
    const out = await run({
      opcodes: [{ deprecated: PADV2 }],
      tensors: [
        { shape: [3], type: INT8, quantization: q }, { shape: [1, 2], type: INT32, buffer: 1 },
        { shape: [], type: INT8, buffer: 2, quantization: q }, { shape: [5], type: INT8, quantization: q },
      ],
      operators: [{ opcodeIndex: 0, inputs: [0, 1, 2], outputs: [3] }],
      inputs: [0], outputs: [3],
      buffers: [{}, { data: int32Bytes([2, 0]) }, { data: new Uint8Array([0xfb]) }],
    }, new Int8Array([1, 2, 3]));
    expect(out).toEqual([-5, -5, 1, 2, 3]);
  });

  it('folds a per-channel int8 DEQUANTIZE of a constant and uses it in a broadcast ADD', async () => {
    // w: [2,3] int8 per-channel on axis 0, scales 0.5 and 2 → [[0.5,1,1.5],[-2,-4,-6]].
    const out = await run({
      opcodes: [{ deprecated: DEQUANTIZE }, { deprecated: ADD }],
      tensors: [
        { shape: [2, 3], type: INT8, buffer: 1, quantization: { scale: [0.5, 2], zeroPoint: [0, 0], quantizedDimension: 0 } },
        { shape: [2, 3] }, { shape: [3], name: 'x' }, { shape: [2, 3] },
      ],
      operators: [{ opcodeIndex: 0, inputs: [0], outputs: [1] }, { opcodeIndex: 1, inputs: [1, 2], outputs: [3] }],
      inputs: [2], outputs: [3],
      buffers: [{}, { data: new Uint8Array(new Int8Array([1, 2, 3, -1, -2, -3]).buffer) }],
    }, new Float32Array([10, 20, 30]));
    expect(out).toEqual([10.5, 21, 31.5, 8, 16, 24]);
  });

  it('RESHAPE infers −1 from ReshapeOptions.new_shape when there is no shape input', async () => {
    const model = await loadModel(buildTflite({
      opcodes: [{ deprecated: RESHAPE }],
      tensors: [{ shape: [2, 3] }, { shape: [3, 2] }],
      operators: [{ opcodeIndex: 0, inputs: [0], outputs: [1], optionsType: 17, options: [{ vector: 'i32', values: [-1, 2] }] }],
      inputs: [0], outputs: [1],
    }), { backend: 'scalar' });
    expect(model.outputs[0]!.shape).toEqual([3, 2]);
    expect(Array.from(model.run(new Float32Array([1, 2, 3, 4, 5, 6])) as Float32Array)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('CONCATENATION with a negative axis interleaves rows', async () => {
    const model = await loadModel(buildTflite({
      opcodes: [{ deprecated: CONCATENATION }],
      tensors: [{ shape: [2, 1] }, { shape: [2, 2] }, { shape: [2, 3] }],
      operators: [{ opcodeIndex: 0, inputs: [0, 1], outputs: [2], optionsType: 10, options: [{ scalar: 'i32', value: -1 }] }],
      inputs: [0, 1], outputs: [2],
    }), { backend: 'scalar' });
    const [out] = model.run([new Float32Array([1, 2]), new Float32Array([3, 4, 5, 6])]);
    expect(Array.from(out as Float32Array)).toEqual([1, 3, 4, 2, 5, 6]);
  });

  it('QUANTIZE to uint8 rounds half away from zero and clamps', async () => {
    const out = await run({
      opcodes: [{ deprecated: QUANTIZE }],
      tensors: [{ shape: [5] }, { shape: [5], type: UINT8, quantization: { scale: [0.5], zeroPoint: [10] } }],
      operators: [{ opcodeIndex: 0, inputs: [0], outputs: [1] }],
      inputs: [0], outputs: [1],
    }, new Float32Array([0.25, -0.25, 1000, -1000, 1.25]));
    expect(out).toEqual([11, 9, 255, 0, 13]);
  });

  it('refuses int8 ADD inputs without quantization parameters', async () => {
    const e = await loadModel(buildTflite({
      opcodes: [{ deprecated: ADD }],
      tensors: [{ shape: [2], type: INT8 }, { shape: [2], type: INT8 }, { shape: [2], type: INT8 }],
      operators: [{ opcodeIndex: 0, inputs: [0, 1], outputs: [2] }],
      inputs: [0, 1], outputs: [2],
    })).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ModelError);
    expect((e as ModelError).message).toMatch(/ADD: int8 tensor has no quantization parameters/);
    expect((e as ModelError).tensorIndex).toBe(0);
  });

  const refusal = async (spec: ModelSpec) => {
    const e = await loadModel(buildTflite(spec)).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ModelError);
    return e as ModelError;
  };

  it('TRANSPOSE with a negative perm entry on a rank-3 int32 tensor', async () => {
    // x [2,3,2] → perm [2, 0, −2] = [2, 0, 1] → [2,2,3]
    const x = Int32Array.from({ length: 12 }, (_, i) => i);
    const model = await loadModel(buildTflite({
      opcodes: [{ deprecated: TRANSPOSE }],
      tensors: [{ shape: [2, 3, 2], type: INT32 }, { shape: [3], type: INT32, buffer: 1 }, { shape: [2, 2, 3], type: INT32 }],
      operators: [{ opcodeIndex: 0, inputs: [0, 1], outputs: [2] }],
      inputs: [0], outputs: [2],
      buffers: [{}, { data: int32Bytes([2, 0, -2]) }],
    }), { backend: 'scalar' });
    const expected: number[] = [];
    for (let c = 0; c < 2; c++) for (let a = 0; a < 2; a++) for (let b = 0; b < 3; b++) expected.push(x[a * 6 + b * 2 + c]!);
    expect(Array.from(model.run(x as unknown as Int8Array) as unknown as Int32Array)).toEqual(expected);
  });

  it('refuses a TRANSPOSE perm that is not a permutation, and one that changes the quantization', async () => {
    const perm = (values: number[]) => ({
      opcodes: [{ deprecated: TRANSPOSE }],
      tensors: [{ shape: [2, 3] }, { shape: [2], type: INT32, buffer: 1 }, { shape: [3, 2] }],
      operators: [{ opcodeIndex: 0, inputs: [0, 1], outputs: [2] }],
      inputs: [0], outputs: [2],
      buffers: [{}, { data: int32Bytes(values) }],
    });
    expect((await refusal(perm([1, 1]))).message).toMatch(/TRANSPOSE: perm \[1,1\] is not a permutation of 2 dimensions/);
    expect((await refusal(perm([0, 2]))).message).toMatch(/is not a permutation/);
    const e = await refusal({
      opcodes: [{ deprecated: TRANSPOSE }],
      tensors: [
        { shape: [2, 3], type: INT8, quantization: { scale: [0.5], zeroPoint: [0] } }, { shape: [2], type: INT32, buffer: 1 },
        { shape: [3, 2], type: INT8, quantization: { scale: [0.25], zeroPoint: [0] } },
      ],
      operators: [{ opcodeIndex: 0, inputs: [0, 1], outputs: [2] }],
      inputs: [0], outputs: [2],
      buffers: [{}, { data: int32Bytes([1, 0]) }],
    });
    expect(e.message).toMatch(/TRANSPOSE: output must share the input's scale and zero point/);
    expect(e.tensorIndex).toBe(2);
  });

  it('MAXIMUM and MINIMUM follow std::max / std::min on float32, NaN included', async () => {
    const spec = (op: number): ModelSpec => ({
      opcodes: [{ deprecated: op }],
      tensors: [{ shape: [4], name: 'x' }, { shape: [1], buffer: 1 }, { shape: [4] }],
      operators: [{ opcodeIndex: 0, inputs: [0, 1], outputs: [2] }],
      inputs: [0], outputs: [2],
      buffers: [{}, { data: float32Bytes([0.5]) }],
    });
    const x = new Float32Array([-1, 0.5, 2, NaN]);
    expect(await run(spec(MAXIMUM), x)).toEqual([0.5, 0.5, 2, NaN]);
    expect(await run(spec(MINIMUM), x)).toEqual([-1, 0.5, 0.5, NaN]);
  });

  it('MAXIMUM compares int8 as stored and refuses inputs quantized differently from the output', async () => {
    const q = { scale: [0.1], zeroPoint: [-3] };
    const spec = (bq: typeof q): ModelSpec => ({
      opcodes: [{ deprecated: MAXIMUM }],
      tensors: [
        { shape: [2, 2], type: INT8, quantization: q }, { shape: [2], type: INT8, buffer: 1, quantization: bq },
        { shape: [2, 2], type: INT8, quantization: q },
      ],
      operators: [{ opcodeIndex: 0, inputs: [0, 1], outputs: [2] }],
      inputs: [0], outputs: [2],
      buffers: [{}, { data: new Uint8Array(new Int8Array([-3, 10]).buffer) }],
    });
    expect(await run(spec(q), new Int8Array([-128, 127, 0, 5]))).toEqual([-3, 127, 0, 10]);
    const e = await refusal(spec({ scale: [0.2], zeroPoint: [-3] }));
    expect(e.message).toMatch(/MAXIMUM: quantized input \(scale 0\.2, zero point -3\) must share the output's \(scale 0\.1/);
    expect(e.tensorIndex).toBe(1);
  });

  it('RELU_0_TO_1 clamps float32, and int8 to the quantized [0, 1] of its output (no converter path writes it)', async () => {
    const floatSpec: ModelSpec = {
      opcodes: [{ deprecated: 127, builtin: RELU_0_TO_1 }],
      tensors: [{ shape: [4] }, { shape: [4] }],
      operators: [{ opcodeIndex: 0, inputs: [0], outputs: [1] }],
      inputs: [0], outputs: [1],
    };
    expect(await run(floatSpec, new Float32Array([-0.5, 0.25, 1, 2]))).toEqual([0, 0.25, 1, 1]);
    // same scale in and out: the rescale is the identity, the clamp is [zp + 0/0.25, zp + 1/0.25] = [−4, 0]
    const q = { scale: [0.25], zeroPoint: [-4] };
    const out = await run({
      ...floatSpec, tensors: [{ shape: [5], type: INT8, quantization: q }, { shape: [5], type: INT8, quantization: q }],
    }, new Int8Array([-10, -4, -2, 0, 5]));
    expect(out).toEqual([-4, -4, -2, 0, 0]);
  });

  // TF 2.21's BUILTIN_REF resolver has no TILE v3 (what the converter writes for UpSampling2D), so no zoo golden.
  it('TILE repeats every dimension its multiple of times (int8 [1,2,3,2] × [1,3,1,2]), and a multiple of 0 empties it', async () => {
    const q = { scale: [0.5], zeroPoint: [1] };
    const spec = (multiples: number[], outShape: number[]): ModelSpec => ({
      opcodes: [{ deprecated: TILE }],
      tensors: [{ shape: [1, 2, 3, 2], type: INT8, quantization: q }, { shape: [multiples.length], type: INT32, buffer: 1 }, { shape: outShape, type: INT8, quantization: q }],
      operators: [{ opcodeIndex: 0, inputs: [0, 1], outputs: [2] }],
      inputs: [0], outputs: [2],
      buffers: [{}, { data: int32Bytes(multiples) }],
    });
    const x = Int8Array.from({ length: 12 }, (_, i) => i - 6);
    const expected: number[] = [];
    for (let h = 0; h < 6; h++) for (let w = 0; w < 3; w++) for (let c = 0; c < 4; c++) expected.push(x[(h % 2) * 6 + w * 2 + (c % 2)]!);
    expect(await run(spec([1, 3, 1, 2], [1, 6, 3, 4]), x)).toEqual(expected);
    expect(await run(spec([1, 0, 1, 1], [1, 0, 3, 2]), x)).toEqual([]);
    expect((await refusal(spec([1, 3, 1], [1, 6, 3, 2]))).message).toMatch(/TILE: multiples \[1,3,1\] must be 4 non-negative integers/);
  });

  describe('STRIDED_SLICE cases the converter does not write', () => {
    const slice = (begin: number[], end: number[], strides: number[], outShape: number[], masks: { shrink?: number; offset?: boolean; ellipsis?: number }): ModelSpec => ({
      opcodes: [{ deprecated: STRIDED_SLICE }],
      tensors: [
        { shape: [6], type: INT32 }, { shape: [1], type: INT32, buffer: 1 }, { shape: [1], type: INT32, buffer: 2 },
        { shape: [1], type: INT32, buffer: 3 }, { shape: outShape, type: INT32 },
      ],
      operators: [{
        opcodeIndex: 0, inputs: [0, 1, 2, 3], outputs: [4], optionsType: 32,
        options: [undefined, undefined, masks.ellipsis ? { scalar: 'i32', value: masks.ellipsis } : undefined, undefined,
          masks.shrink ? { scalar: 'i32', value: masks.shrink } : undefined, masks.offset ? { scalar: 'bool', value: true } : undefined],
      }],
      inputs: [0], outputs: [4],
      buffers: [{}, { data: int32Bytes(begin) }, { data: int32Bytes(end) }, { data: int32Bytes(strides) }],
    });
    const x = Int32Array.from([10, 11, 12, 13, 14, 15]) as unknown as Int8Array;

    it('a shrunk axis takes begin alone, whatever end says (begin −1, end 0: the last element)', async () => {
      expect(await run(slice([-1], [0], [1], [], { shrink: 1 }), x)).toEqual([15]);
    });

    it('a negative stride from a negative begin', async () => {
      expect(await run(slice([4], [-6], [-2], [2], {}), x)).toEqual([14, 12]);
    });

    it('takes whole the axes past the end of begin, end and strides', async () => {
      const out = await run({
        opcodes: [{ deprecated: STRIDED_SLICE }],
        tensors: [
          { shape: [2, 3], type: INT32 }, { shape: [1], type: INT32, buffer: 1 }, { shape: [1], type: INT32, buffer: 2 },
          { shape: [1], type: INT32, buffer: 1 }, { shape: [1, 3], type: INT32 },
        ],
        operators: [{ opcodeIndex: 0, inputs: [0, 1, 2, 3], outputs: [4], optionsType: 32 }],
        inputs: [0], outputs: [4],
        buffers: [{}, { data: int32Bytes([1]) }, { data: int32Bytes([2]) }],
      }, x);
      expect(out).toEqual([13, 14, 15]);
    });

    it('refuses ellipsis_mask and offset', async () => {
      expect((await refusal(slice([0], [6], [1], [6], { ellipsis: 1 }))).message).toMatch(/STRIDED_SLICE: ellipsis_mask 1, new_axis_mask 0, offset false: only 0, 0, false are supported/);
      expect((await refusal(slice([1], [3], [1], [3], { offset: true }))).message).toMatch(/offset true/);
    });
  });
});
