// Builds examples/web into examples/web/dist. i8x16 resolves to the repository's sources, as an
// installed package would resolve to its dist (test/packaging checks that path).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const src = (p: string) => fileURLToPath(new URL(`../../src/${p}`, import.meta.url));

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  resolve: {
    alias: [
      { find: /^i8x16\/carracing$/, replacement: src('carracing/index.ts') },
      { find: /^i8x16$/, replacement: src('index.ts') },
    ],
  },
  worker: { format: 'es' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    reportCompressedSize: false,
  },
});
