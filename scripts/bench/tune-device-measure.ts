// The cost of tuning for a device: the same tune of the sample model (static INT8, budget 1 point) on
// the workstation, then timed on a real agent (every step sent as a staged candidate and profiled
// there), and on an agent started with --graph-optimization disabled (no INT8 fast paths). Prints one
// JSON line per case: wall time, what was sent to the device, profiles, time spent on the device, and
// what tuning decided.
// Usage: tsx scripts/bench/tune-device-measure.ts
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Job, VariantMetrics } from '../../electron/core/api/types.js';
import { createCore } from '../../electron/core/core.js';
import { sampleModelPath, startAgent } from '../../test/helpers/agent-process.js';
import { staticRecipe } from '../../test/helpers/device-optimize.js';

const home = mkdtempSync(join(tmpdir(), 'ef-bench-tune-device-'));
const core = createCore({ home, mode: 'cli' });
const agents = await Promise.all([startAgent({ name: 'ordinary' }), startAgent({ name: 'no-fast-int8', args: ['--graph-optimization', 'disabled'] })]);
const recipe = { ...staticRecipe, mode: 'tune' as const, maxDrop: 1 };

async function job(channel: string, input: unknown): Promise<{ done: Job; ms: number }> {
  const t0 = performance.now();
  const env = await core.call(channel, input);
  if (!env.ok) throw new Error(`${channel}: ${env.error.detail}`);
  const done = await core.jobs.wait((env.result as Job).id);
  return { done, ms: performance.now() - t0 };
}

try {
  for (const a of agents) {
    const env = await core.call('devices.pair', { address: `127.0.0.1:${a.port}`, code: a.pairingCode });
    if (!env.ok) throw new Error(env.error.detail);
  }
  const imported = await job('models.import', { path: sampleModelPath });
  const modelId = (imported.done.result as { modelId: string }).modelId;
  const cases: { name: string; deviceId?: string }[] = [{ name: 'workstation' }, ...agents.map((a) => ({ name: `device ${a.proc.spawnargs.includes('disabled') ? '(graph optimization disabled)' : '(ordinary agent)'}`, deviceId: a.deviceId }))];
  for (const c of cases) {
    const { done, ms } = await job('optimize.run', { modelId, recipe, ...(c.deviceId ? { deviceId: c.deviceId } : {}) });
    const m = done.state === 'succeeded' ? (done.result as { metrics: VariantMetrics }).metrics : null;
    console.log(
      JSON.stringify({
        case: c.name,
        wallMs: Math.round(ms),
        outcome: done.state === 'succeeded' ? 'variant' : (done.error?.code ?? done.state),
        steps: m?.tuning?.steps.length ?? null,
        keptFloatForDevice: m?.tuning?.deviceLayers?.filter((l) => l.keptFloat).length ?? null,
        slowerLayers: m?.tuning?.deviceLayers?.length ?? null,
        latencyRatio: m?.latencyRatio ?? null,
        uploads: m?.deviceCost?.uploads ?? 0,
        bytesSent: m?.deviceCost?.bytesSent ?? 0,
        profiles: m?.deviceCost?.profiles ?? 0,
        deviceMs: m?.deviceCost?.deviceMs ?? 0,
        error: done.state === 'succeeded' ? null : (done.error?.title ?? null),
      }),
    );
  }
} finally {
  await core.close();
  await Promise.all(agents.map((a) => a.stop()));
  rmSync(home, { recursive: true, force: true });
}
