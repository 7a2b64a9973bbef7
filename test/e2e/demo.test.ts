// The demo page in Debian's headless chromium: loads cleanly, drives, switches build/model/thread,
// sustains a simulated step rate, and runs the in-browser benchmark (written to test/artifacts/).
// Acceptance thresholds (≤ 0.25 ms relaxed int8, ≥ 60 steps/s) are asserted with I8X16_E2E_STRICT=1;
// without it they are measured and recorded, since a loaded CI machine can miss them.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { CHROMIUM, launch, type Browser } from './browser.js';
// @ts-expect-error plain ESM script without declarations
import { buildDemo, startDemoServer, modelCatalogue } from '../../scripts/serve-demo.mjs';

const ARTIFACTS = join(import.meta.dirname, '..', 'artifacts');
const STRICT = process.env.I8X16_E2E_STRICT === '1';

interface Stats {
  model: string; trained: boolean; backend: string; dtype: string; totalSteps: number; episode: number;
  episodeSteps: number; reward: number; tiles: number; trackTiles: number; inferMsP50: number | null;
  stepMsP50: number | null; stepsPerSec: number; clock: number;
  episodes: { reward: number; tiles: number; steps: number }[];
}

interface BenchRow { build: string; dtype: string; p50_ms: number | null; error?: string; trained: boolean; model: string }

const trainedModels = Object.values(modelCatalogue() as Record<string, { trained: boolean }>).every((m) => m.trained);

