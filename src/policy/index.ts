// Policy-side helpers: the seed's preprocessing (bit-identical to TF).
export { grayscaleU8, rgbToGrayscale, preprocessObservation } from './preprocess.js';
