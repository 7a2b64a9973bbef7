// No heap growth while running: heapUsed after GC at run 10,000 minus at run 1,000 ≤ 64 KiB (a window over the
// limit is re-measured over up to two more 9,000-run windows, see helpers/heap-child.ts; a leak fails every window).
// Runs in a child process so --expose-gc and a clean heap are guaranteed.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '../..');
const ZOO = join(ROOT, 'test/fixtures/zoo');
// Models covering every op family in TS plus the three GEMM families.
const MODELS = ['mixed_net/int8.tflite', 'mixed_net/int8_fio.tflite', 'mixed_net/dynamic_int8.tflite', 'mixed_net/float32.tflite',
  'add_broadcast/int8.tflite', 'concat/float32.tflite', 'pad/int8.tflite', 'softmax_4d/int8.tflite', 'logistic/int8.tflite',
  'tanh/float32.tflite', 'leaky_relu/int8.tflite', 'mean/int8.tflite', 'pool_avg_same/int8.tflite', 'reshape/float32.tflite']
  .map((m) => join(ZOO, m)).filter(existsSync);
// The headline model too, on the SIMD builds (10,000 scalar runs of it would take minutes).
const SEED = join(ROOT, 'test/fixtures/seed/seed_dynamic_int8.tflite');
const LIMIT = 64 * 1024;

describe.skipIf(MODELS.length === 0)('heap', () => {
  for (const backend of ['scalar', 'simd', 'relaxed'] as const) {
    const models = backend !== 'scalar' && existsSync(SEED) ? [...MODELS, SEED] : MODELS;
    it(`${backend}: heapUsed(10,000) − heapUsed(1,000) ≤ 64 KiB for ${models.length} models`, () => {
      const out = execFileSync(process.execPath, [...process.execArgv, '--expose-gc', '--single-threaded-gc', '--import', 'tsx', join(__dirname, 'helpers/heap-child.ts'), backend, ...models],
        { cwd: ROOT, encoding: 'utf8', timeout: 280_000, env: { ...process.env, HEAP_LIMIT: String(LIMIT) } });
      const results = JSON.parse(out.trim().split('\n').pop()!) as { file: string; delta: number; windows: number[]; msPerRun: number }[];
      for (const r of results) console.log(`heap ${backend} ${r.file.slice(ROOT.length + 1)}: Δ ${r.delta} bytes${r.windows.length > 1 ? ` (windows ${r.windows.join(', ')})` : ''}, ${r.msPerRun.toFixed(3)} ms/run`);
      expect(results.length).toBe(models.length);
      for (const r of results) expect(r.delta, r.file).toBeLessThanOrEqual(LIMIT);
    }, 300_000);
  }
});