describe.skipIf(!existsSync(CHROMIUM))('demo page in headless chromium', () => {
  let server: { url: string; close(): Promise<void> };
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];
  const report: Record<string, unknown> = { chromium: '', trainedModels };

  const stats = () => page.evaluate(() => (window as any).__demo.stats() as Promise<Stats>);
  async function until(what: string, predicate: (s: Stats) => boolean, timeoutMs: number): Promise<Stats> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const s = await stats();
      if (predicate(s)) return s;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}; last stats ${JSON.stringify({ ...s, episodes: undefined })}`);
      await page.waitForTimeout(200);
    }
  }
  async function select(id: string, value: string): Promise<void> {
    await page.selectOption(`#${id}`, value);
    await page.evaluate(() => (window as any).__demo.idle());
  }

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    await buildDemo();
    server = await startDemoServer({ port: 0 });
    browser = await launch();
    report.chromium = browser.context.browser()?.version() ?? '';
    page = await browser.context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console.error: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('response', (r) => {
      if (r.status() >= 400) problems.push(`HTTP ${r.status()} ${r.url()}`);
    });
    // Main thread first; full int8 with the best build the browser has.
    await page.goto(`${server.url}?model=int8&build=auto&speed=max&seed=1`);
    await page.evaluate(() => (window as any).__demo.ready);
  }, 180_000);

  afterAll(async () => {
    writeFileSync(join(ARTIFACTS, 'e2e-report.json'), JSON.stringify(report, null, 2));
    await browser?.close();
    await server?.close();
  });

  it('loads with no console errors, picks relaxed SIMD, drives ≥ 300 frames', async () => {
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    const first = await until('the first steps', (s) => s.totalSteps > 0, 30_000);
    expect(first.backend).toBe('relaxed');
    expect(first.dtype).toBe('int8');
    const s = await until('300 frames', (x) => x.totalSteps >= 300, 90_000);
    expect(s.inferMsP50).toBeGreaterThan(0);
    expect(await page.evaluate(() => (window as any).__demo.draws())).toBeGreaterThan(10);
    report.mainThread = { steps: s.totalSteps, inferMsP50: s.inferMsP50, stepMsP50: s.stepMsP50, stepsPerSec: s.stepsPerSec };
    await page.screenshot({ path: join(ARTIFACTS, 'demo.png') });
    // The full view shows the car (hull red), the road and the HUD's black bar at the bottom.
    const view = await page.evaluate(() => {
      const c = document.getElementById('video') as HTMLCanvasElement;
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let hull = 0, road = 0, hudBlack = 0;
      for (let i = 0; i < d.length; i += 4) {
        const [r, g, b] = [d[i]!, d[i + 1]!, d[i + 2]!];
        if (r === 204 && g === 0 && b === 0) hull++;
        if (r === g && g === b && r >= 102 && r <= 107) road++;
        if (i / 4 >= c.width * (c.height - 40) && r === 0 && g === 0 && b === 0) hudBlack++;
      }
      return { hull, road, hudBlack, pixels: d.length / 4 };
    });
    report.view = view;
    expect(view.hull).toBeGreaterThan(200);
    expect(view.road).toBeGreaterThan(view.pixels / 50);
    expect(view.hudBlack).toBeGreaterThan(1000 * 20);
    expect(problems).toEqual([]);
  }, 200_000);

  it.skipIf(!trainedModels)('the trained policy earns reward: it rises over the first 300 frames', async () => {
    // The seed fixtures (random weights) stand in when models/ has no trained files; they do not drive.
    const s = await until('300 frames of one episode', (x) => x.episodeSteps >= 300 || x.episodes.length > 0, 90_000);
    const reward = s.episodes.length ? s.episodes[0]!.reward : s.reward;
    const tiles = s.episodes.length ? s.episodes[0]!.tiles : s.tiles;
    report.reward = { reward, tiles, trackTiles: s.trackTiles, steps: s.episodeSteps };
    // -0.1 per frame: standing still for 300 frames is -30; a driving policy visits tiles worth +1000/N each.
    expect(tiles).toBeGreaterThan(20);
    expect(reward).toBeGreaterThan(50);
    expect(problems).toEqual([]);
  }, 200_000);

  it('switches build and model on the main thread and in the worker', async () => {
    const seen: string[] = [];
    for (const [model, build, worker] of [
      ['int8', 'scalar', false], ['float32', 'simd', false], ['dynamic-int8', 'relaxed', false],
      ['dynamic-int8', 'scalar', true], ['int8', 'relaxed', true],
    ] as const) {
      const wasWorker = await page.isChecked('#worker');
      if (wasWorker !== worker) {
        await page.setChecked('#worker', worker);
        await page.evaluate(() => (window as any).__demo.idle());
      }
      await select('model', model);
      await select('build', build);
      const before = await until(`${model}/${build}`, (s) => s.backend === build && s.model.includes(model.replace('-', '_')), 30_000);
      const after = await until(`steps with ${model}/${build}`, (s) => s.totalSteps >= before.totalSteps + 20, 30_000);
      expect(after.dtype).toBe(model === 'int8' ? 'int8' : 'float32');
      expect(await page.locator('#hud-thread').textContent()).toContain(worker ? 'worker' : 'main');
      seen.push(`${model}/${build}/${worker ? 'worker' : 'main'}`);
    }
    report.switched = seen;
    expect(problems).toEqual([]);
  }, 200_000);

  it('sustains a simulated step rate with inference on, over 10 s, in the worker', async () => {
    // Measured on the simulation's own step counter and clock, not on requestAnimationFrame.
    const a = await stats();
    await page.waitForTimeout(10_000);
    const b = await stats();
    const stepsPerSec = ((b.totalSteps - a.totalSteps) * 1000) / (b.clock - a.clock);
    report.worker = { backend: b.backend, dtype: b.dtype, stepsPerSec, inferMsP50: b.inferMsP50, stepMsP50: b.stepMsP50, seconds: (b.clock - a.clock) / 1000 };
    expect(b.backend).toBe('relaxed');
    expect(stepsPerSec).toBeGreaterThan(STRICT ? 60 : 1);
    expect(problems).toEqual([]);
  }, 200_000);

  it('runs the in-browser benchmark and returns JSON for every model × build', async () => {
    await page.click('#bench');
    await page.waitForFunction(() => (document.getElementById('bench-json')?.textContent ?? '') !== '', null, { timeout: 140_000 });
    const rows = JSON.parse((await page.textContent('#bench-json'))!) as BenchRow[];
    expect(rows.map((r) => `${r.dtype}/${r.build}`).sort()).toEqual(
      ['dynamic-int8', 'float32', 'int8'].flatMap((d) => ['relaxed', 'scalar', 'simd'].map((b) => `${d}/${b}`)).sort());
    for (const r of rows) {
      expect(r.error).toBeUndefined();
      expect(r.p50_ms).toBeGreaterThan(0);
    }
    const ms = (dtype: string, build: string) => rows.find((r) => r.dtype === dtype && r.build === build)!.p50_ms!;
    // SIMD builds must beat scalar on the int8 model by a clear margin in a real browser.
    expect(ms('int8', 'relaxed')).toBeLessThan(ms('int8', 'scalar'));
    expect(ms('int8', 'simd')).toBeLessThan(ms('int8', 'scalar'));
    writeFileSync(join(ARTIFACTS, 'browser-bench.json'),
      JSON.stringify(rows.map(({ build, dtype, p50_ms }) => ({ build, dtype, p50_ms })), null, 2) + '\n');
    report.bench = rows;
    await page.screenshot({ path: join(ARTIFACTS, 'demo-bench.png'), fullPage: true });
    if (STRICT) expect(ms('int8', 'relaxed')).toBeLessThanOrEqual(0.25);
    // Driving resumes after the benchmark.
    const s = await stats();
    await until('driving after the benchmark', (x) => x.totalSteps > s.totalSteps + 10, 30_000);
    expect(problems).toEqual([]);
  }, 200_000);
});
