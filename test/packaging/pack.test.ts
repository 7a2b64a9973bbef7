// What a user gets from npm: `npm pack` (which runs the prepare build) in a copy of the package, the
// tarball installed into a scratch project, then ESM and CJS imports in Node, tsc against the shipped
// declarations, a Vite build of a small page, the size budget, and (with chromium) both the Vite page
// and a plain <script type="module"> page run in a browser.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, launch } from '../e2e/browser.js';

const repo = join(import.meta.dirname, '..', '..');
const fixtures = join(repo, 'test', 'fixtures', 'seed');
const SIZE_BUDGET = 200 * 1024;
/** The start of an embedded build: a string literal opening with the padding digit and "\0asm" in Z85. */
// An embedded build's text: pad digit, then Z85 of the zlib header 78 DA (level 9) — always "C?".
const WASM_TEXT = /["'`][0-3]C\?/g;
const PACKAGE_FILES = ['package.json', 'tsup.config.ts', 'tsconfig.json', 'asconfig.json', 'assembly', 'scripts', 'src', 'README.md', 'LICENSE'];

function run(cmd: string, args: string[], cwd: string): string {
  try {
    return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(' ')} failed in ${cwd}:\n${e.stdout ?? ''}\n${e.stderr ?? e.message}`);
  }
}

/** Top-level static imports/exports of an ES module (not dynamic import()). */
function staticSpecifiers(code: string): string[] {
  const out: string[] = [];
  for (const m of code.matchAll(/^\s*(?:import|export)\b[^'"`;]*?\bfrom\s*["']([^"']+)["']|^\s*import\s*["']([^"']+)["']/gm)) out.push(m[1] ?? m[2]!);
  return out;
}

