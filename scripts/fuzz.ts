// Full fuzz run: `npm run fuzz [-- --cases N --seed S --max-bytes B --out DIR]`.
// Mutates and truncates small .tflite files; each case must load and run or throw ModelError.
// Failing inputs are written to --out for replay. Exit code 1 on any failure or a case over 1 s.
import v8 from 'node:v8';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

// Node 20 has relaxed SIMD behind a flag (and Liftoff miscomputes its dot): set both before any wasm is compiled.
if (Number(process.versions.node.split('.')[0]) < 22) {
  v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
  v8.setFlagsFromString('--no-liftoff');
}
const { defaultSeedFiles, runFuzz } = await import('../test/fuzz/fuzz-harness.js');
const { detectFeatures } = await import('../src/wasm/loader.js');

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

const cases = Number(arg('cases', '5000'));
const seed = Number(arg('seed', '20261126'));
const maxBytes = Number(arg('max-bytes', String(64 << 20)));
const outDir = arg('out', 'fuzz-failures');
const SLOW_MS = 1000;

const seeds = defaultSeedFiles(process.cwd(), 60);
// The real converter outputs for the seed architecture (2 MB each) as well, when present.
for (const f of ['seed_dynamic_int8.tflite', 'seed_int8.tflite']) {
  const path = join('test/fixtures/seed', f);
  if (existsSync(path)) seeds.push({ name: `seed/${f}`, bytes: new Uint8Array(readFileSync(path)) });
}
if (seeds.length === 0) {
  console.error('fuzz: no seed files (test/fixtures/zoo/*/*.tflite); run from the repository root');
  process.exit(2);
}
const features = await detectFeatures();
const backends = (['scalar', 'simd', 'relaxed'] as const).filter((b) => b === 'scalar' || (b === 'simd' ? features.simd : features.relaxedSimd));
console.log(`fuzz: ${cases} cases from ${seeds.length} seed files, seed ${seed}, maxBytes ${maxBytes}, builds ${backends.join('/')} (${process.version})`);
const report = await runFuzz({
  cases, seed, seeds, maxBytes, backends: [...backends], generatedShare: 0.3,
  onFailure: (f) => {
    mkdirSync(outDir, { recursive: true });
    const file = join(outDir, `case-${f.caseIndex}.tflite`);
    writeFileSync(file, f.bytes);
    console.error(`FAIL case ${f.caseIndex} (${f.seedName}; ${f.mutation}) saved to ${file}\n${f.error}`);
  },
});
const s = report.slowest;
console.log(`fuzz: ${report.cases} cases in ${(report.totalMs / 1000).toFixed(1)} s: ${report.loadedAndRan} loaded and ran, ${report.modelErrors} ModelError, ${report.failures.length} other failures`);
console.log(`fuzz: slowest case ${s.caseIndex} ${s.ms.toFixed(1)} ms (${s.seedName}; ${s.mutation}); largest model memory ${report.maxMemoryBytes} bytes`);
process.exit(report.failures.length > 0 || s.ms > SLOW_MS ? 1 : 0);
