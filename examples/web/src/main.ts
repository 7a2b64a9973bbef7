// The demo page: controls, canvases, HUD and the benchmark table. The simulation itself runs in a
// Driver on this thread or in a worker; this file only draws what it reports.
import type { BackendChoice } from 'i8x16';
import { CarRacingRenderer } from 'i8x16/carracing';
import { Driver, type DriverStats, type FrameData, type Speed } from './driver.js';
import type { BenchRow } from './bench.js';
import { BENCH_BUILDS } from './bench.js';
import { loadCatalogue, MODEL_KEYS, MODEL_LABELS, type Catalogue, type ModelKey } from './models.js';
import type { Call } from './worker.js';

const ACTIONS = ['no-op', 'left', 'right', 'gas', 'brake'];

interface Sim {
  readonly thread: 'main' | 'worker';
  setModel(url: string, build: BackendChoice, trained: boolean): Promise<void>;
  reset(seed: number): Promise<void>;
  setSpeed(speed: Speed): Promise<void>;
  setInference(on: boolean): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
  stats(): Promise<DriverStats>;
  frame(): Promise<FrameData>;
  dispose(): void;
}

class LocalSim implements Sim {
  readonly thread = 'main';
  private readonly driver: Driver;
  constructor(seed: number) {
    this.driver = new Driver(seed);
  }
  setModel = (url: string, build: BackendChoice, trained: boolean) => this.driver.setModel(url, build, trained);
  reset = async (seed: number) => this.driver.reset(seed);
  setSpeed = async (speed: Speed) => this.driver.setSpeed(speed);
  setInference = async (on: boolean) => this.driver.setInference(on);
  start = async () => this.driver.start();
  stop = async () => this.driver.stop();
  stats = async () => this.driver.stats();
  frame = async () => this.driver.frame();
  dispose = () => this.driver.dispose();
}

/** Promise-based calls into src/worker.ts. */
class WorkerClient {
  private readonly worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: any) => void; reject: (e: Error) => void }>();
  onProgress: ((row: BenchRow) => void) | null = null;
  constructor() {
    this.worker.onmessage = (event) => {
      const data = event.data;
      if (data.progress) return this.onProgress?.(data.progress);
      const p = this.pending.get(data.id);
      if (!p) return;
      this.pending.delete(data.id);
      if (data.ok) p.resolve(data.result);
      else p.reject(new Error(`worker: ${data.error}`));
    };
    this.worker.onerror = (event) => {
      const error = new Error(`worker failed: ${event.message}`);
      for (const p of this.pending.values()) p.reject(error);
      this.pending.clear();
      showError(error);
    };
  }
  call<T>(method: string, ...args: unknown[]): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, method, args } satisfies Call);
    });
  }
  terminate(): void {
    this.worker.terminate();
    for (const p of this.pending.values()) p.reject(new Error('worker terminated'));
    this.pending.clear();
  }
}

class WorkerSim implements Sim {
  readonly thread = 'worker';
  private readonly client = new WorkerClient();
  readonly ready: Promise<void>;
  constructor(seed: number) {
    this.ready = this.client.call('init', seed);
  }
  setModel = (url: string, build: BackendChoice, trained: boolean) => this.client.call<void>('setModel', url, build, trained);
  reset = (seed: number) => this.client.call<void>('reset', seed);
  setSpeed = (speed: Speed) => this.client.call<void>('setSpeed', speed);
  setInference = (on: boolean) => this.client.call<void>('setInference', on);
  start = () => this.client.call<void>('start');
  stop = () => this.client.call<void>('stop');
  stats = () => this.client.call<DriverStats>('stats');
  frame = () => this.client.call<FrameData>('frame');
  dispose = () => this.client.terminate();
}

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const modelSelect = $<HTMLSelectElement>('model');
const buildSelect = $<HTMLSelectElement>('build');
const speedSelect = $<HTMLSelectElement>('speed');
const workerBox = $<HTMLInputElement>('worker');
const inferenceBox = $<HTMLInputElement>('inference');
const benchButton = $<HTMLButtonElement>('bench');
const resetButton = $<HTMLButtonElement>('reset');
const statusLine = $<HTMLDivElement>('status');
const videoCtx = $<HTMLCanvasElement>('video').getContext('2d')!;
const agentCtx = $<HTMLCanvasElement>('agent').getContext('2d')!;