describe('npm package', () => {
  let work: string;
  let app: string;
  let tarball: string;

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'i8x16-pack-'));
    // A copy, so the prepare build neither races with nor cleans the checkout's dist/.
    const pkg = join(work, 'pkg');
    for (const f of PACKAGE_FILES) cpSync(join(repo, f), join(pkg, f), { recursive: true });
    symlinkSync(join(repo, 'node_modules'), join(pkg, 'node_modules'), 'dir');
    run('npm', ['pack', '--pack-destination', work, '--loglevel', 'error'], pkg);
    tarball = join(work, readdirSync(work).find((f) => f.endsWith('.tgz'))!);
    app = join(work, 'app');
    cpSync(join(repo, 'examples', 'package-consumer'), app, { recursive: true });
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'scratch-app', private: true, type: 'module' }));
    run('npm', ['install', tarball, '--no-audit', '--no-fund', '--ignore-scripts', '--prefer-offline', '--loglevel', 'error'], app);
  }, 400_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const node = (file: string) => JSON.parse(run(process.execPath, [file, fixtures], app).trim().split('\n').pop()!);

  it('ships dist for both entries and no sources', () => {
    const files = run('tar', ['-tzf', tarball], work).split('\n').filter(Boolean);
    for (const f of ['index.js', 'index.cjs', 'index.d.ts', 'index.d.cts', 'carracing.js', 'carracing.cjs', 'carracing.d.ts', 'carracing.d.cts']) {
      expect(files).toContain(`package/dist/${f}`);
    }
    expect(files.filter((f) => f.startsWith('package/src/') || f.startsWith('package/test/'))).toEqual([]);
  });

  it('imports as ESM in Node and runs the seed int8 model bit-exactly', () => {
    const r = node('esm.mjs');
    expect(r.results.scalar).toEqual(r.golden);
    expect(r.results.simd).toEqual(r.golden);
    expect(r.observation).toBe(96 * 96 * 3);
    expect(typeof r.reward).toBe('number');
  });

  it('requires as CJS in Node', () => {
    const r = node('cjs.cjs');
    expect(r.results.scalar).toEqual(r.golden);
    expect(r.results.simd).toEqual(r.golden);
    expect(r.observation).toBe(96 * 96 * 3);
  });

  it('type-checks against the shipped declarations (ESM and CJS)', () => {
    run(process.execPath, [join(repo, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(app, 'tsconfig.json')], app);
  });

  it('browser entry: no static Node built-ins or bare imports in dist/index.js', () => {
    const code = readFileSync(join(app, 'node_modules', 'i8x16', 'dist', 'index.js'), 'utf8');
    // Plain <script type="module"> resolves only relative URLs, so every static import must be relative.
    expect(staticSpecifiers(code).filter((s) => !s.startsWith('.'))).toEqual([]);
    expect(code).not.toMatch(/\brequire\(\s*["']node:/);
  });

  it(`i8x16 entry minified with its wasm is ≤ ${SIZE_BUDGET / 1024} KB, without i8x16/carracing`, async () => {
    const esbuild = await import('esbuild');
    const result = await esbuild.build({
      stdin: { contents: "export * from 'i8x16';", resolveDir: app, loader: 'js' },
      bundle: true, minify: true, format: 'esm', platform: 'browser', write: false, metafile: true,
      logLevel: 'silent',
    });
    const bytes = result.outputFiles[0]!.contents.byteLength;
    const code = result.outputFiles[0]!.text;
    const inputs = Object.keys(result.metafile.inputs);
    writeFileSync(join(work, 'size.txt'), String(bytes));
    console.log(`i8x16 ESM entry, esbuild --minify: ${bytes} bytes (${(bytes / 1024).toFixed(1)} KB)`);
    // All three builds are embedded: each is a string holding a wasm module (src/wasm/z85.ts).
    expect(code.match(WASM_TEXT)?.length ?? 0).toBeGreaterThanOrEqual(3);
    expect(inputs.filter((f) => /planck|carracing/.test(f))).toEqual([]);
    expect(bytes).toBeLessThanOrEqual(SIZE_BUDGET);
  });

  describe('in a browser', () => {
    let server: Server;
    let base: string;

    beforeAll(async () => {
      // Vite, unconfigured: bare 'i8x16' and 'i8x16/carracing' resolve through node_modules.
      run(process.execPath, [join(repo, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'error', '--outDir', 'vite-dist', '--base', './'], app);
      server = createServer((req, res) => {
        const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
        const [dir, rel] = path.startsWith('/fixtures/') ? [fixtures, path.slice(10)] : [app, path.slice(1)];
        const file = normalize(join(dir, rel || 'index.html'));
        if (!file.startsWith(dir + sep) || !existsSync(file)) return void res.writeHead(404).end();
        const type = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript' }[extname(file)] ?? 'application/octet-stream';
        res.writeHead(200, { 'Content-Type': type }).end(readFileSync(file));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      base = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
    }, 120_000);

    afterAll(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

    it('the Vite build has no static Node built-ins, and each wasm build is its own lazy chunk', () => {
      const assets = join(app, 'vite-dist', 'assets');
      const chunks = readdirSync(assets).filter((x) => x.endsWith('.js'));
      const withWasm: string[] = [];
      for (const f of chunks) {
        const code = readFileSync(join(assets, f), 'utf8');
        expect(staticSpecifiers(code).filter((s) => s.startsWith('node:'))).toEqual([]);
        const modules = code.match(WASM_TEXT)?.length ?? 0;
        if (modules) withWasm.push(`${f}:${modules}`);
      }
      // Three chunks holding one wasm module each: a page fetches only the build it loads.
      expect(withWasm).toHaveLength(3);
      for (const entry of withWasm) expect(entry).toMatch(/(scalar|simd|relaxed)\.generated.*:1$/);
    });

    it.skipIf(!existsSync(CHROMIUM))('the Vite page and a plain <script type="module"> page run the model in chromium', async () => {
      const browser = await launch();
      try {
        for (const page of ['vite-dist/index.html', 'plain.html']) {
          const tab = await browser.context.newPage();
          const errors: string[] = [];
          tab.on('pageerror', (e) => errors.push(e.message));
          tab.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
          await tab.goto(base + page);
          await tab.waitForFunction(() => (window as any).__result, null, { timeout: 60_000 });
          const r = await tab.evaluate(() => (window as any).__result);
          expect(r.error, page).toBeUndefined();
          for (const build of ['scalar', 'simd', 'relaxed']) expect(r.results[build], `${page} ${build}`).toEqual(r.golden);
          expect(r.auto, page).toBe('relaxed');
          if (page.startsWith('vite')) expect(r.observation).toBe(true);
          expect(errors, page).toEqual([]);
          await tab.close();
        }
      } finally {
        await browser.close();
      }
    });
  });
});
