// i8x16/carracing: Gymnasium CarRacing-v3 in TypeScript (no Node built-ins; see ./png.ts for PNG output in Node).
export { CarRacing, InvalidAction, FPS, MAX_EPISODE_STEPS } from './env.js';
export type { CarRacingOptions, CarState, StepResult, StepInfo, ContinuousAction, DiscreteAction, Tile } from './env.js';
export { NumpyGenerator, seedSequenceState } from './rng.js';
export { generateTrack, generateTrackAttempt, buildTrackGeometry, computeBorders } from './track.js';
export type { TrackPoint, TrackGeometry } from './track.js';
export { CarRacingRenderer, STATE_W, STATE_H, VIDEO_W, VIDEO_H } from './render.js';
export type { RenderScene } from './render.js';
export { formatScore } from './hud.js';
