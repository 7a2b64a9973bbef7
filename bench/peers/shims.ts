// Node shims for the two browser-only TFLite peers (tfjs-tflite, LiteRT.js): both load an Emscripten glue
// script with importScripts() as if they ran in a Web Worker. See ../../../shared/docs/peer-runtimes.md §5.
// Installed only after tfjs / onnxruntime are loaded, because a global `self` changes their environment checks.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

const g = globalThis as Record<string, unknown>;
let server: http.Server | null = null;
/** Every glue script evaluated (which build each peer picked). */
export const loadedScripts: string[] = [];

/** Maps a script URL or path the loaders ask for onto a file in `dirs`, then evaluates it in this context. */
function installImportScripts(dirs: string[], rename: (name: string) => string): void {
  g.importScripts = (...urls: unknown[]) => {
    for (const u of urls) {
      const s = String(u);
      const name = rename(basename(s.startsWith('file:') ? fileURLToPath(s) : s.split(/[?#]/)[0]!));
      const dir = dirs.find((d) => { try { readFileSync(join(d, name)); return true; } catch { return false; } });
      if (!dir) throw new Error(`importScripts shim: ${name} not found in ${dirs.join(', ')}`);
      const file = join(dir, name);
      loadedScripts.push(file);
      vm.runInThisContext(readFileSync(file, 'utf8'), { filename: file });
    }
  };
}

/**
 * tfjs-tflite: a Worker-like global plus a loopback HTTP server for its .wasm (its Emscripten glue fetch()es it).
 * Feature detection reports multi-threading in Node, but the threaded build needs a Web Worker, so the
 * `_simd_threaded.js` glue is swapped for `_simd.js`.
 */
export async function shimTfjsTflite(wasmDir: string): Promise<string> {
  server ??= await new Promise<http.Server>((resolve) => {
    const s = http.createServer((req, res) => {
      const name = basename((req.url ?? '/').split('?')[0]!);
      try {
        const body = readFileSync(join(wasmDir, name));
        res.writeHead(200, { 'content-type': name.endsWith('.wasm') ? 'application/wasm' : 'text/javascript' });
        res.end(body);
      } catch {
        res.writeHead(404).end();
      }
    });
    s.listen(0, '127.0.0.1', () => resolve(s));
  });
  server.unref();
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  g.self = globalThis;
  g.location = { origin, href: `${origin}/`, protocol: 'http:' };
  installImportScripts([wasmDir], (n) => n.replace('_simd_threaded.js', '_simd.js').replace('_threaded.js', '.js'));
  return `${origin}/`;
}

/** LiteRT.js: the glue takes its Node code path, which calls require('node:fs'). */
export function shimLiteRt(wasmDir: string): void {
  g.self = globalThis;
  g.require ??= createRequire(import.meta.url);
  // the glue evaluates as a classic script, so CommonJS's __dirname (its scriptDirectory) is not there
  g.__dirname = wasmDir;
  installImportScripts([wasmDir], (n) => n);
}

export function closeShimServer(): void {
  server?.close();
  server = null;
}
