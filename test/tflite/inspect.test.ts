// `i8x16 inspect` on the file made by the seed's exact converter code, in text and JSON form.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatReport, inspectModel } from '../../src/cli/inspect.js';
import { readTfliteModel } from '../../src/tflite/model.js';

const ROOT = join(__dirname, '../..');
const SEED = join(ROOT, 'test/fixtures/seed/seed_dynamic_int8.tflite');

describe.skipIf(!existsSync(SEED))('inspect (seed dynamic-range file)', () => {
  const bytes = new Uint8Array(readFileSync(SEED));
  const report = inspectModel(readTfliteModel(bytes), SEED, bytes.byteLength);

  it('lists 3 CONV_2D, RESHAPE and 2 FULLY_CONNECTED with int8 per-channel weights', () => {
    expect(report.operators.map((o) => o.op)).toEqual(['CONV_2D', 'CONV_2D', 'CONV_2D', 'RESHAPE', 'FULLY_CONNECTED', 'FULLY_CONNECTED']);
    for (const op of report.operators.filter((o) => o.op !== 'RESHAPE')) {
      expect(op.arithmetic).toBe('hybrid: float32 activations, int8 per-channel weights');
      const w = op.inputs[1]!;
      expect(w.dtype).toBe('int8');
      expect(w.constant).toBe(true);
      expect(w.quantization).toMatchObject({ kind: 'per-channel', axis: 0, channels: w.shape[0] });
    }
    expect(report.operators[0]!.options).toMatchObject({ padding: 'VALID', strideW: 4, strideH: 4, activation: 'RELU' });
    expect(report.operators[4]!.options).toMatchObject({ asymmetricQuantizeInputs: true, keepNumDims: false });
  });

  it('reports weight bytes and arena bytes', () => {
    // All constants: 4 conv/FC weight tensors' int8 bytes plus float biases and the reshape shape.
    const constants = report.tensors.filter((t) => t.constant).reduce((n, t) => n + t.bytes, 0);
    expect(report.weightBytes).toBe(constants);
    // Peak of two live activations: the 96×96 input with conv1's 23×23×32 output.
    expect(report.arenaBytes).toBe(96 * 96 * 4 + 23 * 23 * 32 * 4);
    expect(report.unsupportedOps).toEqual([]);
  });

  it('prints the same facts as text, and JSON through the CLI entry point', () => {
    const text = formatReport(report);
    expect(text).toMatch(/^ops: 3 CONV_2D, 1 RESHAPE, 2 FULLY_CONNECTED$/m);
    expect(text.match(/hybrid: float32 activations, int8 per-channel weights/g)).toHaveLength(5);
    expect(text).toMatch(/^arena bytes: 104576$/m);
    const json = execFileSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), 'inspect', SEED, '--json'], { cwd: ROOT, encoding: 'utf8' });
    const parsed = JSON.parse(json);
    expect(parsed.opCounts).toEqual({ CONV_2D: 3, RESHAPE: 1, FULLY_CONNECTED: 2 });
    expect(parsed.weightBytes).toBe(report.weightBytes);
  });

  it('exits with status 1 and a ModelError message for a broken file', () => {
    let status = 0;
    let stderr = '';
    try {
      execFileSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), 'inspect', join(ROOT, 'package.json')], { cwd: ROOT, encoding: 'utf8', stdio: 'pipe' });
    } catch (e) {
      status = (e as { status: number }).status;
      stderr = String((e as { stderr: string }).stderr);
    }
    expect(status).toBe(1);
    expect(stderr).toMatch(/not a \.tflite file/);
  });
});
