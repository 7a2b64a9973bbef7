// Child-process entry for engine tests: runs the randomized kernel suite on this engine with the
// requested backend and prints one JSON line. Usage: node [flags] --import tsx relaxed-child.ts <backend> <seed>
import { createKernelRuntime } from '../../src/kernels/runtime.js';
import type { BackendChoice } from '../../src/kernels/api.js';
import { runRandomSuite, STANDARD_COUNTS } from './random-cases.js';

const backend = (process.argv[2] ?? 'relaxed') as BackendChoice;
const seed = Number(process.argv[3] ?? 1);
const probeRuntime = await createKernelRuntime({ backend });
const report = await runRandomSuite({ seed, counts: STANDARD_COUNTS, makeRuntime: () => createKernelRuntime({ backend }) });
const auto = await createKernelRuntime({ backend: 'auto' });
process.stdout.write(JSON.stringify({
  node: process.version,
  build: probeRuntime.build,
  dotMode: probeRuntime.dotMode,
  gemvKernel: probeRuntime.gemvKernel,
  probe: probeRuntime.relaxedProbe,
  features: probeRuntime.features,
  autoBuild: auto.build,
  cases: report.cases,
  extremeCases: report.extremeCases,
  failures: report.failures.slice(0, 20),
  failureCount: report.failures.length,
  int8Digest: report.int8Digest,
}) + '\n');
