export type { Build, BackendChoice } from './kernels/api.js';
