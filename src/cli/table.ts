// `i8x16 table [--episodes N] [--seed S] [--max-steps M] [--workers W] [--json FILE] [--svg FILE] [--no-tfjs]`
// The seed's comparison table on this machine with the shipped models: file size, ms/frame p50 per kernel build,
// mean ± std reward over N episodes in the TypeScript CarRacing env, and action agreement with the float policy.
//
// Episodes run in W forked copies of this CLI, one seed per job with every row's policy at the default build, through
// runSharedEpisodes (same results as separate episodes; the env is shared while policies agree). Every visited
// frame is also fed to the float32 reference (i8x16, float32 .tflite) for the agreement.
// Inference is then timed in this process on frames the episodes visited, all builds side by side (interleaved
// rounds), so timing needs no episode per build. Node 20 gets relaxed SIMD by re-running under V8 flags.
import { fork, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadModel, type Model } from '../index.js';
import type { Build } from '../kernels/api.js';
import { modelPolicy, quantile, runSharedEpisodes, summarize, type Policy, type Summary } from '../policy/episode.js';

const NODE_MAJOR = Number(process.versions.node.split('.')[0]);
const RELAXED_FLAGS = ['--experimental-wasm-relaxed-simd', '--no-liftoff'];
const BUILDS: Build[] = ['scalar', 'simd', 'relaxed'];

/** The seed article's published table (quoted, not measured here). Its int8 row is the dynamic-range converter's output. */
export const SEED_TABLE = [
  { row: 'float32', sizeMB: 8.4, msPerFrame: 21.38, reward: 645.54, matches: 'float32' },
  { row: 'int8', sizeMB: 2.1, msPerFrame: 0.25, reward: 538.88, matches: 'dynamic_int8' },
] as const;

interface RowSpec { key: string; label: string; file: string; engine: 'tfjs' | 'i8x16' }

const ROWS: RowSpec[] = [
  { key: 'float32_tfjs', label: 'float32 (tfjs)', file: 'car_racing.weights.h5', engine: 'tfjs' },
  { key: 'float32', label: 'float32 (i8x16)', file: 'car_racing_float32.tflite', engine: 'i8x16' },
  { key: 'float16', label: 'float16 (i8x16)', file: 'car_racing_float16.tflite', engine: 'i8x16' },
  { key: 'dynamic_int8', label: 'dynamic-range int8 (i8x16)', file: 'car_racing_dynamic_int8.tflite', engine: 'i8x16' },
  { key: 'int8', label: 'full int8 (i8x16)', file: 'car_racing_int8.tflite', engine: 'i8x16' },
];
const REFERENCE = 'car_racing_float32.tflite';

/** One seed, every row's policy: run together with runSharedEpisodes (exact, and the env is shared while they agree). */
interface Job { seed: number; rows: { key: string; file: string; engine: 'tfjs' | 'i8x16' }[]; reference: string; maxSteps: number; keepEvery: number; keepMax: number }
interface JobResult { row: string; seed: number; reward: number; steps: number; terminated: boolean; agree: number | null; actions: number[]; actMs: Float64Array; frames: Uint8Array[]; engine: string }
type ChildMessage = { type: 'progress'; steps: number } | { type: 'result'; result: JobResult } | { type: 'ready' } | { type: 'done' } | { type: 'error'; message: string; row?: string };

export interface TableRow {
  key: string;
  label: string;
  file: string;
  sizeBytes: number;
  engine: string;
  /** ms per frame (p50 of model.run + argmax on prepared visited frames) per build; null: build unavailable. */
  msPerFrame: Partial<Record<Build, number | null>>;
  /** p50 of the whole per-step policy time (preprocessing + inference + argmax) inside the episodes. */
  inEpisodeMsP50: number | null;
  rewards: number[];
  steps: number[];
  reward: Summary | null;
  /** Fraction of visited frames where the float32 reference took the same action. */
  agreement: number | null;
  frames: number;
  unavailable?: string;
}

export interface TableReport {
  date: string;
  node: string;
  cpu: string;
  cores: number;
  loadavg: number[];
  builds: Record<Build, boolean>;
  episodes: number;
  seeds: number[];
  maxSteps: number;
  reference: string;
  timing: { frames: number; rounds: number; note: string };
  rows: TableRow[];
  seedTable: typeof SEED_TABLE;
  wallSeconds: number;
}

