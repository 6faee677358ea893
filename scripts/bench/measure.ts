// One measurement in a fresh process, so that peak memory belongs to that case alone.
// Usage: tsx scripts/bench/measure.ts CASE ARGS… ; prints {"wallMs":…, "peakRssBytes":…, …} on stdout.
import { mkdtempSync, readFileSync } from 'node:fs';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { EventBus } from '../../electron/core/api/event-bus.js';
import { JobManager } from '../../electron/core/jobs/job-manager.js';
import { decodeModel } from '../../electron/core/onnx/codec.js';
import { inspectFile } from '../../electron/core/inspect/inspect.js';
import { profileModel } from '../../electron/core/profiling/profiler.js';
import { localContext } from '../../electron/core/jobs/task-types.js';

function peakRss(): number {
  const status = readFileSync('/proc/self/status', 'utf8');
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb * 1024;
}

const [which, path, extra] = process.argv.slice(2);
const t0 = performance.now();
let details: Record<string, unknown>;
switch (which) {
  case 'baseline-decode': {
    const model = decodeModel(readFileSync(path));
    details = { nodes: model.graph?.node?.length ?? 0 };
    break;
  }
  case 'inspect': {
    const r = await inspectFile(path, { loadCheck: false });
    details = { nodes: r.nodeCount, params: r.parameterCount };
    break;
  }
  case 'inspect-load-check': {
    const r = await inspectFile(path, { loadCheck: true });
    details = { nodes: r.nodeCount, loadable: r.loadable.ok };
    break;
  }
  case 'profile': {
    const runs = Number(extra ?? 200);
    const p = await profileModel({ path, runs, warmup: 10, threads: 0 }, localContext('/tmp', mkdtempSync('/tmp/ef-bench-')));
    details = {
      runs,
      meanMs: p.latencyMs.mean,
      p50Ms: p.latencyMs.p50,
      nodeTimeUs: p.nodeTimeUs,
      runTimeUs: p.runTimeUs,
      rows: p.rows.length,
    };
    break;
  }
  case 'event-loop-during-job': {
    // The console's main thread while a profiling job runs in a worker: its event-loop delay.
    const home = mkdtempSync('/tmp/ef-bench-home-');
    const jobs = new JobManager({ home, bus: new EventBus() });
    const idle = monitorEventLoopDelay({ resolution: 5 });
    idle.enable();
    await new Promise((r) => setTimeout(r, 1000));
    idle.disable();
    const busy = monitorEventLoopDelay({ resolution: 5 });
    busy.enable();
    await jobs.run('profiling.run', { path, runs: Number(extra ?? 300), warmup: 10, threads: 0 }, 'bench');
    busy.disable();
    await jobs.close();
    details = {
      idleP99Ms: idle.percentile(99) / 1e6,
      duringJobP99Ms: busy.percentile(99) / 1e6,
      duringJobMaxMs: busy.max / 1e6,
    };
    break;
  }
  default:
    throw new Error(`unknown case ${which}`);
}
const wallMs = performance.now() - t0;
process.stdout.write(JSON.stringify({ case: which, wallMs, peakRssBytes: peakRss(), ...details }) + '\n');

