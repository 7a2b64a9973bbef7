// Pool worker (Node worker_threads): loads the policy once, owns one CarRacing env, runs episodes on request.
import { parentPort, workerData } from 'node:worker_threads';
import { loadModel } from '../index.js';
import { EpisodeRunner } from './episode.js';
import type { WorkerInit, WorkerReply, WorkerRequest } from './protocol.js';

const port = parentPort;
if (!port) throw new Error('i8x16 pool: worker.ts must run in a worker thread');
const init = workerData as WorkerInit;
const send = (m: WorkerReply) => port.postMessage(m);

try {
  const model = await loadModel(init.source, { backend: init.backend });
  const runner = new EpisodeRunner(model, { maxEpisodeSteps: init.maxEpisodeSteps });
  port.on('message', (m: WorkerRequest) => {
    try {
      send({ type: 'result', id: m.id, result: runner.run(m.seed) });
    } catch (e) {
      send({ type: 'error', id: m.id, message: e instanceof Error ? e.stack ?? e.message : String(e) });
    }
  });
  send({ type: 'ready', backend: model.backend });
} catch (e) {
  send({ type: 'error', id: -1, message: e instanceof Error ? e.stack ?? e.message : String(e) });
}