const opt = (args: string[], name: string) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };

/** models/ next to the package (dist/ or src/cli/ two levels up), else in the working directory. */
function findModelsDir(given?: string): string {
  if (given) return resolve(given);
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++, dir = dirname(dir)) if (existsSync(join(dir, 'models', REFERENCE))) return join(dir, 'models');
  return resolve('models');
}

function packageRoot(modelsDir: string): string {
  return dirname(modelsDir);
}

export async function run(args: string[]): Promise<number> {
  if (args[0] === '--child') return child();
  if (args.includes('--help')) {
    console.log('usage: i8x16 table [--episodes N] [--seed S] [--max-steps M] [--workers W] [--frames K] [--json FILE] [--svg FILE] [--no-tfjs] [--models DIR]');
    return 0;
  }
  // Node 20: relaxed SIMD is behind a flag, and its Liftoff tier miscomputes relaxed dot; re-run with both flags
  if (NODE_MAJOR < 22 && !args.includes('--no-relaxed') && !process.execArgv.includes(RELAXED_FLAGS[0]!)) {
    const r = spawnSync(process.execPath, [...RELAXED_FLAGS, ...process.execArgv, process.argv[1]!, 'table', ...args], { stdio: 'inherit' });
    return r.status ?? 1;
  }
  const t0 = performance.now();
  // 2 episodes = one job per worker (one round): the default must print within 2 minutes on a loaded 2-core machine
  const episodes = Number(opt(args, '--episodes') ?? 2);
  const seed0 = Number(opt(args, '--seed') ?? 0);
  const maxSteps = Number(opt(args, '--max-steps') ?? 1000);
  const workers = Math.max(1, Number(opt(args, '--workers') ?? 2));
  const timingFrames = Number(opt(args, '--frames') ?? 16);
  const rounds = Number(opt(args, '--rounds') ?? 3);
  if (!(episodes >= 1) || !Number.isInteger(seed0) || !(maxSteps >= 1)) throw new RangeError('--episodes and --max-steps must be ≥ 1, --seed an integer');
  const modelsDir = findModelsDir(opt(args, '--models'));
  const root = packageRoot(modelsDir);
  const jsonOut = opt(args, '--json') ?? join(root, 'bench/results/table.json');
  const svgOut = opt(args, '--svg') ?? join(root, 'bench/results/table.svg');
  const rows = ROWS.filter((r) => !(args.includes('--no-tfjs') && r.engine === 'tfjs'));
  const seeds = Array.from({ length: episodes }, (_, i) => seed0 + i);

  // --------------------------------------------------------------- episodes, in forked workers
  const jobs: Job[] = seeds.map((seed) => ({
    seed, rows: rows.map((r) => ({ key: r.key, file: join(modelsDir, r.file), engine: r.engine })), reference: join(modelsDir, REFERENCE),
    maxSteps, keepEvery: 20, keepMax: 50,
  }));
  const results: JobResult[] = [];
  const failures = new Map<string, string>();
  const jobErrors: string[] = [];
  const total = jobs.length * rows.length * maxSteps;
  const bar = new Bar(total);
  await runJobs(jobs, workers, (m) => {
    if (m.type === 'progress') bar.add(m.steps);
    else if (m.type === 'result') { results.push(m.result); bar.note(`${m.result.row} seed ${m.result.seed}: ${m.result.reward.toFixed(1)}`); }
    else if (m.type === 'error') {
      if (m.row) failures.set(m.row, m.message);
      else jobErrors.push(m.message);
    }
  });
  bar.done();
  if (jobErrors.length) throw new Error(`episodes failed: ${jobErrors.join('; ')}`);

  // --------------------------------------------------------------- timing: all builds side by side on visited frames
  const features = await buildAvailability();
  const allFrames = results.flatMap((r) => r.frames);
  const step = Math.max(1, allFrames.length / timingFrames);
  const frames = Array.from({ length: Math.min(timingFrames, allFrames.length) }, (_, i) => allFrames[Math.floor(i * step)]!);
  const timers: { row: string; build: Build; policy: ReturnType<typeof modelPolicy>; inputs: (Float32Array | Int8Array | Uint8Array)[]; samples: number[] }[] = [];
  for (const r of rows) {
    if (r.engine !== 'i8x16') continue;
    for (const build of BUILDS) {
      if (!features[build]) continue;
      const model = await loadModel(join(modelsDir, r.file), { backend: build });
      const policy = modelPolicy(model);
      const inputs = frames.map((f) => policy.prepare(f, policy.newInput()).slice());
      timers.push({ row: r.key, build, policy, inputs, samples: [] });
    }
  }
  process.stderr.write(`timing ${timers.length} model × build pairs on ${frames.length} visited frames, ${rounds} rounds…\n`);
  for (const t of timers) for (const x of t.inputs.slice(0, 3)) t.policy.actPrepared(x);  // warm-up
  for (let round = 0; round < rounds; round++) {
    for (const t of timers) {
      for (const x of t.inputs) {
        const s = performance.now();
        t.policy.actPrepared(x);
        t.samples.push(performance.now() - s);
      }
    }
  }

  // --------------------------------------------------------------- rows
  const tableRows: TableRow[] = rows.map((r) => {
    const mine = results.filter((x) => x.row === r.key).sort((a, b) => a.seed - b.seed);
    const rewards = mine.map((x) => x.reward);
    const frameCount = mine.reduce((a, x) => a + x.steps, 0);
    const withRef = mine.filter((x) => x.agree !== null);
    const actMs = new Float64Array(frameCount);
    let o = 0;
    for (const x of mine) { actMs.set(x.actMs, o); o += x.actMs.length; }
    const msPerFrame: Partial<Record<Build, number | null>> = {};
    if (r.engine === 'i8x16') {
      for (const b of BUILDS) {
        const t = timers.find((x) => x.row === r.key && x.build === b);
        msPerFrame[b] = t ? quantile(t.samples, 0.5) : null;
      }
    }
    return {
      key: r.key, label: r.label, file: relative(root, join(modelsDir, r.file)), sizeBytes: statSync(join(modelsDir, r.file)).size,
      engine: mine[0]?.engine ?? r.engine, msPerFrame, inEpisodeMsP50: frameCount ? quantile(actMs, 0.5) : null,
      rewards, steps: mine.map((x) => x.steps), reward: rewards.length ? summarize(rewards) : null,
      agreement: withRef.length ? withRef.reduce((a, x) => a + x.agree!, 0) / withRef.reduce((a, x) => a + x.steps, 0) : null,
      frames: frameCount, ...(failures.has(r.key) ? { unavailable: failures.get(r.key) } : {}),
    };
  });

  const report: TableReport = {
    date: new Date().toISOString(), node: process.version, cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length,
    loadavg: loadavg().map((v) => +v.toFixed(2)), builds: features, episodes, seeds, maxSteps, reference: relative(root, join(modelsDir, REFERENCE)),
    timing: { frames: frames.length, rounds, note: 'p50 of model.run + argmax on preprocessed frames visited by the episodes; builds interleaved round by round in one process' },
    rows: tableRows, seedTable: SEED_TABLE, wallSeconds: 0,
  };
  report.wallSeconds = +((performance.now() - t0) / 1000).toFixed(1);
  console.log(formatTable(report));
  mkdirSync(dirname(jsonOut), { recursive: true });
  writeFileSync(jsonOut, `${JSON.stringify(report, null, 1)}\n`);
  mkdirSync(dirname(svgOut), { recursive: true });
  writeFileSync(svgOut, tableSvg(report));
  console.log(`\nwrote ${relative(process.cwd(), jsonOut)} and ${relative(process.cwd(), svgOut)} (${report.wallSeconds} s)`);
  return 0;
}

