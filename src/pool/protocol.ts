// Messages between the pool and its workers.
import type { BackendChoice, Build } from '../kernels/api.js';
import type { EpisodeResult } from './episode.js';

export interface WorkerInit {
  /** File path, URL string or the model bytes (copied to each worker). */
  source: string | Uint8Array;
  backend: BackendChoice;
  maxEpisodeSteps?: number;
}
export interface WorkerRequest { id: number; seed: number }
export type WorkerReply =
  | { type: 'ready'; backend: Build }
  | { type: 'result'; id: number; result: EpisodeResult }
  | { type: 'error'; id: number; message: string };
