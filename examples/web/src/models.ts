// The three policy files the page can drive with, and where the demo server says they are.

export type ModelKey = 'float32' | 'dynamic-int8' | 'int8';
export const MODEL_KEYS: readonly ModelKey[] = ['float32', 'dynamic-int8', 'int8'];
export const MODEL_LABELS: Record<ModelKey, string> = {
  float32: 'float32',
  'dynamic-int8': 'dynamic-range int8',
  int8: 'full int8',
};

export interface ModelEntry {
  key: ModelKey;
  /** Absolute URL (workers resolve relative URLs against their own script). */
  url: string;
  /** false: the seed architecture with random weights (test fixture), used until trained models exist. */
  trained: boolean;
}

export type Catalogue = Record<ModelKey, ModelEntry>;

const TRAINED_FILES: Record<ModelKey, string> = {
  float32: 'models/car_racing_float32.tflite',
  'dynamic-int8': 'models/car_racing_dynamic_int8.tflite',
  int8: 'models/car_racing_int8.tflite',
};

/**
 * scripts/serve-demo.mjs answers models.json with the files it can serve (trained models, else the seed
 * fixtures). Any other static host gets the trained paths, so no request is made for a missing file.
 */
export async function loadCatalogue(base: string): Promise<Catalogue> {
  const out = {} as Catalogue;
  let listed: Partial<Record<ModelKey, { path: string; trained: boolean }>> = {};
  try {
    const response = await fetch(new URL('models.json', base));
    if (response.ok) listed = await response.json();
  } catch {
    // Static hosting without the demo server: fall through to the trained paths.
  }
  for (const key of MODEL_KEYS) {
    const item = listed[key];
    out[key] = {
      key,
      url: new URL(item?.path ?? TRAINED_FILES[key], base).href,
      trained: item?.trained ?? true,
    };
  }
  return out;
}