/** Which builds this engine runs (relaxed only if its relaxed dot passes the runtime's self-test). */
async function buildAvailability(): Promise<Record<Build, boolean>> {
  const out = { scalar: true, simd: false, relaxed: false } as Record<Build, boolean>;
  const probe = join(findModelsDir(), REFERENCE);
  for (const b of ['simd', 'relaxed'] as const) {
    try {
      const m = await loadModel(probe, { backend: b });
      out[b] = m.backend === b;
      m.dispose();
    } catch {
      out[b] = false;
    }
  }
  return out;
}

// ------------------------------------------------------------------- worker processes
function runJobs(jobs: Job[], workers: number, onMessage: (m: ChildMessage) => void): Promise<void> {
  const queue = jobs.slice();
  const spawnOne = () => new Promise<void>((resolvePromise, reject) => {
    const child = fork(process.argv[1]!, ['table', '--child'], { execArgv: process.execArgv, serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const next = () => {
      const job = queue.shift();
      if (job) child.send(job);
      else child.disconnect();
    };
    child.on('message', (m: ChildMessage) => {
      if (m.type === 'ready' || m.type === 'done') next();
      else onMessage(m);
    });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolvePromise() : reject(new Error(`table worker exited with code ${code}`))));
  });
  return Promise.all(Array.from({ length: Math.min(workers, jobs.length) }, spawnOne)).then(() => undefined);
}

