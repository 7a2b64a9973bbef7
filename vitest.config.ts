import { defineConfig } from 'vitest/config';

// Node 20 validates relaxed SIMD only behind a flag, and its baseline tier (Liftoff) computes the relaxed dot
// wrongly; the test workers get both flags so the relaxed build is exercised on Node 20 too. Plain-flag and
// no-flag Node 20 behaviour (probe rejects, auto falls back) is tested in child processes (test/kernels/engines).
const nodeMajor = Number(process.versions.node.split('.')[0]);
const execArgv = nodeMajor < 22 ? ['--experimental-wasm-relaxed-simd', '--no-liftoff'] : [];

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    execArgv,
  },
});
