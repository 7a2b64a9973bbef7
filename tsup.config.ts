import { defineConfig } from 'tsup';

export default defineConfig([
  {
    // carracing is its own entry so the i8x16 entry stays free of planck and the renderer.
    entry: { index: 'src/index.ts', carracing: 'src/carracing/index.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'es2022',
    platform: 'neutral',
    // Bundled (3 KB) so dist/index.js has no bare imports: a plain <script type="module"> can load it.
    noExternal: ['wasm-feature-detect'],
    external: ['node:fs', 'node:fs/promises', 'node:v8', 'node:worker_threads', 'node:path', 'node:url'],
  },
  {
    entry: { cli: 'src/cli/main.ts' },
    format: ['esm'],
    sourcemap: true,
    target: 'es2022',
    platform: 'node',
    banner: { js: '#!/usr/bin/env node' },
  },
  {
    // i8x16/pool: Node-only (worker_threads), ESM; pool.js starts pool-worker.js from its own directory.
    entry: { pool: 'src/pool/index.ts', 'pool-worker': 'src/pool/worker.ts' },
    format: ['esm'],
    dts: { entry: { pool: 'src/pool/index.ts' } },
    sourcemap: true,
    target: 'es2022',
    platform: 'node',
  },
]);