let catalogue: Catalogue;
let sim: Sim | null = null;
let seed = 1;
let lastStats: DriverStats | null = null;
let draws = 0;
let drawTimes: number[] = [];
let busy: Promise<unknown> = Promise.resolve();
const errors: string[] = [];

function showError(error: unknown): void {
  const text = String((error as Error)?.message ?? error);
  errors.push(text);
  statusLine.textContent = text;
  statusLine.className = 'error';
  console.error(error);
}

/** Serialises control changes so a fast series of clicks cannot interleave model loads. */
function serial<T>(fn: () => Promise<T>): Promise<T> {
  const next = busy.then(fn, fn);
  busy = next.catch(showError);
  return next;
}

async function applyModel(): Promise<void> {
  const key = modelSelect.value as ModelKey;
  const entry = catalogue[key];
  statusLine.className = '';
  statusLine.textContent = `loading ${MODEL_LABELS[key]} with build ${buildSelect.value}…`;
  await sim!.setModel(entry.url, buildSelect.value as BackendChoice, entry.trained);
  statusLine.textContent = entry.trained
    ? 'running'
    : 'running — trained models not found, using the seed architecture with random weights (test fixture)';
}

async function createSim(): Promise<void> {
  // Unpublish first: the draw loop must not ask a disposed simulation for a frame.
  const old = sim;
  sim = null;
  old?.dispose();
  lastStats = null;
  const next: Sim = workerBox.checked ? new WorkerSim(seed) : new LocalSim(seed);
  if (next instanceof WorkerSim) await next.ready;
  sim = next;
  await applyModel();
  await sim.setSpeed(speedSelect.value as Speed);
  await sim.setInference(inferenceBox.checked);
  await sim.start();
}

// Drawing: one frame request in flight at a time; the simulation keeps its own pace meanwhile.
let frameInFlight = false;
const videoImage = new ImageData(1000, 800);
const agentImage = new ImageData(96, 96);
/**
 * Rasterising the full view costs about a simulated step. With the simulation on this thread, 30 draws/s
 * leaves it most of the time; with the worker, drawing has this thread to itself.
 */
const MIN_DRAW_INTERVAL_MS = { main: 1000 / 30 - 2, worker: 0 };
const renderer = new CarRacingRenderer();
let lastDrawRequest = 0;
function draw(now: number): void {
  requestAnimationFrame(draw);
  if (!sim || frameInFlight || now - lastDrawRequest < MIN_DRAW_INTERVAL_MS[sim.thread]) return;
  lastDrawRequest = now;
  frameInFlight = true;
  const current = sim;
  current.frame().then((frame) => {
    if (current !== sim) return;
    renderer.renderFullRgba(frame.scene, true, new Uint8Array(videoImage.data.buffer));
    agentImage.data.set(frame.agent);
    videoCtx.putImageData(videoImage, 0, 0);
    agentCtx.putImageData(agentImage, 0, 0);
    const now = performance.now();
    draws++;
    drawTimes.push(now);
    while (drawTimes.length && now - drawTimes[0]! > 1000) drawTimes.shift();
    updateHud(frame.stats, current.thread);
  }, (error) => {
    if (current === sim) showError(error);
  }).finally(() => {
    frameInFlight = false;
  });
}

function fmtMs(ms: number | null): string {
  return ms === null ? '…' : ms < 1 ? `${(ms * 1000).toFixed(0)} µs` : `${ms.toFixed(2)} ms`;
}

