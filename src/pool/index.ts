// i8x16/pool (Node only): evaluate many CarRacing episodes in parallel. Each worker thread loads the policy
// and runs the environment and the policy itself, so only seeds and per-episode results cross threads.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { BackendChoice, Build } from '../kernels/api.js';
import type { EpisodeResult } from './episode.js';
import type { WorkerInit, WorkerReply } from './protocol.js';

export { EpisodeRunner, type EpisodeResult } from './episode.js';

export interface PoolOptions {
  /** The policy: a .tflite file path, a URL string, or its bytes. */
  source: string | URL | Uint8Array | ArrayBuffer;
  backend?: BackendChoice;
  /** Worker threads (default 2). */
  workers?: number;
  /** Episode step limit (default 1000, CarRacing-v3's TimeLimit). */
  maxEpisodeSteps?: number;
}

export interface Pool {
  readonly workers: number;
  /** The kernel build the workers loaded. */
  readonly backend: Build;
  /** Runs one episode per seed across the workers; results are in the order of `seeds`. */
  evaluate(args: { seeds: readonly number[] }): Promise<EpisodeResult[]>;
  /** Terminates the workers. */
  close(): Promise<void>;
}

// In dist/ tsup emits the worker as pool-worker.js next to pool.js. From the sources (tsx, vitest) the worker is
// worker.ts, and the worker thread registers tsx itself before importing it (loader flags do not reach it there).
function spawnWorker(init: WorkerInit): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./pool-worker.js', import.meta.url), { workerData: init });
  const entry = new URL('./worker.ts', import.meta.url).href;
  const tsx = typeof import.meta.resolve === 'function' ? import.meta.resolve('tsx/esm/api')
    : pathToFileURL(join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist/esm/api/index.mjs')).href;
  return new Worker(`import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); })`,
    { eval: true, workerData: init });
}

export async function createPool(options: PoolOptions): Promise<Pool> {
  const count = options.workers ?? 2;
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`i8x16 pool: workers must be a positive integer, got ${count}`);
  const src = options.source;
  const source: WorkerInit['source'] = src instanceof URL ? (src.protocol === 'file:' ? decodeURIComponent(src.pathname) : src.href)
    : src instanceof ArrayBuffer ? new Uint8Array(src.slice(0)) : src instanceof Uint8Array ? src.slice() : src;
  const init: WorkerInit = { source, backend: options.backend ?? 'auto', maxEpisodeSteps: options.maxEpisodeSteps };

  const workers: Worker[] = [];
  const pending = new Map<number, { resolve: (r: EpisodeResult) => void; reject: (e: Error) => void }>();
  const failAll = (e: Error) => { for (const p of pending.values()) p.reject(e); pending.clear(); };
  let backend: Build | undefined;
  try {
    await Promise.all(Array.from({ length: count }, () => new Promise<void>((resolve, reject) => {
      const w = spawnWorker(init);
      workers.push(w);
      w.on('message', (m: WorkerReply) => {
        if (m.type === 'ready') { backend = m.backend; resolve(); return; }
        if (m.type === 'error' && m.id === -1) { reject(new Error(`i8x16 pool: worker failed to load the model: ${m.message}`)); return; }
        const p = pending.get(m.id);
        if (!p) return;
        pending.delete(m.id);
        if (m.type === 'result') p.resolve(m.result);
        else p.reject(new Error(`i8x16 pool: episode failed in a worker: ${m.message}`));
      });
      w.on('error', (e) => { reject(e); failAll(e); });
      w.on('exit', (code) => { if (code !== 0) failAll(new Error(`i8x16 pool: a worker exited with code ${code}`)); });
    })));
  } catch (e) {
    await Promise.all(workers.map((w) => w.terminate()));
    throw e;
  }

  let nextId = 0;
  let closed = false;
  const runOn = (w: Worker, seed: number) => new Promise<EpisodeResult>((resolve, reject) => {
    const id = nextId++;
    pending.set(id, { resolve, reject });
    w.postMessage({ id, seed });
  });

  return {
    workers: count,
    backend: backend!,
    async evaluate({ seeds }) {
      if (closed) throw new Error('i8x16 pool: closed');
      const results = new Array<EpisodeResult>(seeds.length);
      let next = 0;
      // each worker pulls the next seed when it finishes one: long and short episodes balance out
      await Promise.all(workers.map(async (w) => {
        while (next < seeds.length) {
          const i = next++;
          results[i] = await runOn(w, seeds[i]!);
        }
      }));
      return results;
    },
    async close() {
      closed = true;
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
