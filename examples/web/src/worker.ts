// Web Worker host: the same Driver (env + policy + loop) and the benchmark, behind a small RPC.
import { Driver, type FrameData } from './driver.js';
import { runBenchmark } from './bench.js';
import type { Catalogue } from './models.js';
import type { BackendChoice } from 'i8x16';

export interface Call {
  id: number;
  method: string;
  args: unknown[];
}

let driver: Driver | null = null;

const methods: Record<string, (...args: any[]) => unknown> = {
  init(seed: number) {
    driver?.dispose();
    driver = new Driver(seed);
  },
  setModel: (url: string, build: BackendChoice, trained: boolean) => need().setModel(url, build, trained),
  reset: (seed: number) => need().reset(seed),
  setSpeed: (speed) => need().setSpeed(speed),
  setInference: (on: boolean) => need().setInference(on),
  start: () => need().start(),
  stop: () => need().stop(),
  stats: () => need().stats(),
  frame: () => need().frame(),
  dispose() {
    driver?.dispose();
    driver = null;
  },
  bench: (catalogue: Catalogue) =>
    runBenchmark(catalogue, (row) => postMessage({ progress: row })),
};

function need(): Driver {
  if (!driver) throw new Error('worker driver not initialised');
  return driver;
}

self.onmessage = async (event: MessageEvent<Call>) => {
  const { id, method, args } = event.data;
  try {
    const result = await methods[method]!(...args);
    const transfer: Transferable[] = [];
    if (method === 'frame') {
      transfer.push((result as FrameData).agent.buffer);
    }
    postMessage({ id, ok: true, result }, { transfer });
  } catch (error) {
    postMessage({ id, ok: false, error: String((error as Error)?.stack ?? error) });
  }
};