async function child(): Promise<number> {
  const cache = new Map<string, Promise<{ policy: Policy; engine: string }>>();
  const send = (m: ChildMessage) => process.send!(m);
  const load = (engine: 'tfjs' | 'i8x16', file: string) => {
    const key = `${engine}:${file}`;
    let p = cache.get(key);
    if (!p) {
      p = engine === 'tfjs'
        ? import('./tfjs-float.js').then(async ({ loadTfjsFloat }) => { const t = await loadTfjsFloat(file); return { policy: t.policy, engine: t.engine }; })
        : loadModel(file).then((m: Model) => ({ policy: modelPolicy(m), engine: `i8x16 ${m.backend}` }));
      cache.set(key, p);
    }
    return p;
  };
  process.on('message', async (job: Job) => {
    try {
      const loaded: { key: string; policy: Policy; engine: string }[] = [];
      for (const r of job.rows) {
        try {
          loaded.push({ key: r.key, ...(await load(r.engine, r.file)) });
        } catch (e) {
          // e.g. tfjs not installed: that row is reported unavailable, the others run
          send({ type: 'progress', steps: job.maxSteps });
          send({ type: 'error', row: r.key, message: e instanceof Error ? e.message.split('\n')[0]! : String(e) });
        }
      }
      const reference = (await load('i8x16', job.reference)).policy;
      const policies = loaded.map((l) => l.policy);
      let reported = 0;
      const results = runSharedEpisodes(policies, {
        seed: job.seed, maxSteps: job.maxSteps, reference, keepEvery: job.keepEvery, keepMax: job.keepMax,
        onSteps: (n) => { reported += n; if (reported >= 50) { send({ type: 'progress', steps: reported }); reported = 0; } },
      });
      const played = results.reduce((a, r) => a + r.steps, 0);
      // episodes that end early count their unplayed steps as done for the progress bar
      send({ type: 'progress', steps: reported + loaded.length * job.maxSteps - played });
      results.forEach((r, i) => send({ type: 'result', result: {
        row: loaded[i]!.key, seed: job.seed, reward: r.reward, steps: r.steps, terminated: r.terminated, agree: r.agree,
        actions: r.actions, actMs: r.actMs.slice(), frames: r.frames, engine: loaded[i]!.engine,
      } }));
    } catch (e) {
      send({ type: 'error', message: e instanceof Error ? e.message : String(e) });
    }
    send({ type: 'done' });
  });
  process.on('disconnect', () => process.exit(0));
  send({ type: 'ready' });
  return new Promise<number>(() => {});  // lives until the parent disconnects
}

class Bar {
  private done_ = 0;
  private readonly tty = !!process.stderr.isTTY;
  private last = 0;
  private readonly t0 = performance.now();
  constructor(private readonly total: number) {}
  add(n: number) {
    this.done_ += n;
    const t = performance.now();
    if (!this.tty || (t - this.last < 150 && this.done_ < this.total)) return;
    this.last = t;
    const f = Math.min(1, this.done_ / this.total), w = 30;
    process.stderr.write(`\repisodes ${'█'.repeat(Math.round(f * w)).padEnd(w, '·')} ${(100 * f).toFixed(0).padStart(3)}% ${((t - this.t0) / 1000).toFixed(0)}s `);
  }
  note(s: string) {
    if (this.tty) process.stderr.write(`\r\x1b[K  ${s}\n`);
    else process.stderr.write(`  ${s} (${((performance.now() - this.t0) / 1000).toFixed(0)}s)\n`);
    this.last = 0;
    this.add(0);
  }
  done() { if (this.tty) process.stderr.write('\n'); }
}

