/** The requested WASM build cannot run on this engine (missing SIMD / relaxed SIMD). */
export class BackendUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackendUnavailableError';
  }
}