function updateHud(s: DriverStats, thread: string): void {
  lastStats = s;
  $('hud-infer').textContent = s.inference ? fmtMs(s.inferMsP50) : 'off';
  $('hud-step').textContent = fmtMs(s.stepMsP50);
  $('hud-sps').textContent = s.stepsPerSec.toFixed(0);
  $('hud-reward').textContent = s.reward.toFixed(1);
  $('hud-tiles').textContent = `${s.tiles} / ${s.trackTiles}`;
  $('hud-episode').textContent = `${s.episode + 1} · ${s.episodeSteps}`;
  $('hud-action').textContent = ACTIONS[s.action] ?? String(s.action);
  $('hud-backend').textContent = `${s.backend} (${s.dtype} input)`;
  $('hud-model').textContent = s.model + (s.trained ? '' : ' (random weights)');
  $('hud-thread').textContent = `${thread} · ${drawTimes.length}`;
}

// Benchmark: always in its own worker so the page keeps drawing; driving pauses to free the CPU.
async function runBench(): Promise<BenchRow[]> {
  benchButton.disabled = true;
  $('bench-section').hidden = false;
  const table = $<HTMLTableElement>('bench-table');
  const rows: BenchRow[] = [];
  const render = () => {
    const cell = (key: ModelKey, build: string) => {
      const row = rows.find((r) => r.dtype === key && r.build === build);
      if (!row) return '<td>…</td>';
      return row.p50_ms === null ? `<td title="${row.error ?? ''}">n/a</td>` : `<td>${row.p50_ms.toFixed(4)}</td>`;
    };
    const speedup = (key: ModelKey) => {
      const s = rows.find((r) => r.dtype === key && r.build === 'scalar')?.p50_ms;
      const b = Math.min(...rows.filter((r) => r.dtype === key && r.build !== 'scalar' && r.p50_ms).map((r) => r.p50_ms!));
      return s && Number.isFinite(b) ? `${(s / b).toFixed(1)}×` : '…';
    };
    table.innerHTML = `<tr><th>model</th>${BENCH_BUILDS.map((b) => `<th>${b}</th>`).join('')}<th>best vs scalar</th></tr>` +
      MODEL_KEYS.map((k) => `<tr><td>${MODEL_LABELS[k]}</td>${BENCH_BUILDS.map((b) => cell(k, b)).join('')}<td>${speedup(k)}</td></tr>`).join('');
  };
  render();
  const client = new WorkerClient();
  client.onProgress = (row) => {
    rows.push(row);
    render();
  };
  const wasRunning = sim !== null;
  try {
    await sim?.stop();
    const result = await client.call<BenchRow[]>('bench', catalogue);
    rows.splice(0, rows.length, ...result);
    render();
    $('bench-json').textContent = JSON.stringify(result, null, 1);
    return result;
  } finally {
    client.terminate();
    benchButton.disabled = false;
    if (wasRunning) await sim?.start();
  }
}

async function main(): Promise<void> {
  const params = new URLSearchParams(location.search);
  catalogue = await loadCatalogue(location.href);
  for (const key of MODEL_KEYS) modelSelect.add(new Option(MODEL_LABELS[key], key));
  modelSelect.value = params.get('model') ?? 'int8';
  buildSelect.value = params.get('build') ?? 'auto';
  speedSelect.value = params.get('speed') ?? 'max';
  workerBox.checked = params.get('worker') === '1';
  inferenceBox.checked = params.get('inference') !== '0';
  seed = Number(params.get('seed') ?? 1);

  modelSelect.onchange = buildSelect.onchange = () => void serial(applyModel);
  speedSelect.onchange = () => void serial(() => sim!.setSpeed(speedSelect.value as Speed));
  inferenceBox.onchange = () => void serial(() => sim!.setInference(inferenceBox.checked));
  workerBox.onchange = () => void serial(createSim);
  resetButton.onclick = () => void serial(() => sim!.reset(++seed));
  benchButton.onclick = () => void serial(runBench);

  await serial(createSim);
  requestAnimationFrame(draw);
}

// Hooks for the end-to-end tests (test/e2e): state and the benchmark without scraping the DOM.
const ready = main();
ready.catch(showError);
Object.assign(window, {
  __demo: {
    ready,
    errors,
    // After pending control changes, so a caller never sees the simulation mid-swap.
    stats: () => busy.then(() => sim!.stats()),
    idle: () => busy,
    draws: () => draws,
    lastStats: () => lastStats,
    bench: () => serial(runBench),
  },
});
