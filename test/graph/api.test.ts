// Public API behaviour on small hand-built models: sources, I/O metadata, input validation,
// reused output views, maxBytes, dispose, and unsupported-op reporting.
import { writeFileSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadModel, ModelError } from '../../src/index.js';
import { buildTflite, float32Bytes, int32Bytes, type ModelSpec } from '../tflite/helpers/flatbuffer-builder.js';

const FC = 9, ADD = 0, RELU = 19, RESHAPE = 22, GELU = 150, CUSTOM = 32;

/** y = W·x with W = [[1,2,3,4],[5,6,7,8]], then RELU. */
function fcModel(): ModelSpec {
  return {
    opcodes: [{ deprecated: FC }, { deprecated: RELU }],
    tensors: [
      { shape: [1, 4], name: 'x' },
      { shape: [2, 4], buffer: 1, name: 'w' },
      { shape: [1, 2], name: 'fc' },
      { shape: [1, 2], name: 'y' },
    ],
    operators: [
      { opcodeIndex: 0, inputs: [0, 1, -1], outputs: [2] },
      { opcodeIndex: 1, inputs: [2], outputs: [3] },
    ],
    inputs: [0],
    outputs: [3],
    buffers: [{}, { data: float32Bytes([1, 2, 3, 4, 5, 6, 7, 8]) }],
  };
}