// ------------------------------------------------------------------- output
const mb = (b: number) => `${(b / 1e6).toFixed(2)} MB`;
const ms = (v: number | null | undefined) => (v === null || v === undefined ? 'n/a' : v >= 10 ? v.toFixed(1) : v >= 1 ? v.toFixed(2) : v.toFixed(3));

export function formatTable(r: TableReport): string {
  const header = ['model', 'file size', 'ms/frame scalar', 'simd', 'relaxed', 'in-episode ms', `reward (${r.episodes} ep.)`, 'agree w/ float'];
  const body = r.rows.map((row) => [
    row.label, mb(row.sizeBytes),
    ...BUILDS.map((b) => (row.engine.startsWith('@tensorflow') || row.key.endsWith('tfjs') ? '—' : ms(row.msPerFrame[b]))),
    ms(row.inEpisodeMsP50),
    row.unavailable ? `unavailable: ${row.unavailable.slice(0, 40)}` : row.reward ? `${row.reward.mean.toFixed(2)} ± ${row.reward.std.toFixed(2)}` : 'n/a',
    row.agreement === null ? 'n/a' : `${(100 * row.agreement).toFixed(1)}%`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const tfjsRow = r.rows.find((x) => x.key.endsWith('tfjs'));
  const out = [
    `i8x16 table — ${r.node}, ${r.cpu} × ${r.cores}, load ${r.loadavg.join(' ')}; seeds ${r.seeds.join(',')}, ≤ ${r.maxSteps} steps; builds: ${BUILDS.filter((b) => r.builds[b]).join(', ')}`,
    '',
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...body.map(line),
    '',
    `ms/frame: p50 of model.run + argmax on ${r.timing.frames} visited frames × ${r.timing.rounds} rounds, builds interleaved. in-episode ms: p50 of the`,
    `whole per-step policy call (preprocessing included) during the episodes, at the default build${tfjsRow ? ` (tfjs: ${tfjsRow.engine})` : ''}.`,
    `agreement: argmax equal to the float32 reference (${r.reference}, i8x16) on the frames each row's own episodes visited.`,
    '',
    "the seed's published table (quoted; not measured here):",
    ...r.seedTable.map((s) => {
      const mine = r.rows.find((x) => x.key === s.matches);
      const best = mine ? Math.min(...BUILDS.map((b) => mine.msPerFrame[b] ?? Infinity)) : Infinity;
      return `  ${s.row.padEnd(8)} ${s.sizeMB} MB, ${s.msPerFrame} ms/frame, reward ${s.reward}` +
        (mine ? `   → here (${mine.label}): ${mb(mine.sizeBytes)}, ${ms(best)} ms/frame, reward ${mine.reward ? mine.reward.mean.toFixed(2) : 'n/a'}` : '');
    }),
  ];
  return out.join('\n');
}

export function tableSvg(r: TableReport): string {
  const rows = r.rows;
  const W = 1000, rowH = 44, top = 60, H = top + rows.length * rowH + 66, labelW = 200, panelW = 280, gap = 50;
  const x1 = labelW, x2 = labelW + panelW + gap;
  const colors: Record<string, string> = { scalar: '#9aa5b1', simd: '#3b82f6', relaxed: '#10b981', episode: '#f59e0b' };
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  // ms/frame on a log axis (0.1 … 100 ms)
  const lo = Math.log10(0.1), hi = Math.log10(100);
  const xMs = (v: number) => x1 + (Math.max(lo, Math.min(hi, Math.log10(v))) - lo) / (hi - lo) * panelW;
  const maxR = 1000, minR = Math.min(0, ...rows.map((x) => (x.reward ? x.reward.mean - x.reward.std : 0)));
  const xR = (v: number) => x2 + (v - minR) / (maxR - minR) * panelW;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="system-ui, sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="10" y="20" font-size="14" font-weight="bold">i8x16 on CarRacing-v3 — ${esc(r.node)}, ${r.cores} cores, ${r.episodes} episode(s), seeds ${r.seeds[0]}–${r.seeds.at(-1)}</text>`,
    `<text x="${x1}" y="${top - 12}">ms/frame p50 (log scale)</text>`,
    `<text x="${x2}" y="${top - 12}">mean reward ± std (TypeScript env)</text>`,
  ];
  for (const t of [0.1, 1, 10, 100]) parts.push(`<line x1="${xMs(t)}" x2="${xMs(t)}" y1="${top - 5}" y2="${top + rows.length * rowH}" stroke="#ddd"/><text x="${xMs(t)}" y="${top + rows.length * rowH + 14}" text-anchor="middle" fill="#666">${t}</text>`);
  for (const t of [0, 250, 500, 750, 1000]) parts.push(`<line x1="${xR(t)}" x2="${xR(t)}" y1="${top - 5}" y2="${top + rows.length * rowH}" stroke="#ddd"/><text x="${xR(t)}" y="${top + rows.length * rowH + 14}" text-anchor="middle" fill="#666">${t}</text>`);
  rows.forEach((row, i) => {
    const y = top + i * rowH;
    parts.push(`<text x="10" y="${y + 18}">${esc(row.label)}</text><text x="10" y="${y + 32}" fill="#666">${mb(row.sizeBytes)}</text>`);
    const bars: [string, number | null | undefined][] = row.key.endsWith('tfjs') ? [['episode', row.inEpisodeMsP50]] : BUILDS.map((b) => [b, row.msPerFrame[b]] as [string, number | null | undefined]);
    bars.forEach(([name, v], j) => {
      const by = y + 4 + j * 11;
      if (v === null || v === undefined) return;
      parts.push(`<rect x="${x1}" y="${by}" width="${Math.max(1, xMs(v) - x1)}" height="9" fill="${colors[name]}"/><text x="${xMs(v) + 4}" y="${by + 8}" font-size="9">${ms(v)} ${name === 'episode' ? 'tfjs' : name}</text>`);
    });
    if (row.reward) {
      const m = row.reward.mean, s = row.reward.std;
      parts.push(`<rect x="${Math.min(xR(0), xR(m))}" y="${y + 8}" width="${Math.abs(xR(m) - xR(0))}" height="20" fill="#6366f1" opacity="0.8"/>`,
        `<line x1="${xR(m - s)}" x2="${xR(m + s)}" y1="${y + 18}" y2="${y + 18}" stroke="black"/>`,
        `<text x="${xR(Math.max(m + s, m)) + 4}" y="${y + 22}" font-size="10">${m.toFixed(1)}${row.agreement !== null ? `, agree ${(100 * row.agreement).toFixed(1)}%` : ''}</text>`);
    }
    const seedRow = r.seedTable.find((s) => s.matches === row.key);
    if (seedRow) parts.push(`<line x1="${xR(seedRow.reward)}" x2="${xR(seedRow.reward)}" y1="${y + 4}" y2="${y + 32}" stroke="#dc2626" stroke-width="2"/><line x1="${xMs(seedRow.msPerFrame)}" x2="${xMs(seedRow.msPerFrame)}" y1="${y + 2}" y2="${y + 36}" stroke="#dc2626" stroke-width="2" stroke-dasharray="3,2"/>`);
  });
  const ly = top + rows.length * rowH + 32;
  parts.push(...['scalar', 'simd', 'relaxed', 'episode'].map((k, i) => `<rect x="${x1 + i * 70}" y="${ly - 9}" width="10" height="10" fill="${colors[k]}"/><text x="${x1 + i * 70 + 14}" y="${ly}">${k === 'episode' ? 'tfjs (in episode)' : k}</text>`),
    `<line x1="${x1}" x2="${x1 + 14}" y1="${ly + 14}" y2="${ly + 14}" stroke="#dc2626" stroke-width="2"/><text x="${x1 + 18}" y="${ly + 18}">the seed article's published figures (dashed: ms/frame, solid: reward)</text>`, '</svg>');
  return `${parts.join('\n')}\n`;
}
