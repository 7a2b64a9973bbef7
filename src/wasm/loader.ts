// Picks and instantiates one of the three embedded builds.
import { simd as detectSimd, relaxedSimd as detectRelaxedSimd } from 'wasm-feature-detect';
import { decodeZ85 } from './z85.js';
import { BackendUnavailableError } from './errors.js';
import type { KernelExports } from './exports.js';
import { probeRelaxedDot, type RelaxedDotProbe } from './probe.js';

export type Build = 'scalar' | 'simd' | 'relaxed';
export type BackendChoice = Build | 'auto';

// Dynamic imports: bundlers emit each build as its own chunk and fetch only the one chosen.
const EMBEDDED: Record<Build, () => Promise<{ wasm: string }>> = {
  scalar: () => import('./builds/scalar.generated.js'),
  simd: () => import('./builds/simd.generated.js'),
  relaxed: () => import('./builds/relaxed.generated.js'),
};
const BUILD_IDS: Record<Build, number> = { scalar: 0, simd: 1, relaxed: 2 };

export interface EngineFeatures {
  readonly simd: boolean;
  readonly relaxedSimd: boolean;
}

let cachedModules: Partial<Record<Build, Promise<WebAssembly.Module>>> = {};

let cachedFeatures: Promise<EngineFeatures> | undefined;

/**
 * Feature detection: wasm-feature-detect's probes (a few bytes each). The embedded builds are validated
 * only when loadKernels may pick them, so detection alone fetches no build chunk.
 */
export function detectFeatures(): Promise<EngineFeatures> {
  return (cachedFeatures ??= (async () => {
    const [simd, relaxedSimd] = await Promise.all([detectSimd(), detectRelaxedSimd()]);
    return { simd, relaxedSimd };
  })());
}

/**
 * An embedded build's text → its wasm bytes: Z85, then zlib inflate by the platform's DecompressionStream
 * (Node ≥ 18, every current browser and worker), so the package carries no inflater of its own.
 */
export async function decodeEmbeddedBuild(text: string): Promise<Uint8Array<ArrayBuffer>> {
  const deflated = decodeZ85(text) as Uint8Array<ArrayBuffer>;
  try {
    const stream = new Blob([deflated]).stream().pipeThrough(new DecompressionStream('deflate'));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  } catch (e) {
    throw new Error(`i8x16: corrupt embedded build (${deflated.length} deflated bytes: ${(e as Error).message})`);
  }
}

async function buildBytes(build: Build): Promise<Uint8Array<ArrayBuffer>> {
  return decodeEmbeddedBuild((await EMBEDDED[build]()).wasm);
}

/** The feature probe, confirmed by validating the embedded build itself. */
async function usable(build: 'simd' | 'relaxed', features: EngineFeatures): Promise<boolean> {
  const probed = build === 'simd' ? features.simd : features.relaxedSimd;
  return probed && WebAssembly.validate(await buildBytes(build));
}

function compile(build: Build): Promise<WebAssembly.Module> {
  return (cachedModules[build] ??= buildBytes(build).then((bytes) => WebAssembly.compile(bytes)));
}

/** Test hook: forget compiled modules and detected features (e.g. after changing V8 flags). */
export function clearModuleCache(): void {
  cachedModules = {};
  cachedFeatures = undefined;
}

export interface LoadedKernels {
  readonly build: Build;
  readonly exports: KernelExports;
  readonly relaxedProbe: RelaxedDotProbe;
  readonly features: EngineFeatures;
}

/** A fresh instance (own memory) of one build. */
export async function instantiateBuild(build: Build): Promise<KernelExports> {
  const instance = await WebAssembly.instantiate(await compile(build), {});
  // asconfig exports the start function as _initialize (reactor style): run it once, before any kernel.
  (instance.exports._initialize as (() => void) | undefined)?.();
  const exports = instance.exports as unknown as KernelExports;
  if (exports.build_id() !== BUILD_IDS[build]) throw new Error(`embedded ${build} build reports id ${exports.build_id()}`);
  return exports;
}

/**
 * 'auto' picks relaxed > simd > scalar. Relaxed is taken only if its relaxed dot passes the in-range
 * self-test with a non-zero accumulator (fails on Node 20's Liftoff); otherwise SIMD.
 * A forced build the engine cannot run throws BackendUnavailableError.
 */
export async function loadKernels(choice: BackendChoice = 'auto'): Promise<LoadedKernels> {
  if (!['auto', 'scalar', 'simd', 'relaxed'].includes(choice)) {
    throw new TypeError(`backend must be 'auto', 'scalar', 'simd' or 'relaxed', got ${String(choice)}`);
  }
  const features = await detectFeatures();
  if (choice === 'relaxed' && !(await usable('relaxed', features))) {
    throw new BackendUnavailableError('backend "relaxed" needs WebAssembly relaxed SIMD, which this engine does not ' +
      'support (Node 20 needs --experimental-wasm-relaxed-simd; Node ≥ 22 and Chrome ≥ 114 have it)');
  }
  if (choice === 'simd' && !(await usable('simd', features))) {
    throw new BackendUnavailableError('backend "simd" needs WebAssembly SIMD (fixed-width 128-bit), which this engine does not support');
  }
  if (choice === 'auto' && (await usable('relaxed', features))) {
    const exports = await instantiateBuild('relaxed');
    const relaxedProbe = probeRelaxedDot(exports);
    if (relaxedProbe.inRangeExact) return { build: 'relaxed', exports, relaxedProbe, features };
  }
  const build: Build = choice !== 'auto' ? choice : (await usable('simd', features)) ? 'simd' : 'scalar';
  const exports = await instantiateBuild(build);
  return { build, exports, relaxedProbe: probeRelaxedDot(exports), features };
}