describe('loadModel sources', () => {
  const bytes = buildTflite(fcModel());
  const dir = mkdtempSync(join(tmpdir(), 'i8x16-'));
  const path = join(dir, 'fc.tflite');
  writeFileSync(path, bytes);

  it.each([
    ['Uint8Array', () => bytes],
    ['ArrayBuffer', () => bytes.slice().buffer],
    ['file path', () => path],
    ['file URL', () => pathToFileURL(path)],
  ])('loads from a %s', async (_label, source) => {
    const model = await loadModel(source() as never, { backend: 'scalar' });
    expect(Array.from(model.run(new Float32Array([1, 1, 1, -1])) as Float32Array)).toEqual([2, 10]);
  });

  it('loads from an http URL with fetch, and reports HTTP failures', async () => {
    const server = createServer((req, res) => {
      if (req.url === '/fc.tflite') res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(Buffer.from(bytes));
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const model = await loadModel(`http://127.0.0.1:${port}/fc.tflite`, { backend: 'scalar' });
      expect(Array.from(model.run(new Float32Array([1, 1, 1, -1])) as Float32Array)).toEqual([2, 10]);
      await expect(loadModel(new URL(`http://127.0.0.1:${port}/missing.tflite`))).rejects.toThrow(/HTTP 404/);
      await expect(loadModel(`http://127.0.0.1:${port}/fc.tflite`, { maxBytes: 100 })).rejects.toBeInstanceOf(ModelError);
    } finally {
      server.close();
    }
  });

  it('refuses a file larger than maxBytes before reading it', async () => {
    await expect(loadModel(path, { maxBytes: 10 })).rejects.toBeInstanceOf(ModelError);
  });
});

describe('Model', () => {
  it('describes inputs and outputs', async () => {
    const model = await loadModel(buildTflite(fcModel()), { backend: 'scalar' });
    expect(model.inputs).toEqual([{ name: 'x', shape: [1, 4], dtype: 'float32' }]);
    expect(model.outputs).toEqual([{ name: 'y', shape: [1, 2], dtype: 'float32' }]);
    expect(model.backend).toBe('scalar');
  });

  it('computes, and returns the same reused view on every call', async () => {
    const model = await loadModel(buildTflite(fcModel()), { backend: 'simd' });
    const a = model.run(new Float32Array([1, 2, 3, 4]));
    expect(Array.from(a as Float32Array)).toEqual([30, 70]);
    const b = model.run(new Float32Array([-1, -2, -3, -4]));
    expect(b).toBe(a);
    expect(Array.from(a as Float32Array)).toEqual([0, 0]);
    const list = model.run([new Float32Array(4)]);
    expect(list).toBe(model.run([new Float32Array(4)]));
    expect(list[0]).toBe(a);
  });

  it('throws clear errors for a wrong input count, length or dtype', async () => {
    const model = await loadModel(buildTflite(fcModel()), { backend: 'scalar' });
    expect(() => model.run([])).toThrow(/has 1 input\(s\), got 0/);
    expect(() => model.run(new Float32Array(3))).toThrow(/needs 4 elements for shape \[1,4\], got 3/);
    expect(() => model.run(new Int8Array(4))).toThrow(/must be a Float32Array \(float32\), got Int8Array/);
    expect(() => model.run([[1, 2, 3, 4]] as never)).toThrow(/must be a Float32Array \(float32\), got Array/);
  });

  it('refuses models whose weights plus arena exceed maxBytes', async () => {
    const e = await loadModel(buildTflite(fcModel()), { maxBytes: 40 }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ModelError);
    expect((e as Error).message).toMatch(/exceed maxBytes \(40\)/);
  });

  it('throws after dispose', async () => {
    const model = await loadModel(buildTflite(fcModel()), { backend: 'scalar' });
    model.dispose();
    expect(() => model.run(new Float32Array(4))).toThrow(/disposed/);
  });

  it('lists every unsupported op at once, with names and op indices', async () => {
    const spec = fcModel();
    spec.opcodes.push({ deprecated: 127, builtin: GELU }, { deprecated: CUSTOM, custom: 'MyOp' });
    spec.tensors.push({ shape: [1, 2], name: 'g' }, { shape: [1, 2], name: 'c' });
    spec.operators.push({ opcodeIndex: 2, inputs: [3], outputs: [4] }, { opcodeIndex: 3, inputs: [4], outputs: [5] });
    spec.outputs = [5];
    const e = (await loadModel(buildTflite(spec)).catch((x: unknown) => x)) as ModelError;
    expect(e).toBeInstanceOf(ModelError);
    expect(e.message).toMatch(/2 unsupported op\(s\): GELU \(op 2\), CUSTOM\(MyOp\) \(op 3\)/);
    expect(e.opIndex).toBe(2);
  });

  it('refuses sparse and variable tensors by name', async () => {
    for (const [flag, pattern] of [['sparse', /sparse tensors/], ['isVariable', /variable tensors/]] as const) {
      const spec = fcModel();
      spec.tensors[1] = { ...spec.tensors[1]!, [flag]: true };
      const e = (await loadModel(buildTflite(spec)).catch((x: unknown) => x)) as ModelError;
      expect(e).toBeInstanceOf(ModelError);
      expect(e.message).toMatch(pattern);
      expect(e.tensorIndex).toBe(1);
    }
  });

  it('names the op and tensor when a declared shape disagrees with the op', async () => {
    const spec = fcModel();
    spec.tensors[2] = { shape: [1, 3], name: 'fc' };
    const e = (await loadModel(buildTflite(spec)).catch((x: unknown) => x)) as ModelError;
    expect(e).toBeInstanceOf(ModelError);
    expect(e.opIndex).toBe(0);
    expect(e.tensorIndex).toBe(2);
    expect(e.message).toMatch(/FULLY_CONNECTED: tensor shape is \[1,3\], but the op produces \[1,2\]/);
  });
});

describe('planner', () => {
  it('reuses arena space between tensors whose lifetimes do not overlap', async () => {
    // x → ADD(x,x) → RELU → RESHAPE → RELU: five 4 KiB activations, at most two alive at once.
    const n = 1024;
    const spec: ModelSpec = {
      opcodes: [{ deprecated: ADD }, { deprecated: RELU }, { deprecated: RESHAPE }],
      tensors: [
        { shape: [1, n], name: 'x' }, { shape: [1, n], name: 'a' }, { shape: [1, n], name: 'r' },
        { shape: [n], name: 's' }, { shape: [n], name: 'y' }, { shape: [1], type: 2, buffer: 1, name: 'shape' },
      ],
      operators: [
        { opcodeIndex: 0, inputs: [0, 0], outputs: [1] },
        { opcodeIndex: 1, inputs: [1], outputs: [2] },
        { opcodeIndex: 2, inputs: [2, 5], outputs: [3] },
        { opcodeIndex: 1, inputs: [3], outputs: [4] },
      ],
      inputs: [0],
      outputs: [4],
      buffers: [{}, { data: int32Bytes([n]) }],
    };
    const model = await loadModel(buildTflite(spec), { backend: 'scalar' });
    expect(model.arenaBytes).toBe(2 * 4 * n);
    const x = new Float32Array(n).map((_, i) => i - 512);
    const y = model.run(x) as Float32Array;
    for (let i = 0; i < n; i++) expect(y[i]).toBe(Math.max(0, 2 * (i - 512)));
  });
});
