// Policy-side helpers: the seed's preprocessing (bit-identical to TF).
export { grayscaleU8, rgbToGrayscale, preprocessObservation } from './preprocess.js';
export { modelPolicy, logitsPolicy, runEpisode, evaluatePolicy, summarizeEpisodes, summarize, quantile, argmax, inputQuantizationTable, ProgressBar } from './episode.js';
export type { Policy, ModelPolicy, EpisodeOptions, EpisodeResult, EvaluationOptions, Evaluation, Summary } from './episode.js';
