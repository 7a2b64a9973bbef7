// Every zoo fixture (test/fixtures/zoo/manifest.json, made by python/make_zoo.py with TFLite
// BUILTIN_REF goldens) on all three kernel builds. Acceptance (issue 3): `exact` cases bit-exact;
// others max|Δ| ≤ 1e-5·max|ref| per output tensor; argmax equal on every case.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadModel, Model, type TensorData } from '../../src/index.js';
import { readTfliteModel } from '../../src/tflite/model.js';
import { createReferenceRuntime } from './helpers/reference-runtime.js';
import { argmax, compareOutput, readSamples, type ManifestCase } from './helpers/fixtures.js';

// The op zoo, plus the seed-architecture files (same manifest format; large ones may be uncommitted).
const FIXTURE_DIRS = [process.env.I8X16_ZOO_DIR ?? join(__dirname, '../fixtures/zoo'), join(__dirname, '../fixtures/seed'), join(__dirname, '../fixtures/trained')];
// The three kernel builds, plus the op layer on the plain-TS reference kernels (test/graph/helpers),
// which separates op-layer mistakes from kernel ones.
const BUILDS = ['scalar', 'simd', 'relaxed', 'ts-reference'] as const;
const REL_TOLERANCE = 1e-5;

/** Goldens TFLite itself computes wrongly; each entry says why. They are reported, not compared. */
function invalidGolden(c: ManifestCase): string | null {
  const perTensorHybridDepthwise = (c.opDetails ?? []).some((op) => op.op === 'DEPTHWISE_CONV_2D'
    && op.inputs[0]?.dtype === 'float32' && op.inputs[1]?.dtype === 'int8' && op.inputs[1]?.quant === 'per-tensor');
  if (perTensorHybridDepthwise) {
    // depthwise_conv.cc's hybrid path indexes the filter scales per output channel even when the
    // filter has ONE scale, reading past the array: its outputs are garbage (up to 3e38 or NaN).
    return 'TFLite reads per-channel scales past a per-tensor hybrid depthwise filter';
  }
  return null;
}

/** Python's json.dump writes bare NaN/Infinity (e.g. in statistics of skipped cases); read them as null. */
function parseLenientJson(text: string): unknown {
  return JSON.parse(text.replace(/(?<=[[,:]\s*)(-?Infinity|NaN)(?=\s*[,\]}])/g, 'null'));
}

const manifests = FIXTURE_DIRS.filter((dir) => existsSync(join(dir, 'manifest.json'))).map((dir) => ({
  dir,
  cases: (parseLenientJson(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { cases: ManifestCase[] }).cases,
}));

const summary = new Map<string, { cases: number; exact: number; maxRel: number; worst: string }>();

describe.skipIf(manifests.length === 0)('fixtures with TFLite BUILTIN_REF goldens', () => {
  for (const build of BUILDS) {
    describe(build, () => {
      for (const { dir: ZOO_DIR, cases } of manifests) for (const c of cases) {
        const invalid = invalidGolden(c) ?? (existsSync(join(ZOO_DIR, c.model)) ? null : 'model file not present');
        it.skipIf(invalid !== null)(`${c.name}${invalid ? ` (skipped: ${invalid})` : ''}`, async () => {
          const bytes = new Uint8Array(readFileSync(join(ZOO_DIR, c.model)));
          const model = build === 'ts-reference'
            ? new Model(readTfliteModel(bytes), createReferenceRuntime(), { maxBytes: 1 << 30 })
            : await loadModel(bytes, { backend: build });
          if (build !== 'ts-reference') expect(model.backend).toBe(build);
          expect(model.inputs.map((s) => s.dtype)).toEqual(c.inputs.map((s) => s.dtype));
          expect(model.outputs.map((s) => [...s.shape])).toEqual(c.outputs.map((s) => s.shape));
          const inputs = c.inputs.map((s) => readSamples(ZOO_DIR, s, c.samples));
          const goldens = c.outputs.map((s) => readSamples(ZOO_DIR, s, c.samples));
          const stats = summary.get(build) ?? { cases: 0, exact: 0, maxRel: 0, worst: '' };
          for (let sample = 0; sample < c.samples; sample++) {
            const outs = model.run(inputs.map((samples) => samples[sample]!)) as readonly TensorData[];
            c.outputs.forEach((spec, k) => {
              const got = outs[k]!;
              const ref = goldens[k]![sample]!;
              const { maxAbs, maxRef } = compareOutput(got, ref);
              const label = `${c.name} sample ${sample} output ${k}`;
              if (c.exact) expect(maxAbs, `${label}: bit-exact`).toBe(0);
              else expect(maxAbs, `${label}: max|Δ| ${maxAbs} vs max|ref| ${maxRef}`).toBeLessThanOrEqual(REL_TOLERANCE * maxRef);
              expect(argmax(got), `${label}: argmax`).toBe(argmax(ref));
              const rel = maxRef > 0 ? maxAbs / maxRef : maxAbs;
              if (rel > stats.maxRel) { stats.maxRel = rel; stats.worst = label; }
            });
          }
          stats.cases++;
          if (c.exact) stats.exact++;
          summary.set(build, stats);
          model.dispose();
        });
      }
    });
  }
  afterAll(() => {
    for (const [build, s] of summary) {
      console.log(`fixtures ${build}: ${s.cases} cases passed (${s.exact} bit-exact), max rel error ${s.maxRel.toExponential(2)}${s.worst ? ` (${s.worst})` : ''}`);
    }
  });
});
