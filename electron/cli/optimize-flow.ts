import { resolve } from 'node:path';
import type { Job, ModelSummary, OptimizeRecipe, VariantMetrics } from '../core/api/types.js';
import type { Core } from '../core/core.js';
import { artifactPath } from '../core/registry/artifact-store.js';
import { copyFileAtomic } from '../core/util/atomic-write.js';
import { whereTimed } from '../core/api/timing-words.js';
import { cpuInfo } from '../core/util/cpu-info.js';
import { printJson } from './output.js';
import { callWithProgress } from './run-job.js';

/** Absolute paths in the recipe: it is stored as the variant's lineage and must mean the same later. */
function absolute(recipe: OptimizeRecipe): OptimizeRecipe {
  const abs = (p?: string) => (p === undefined ? undefined : resolve(p));
  return { ...recipe, calibrationNpy: abs(recipe.calibrationNpy), evalInputsNpy: abs(recipe.evalInputsNpy), evalLabelsNpy: abs(recipe.evalLabelsNpy) };
}

function pct(v: number | null, digits = 2): string {
  return v === null ? '—' : `${(v * 100).toFixed(digits)}%`;
}

export function formatMetrics(m: VariantMetrics, parentSize: number): string[] {
  return [
    `size        ${(m.sizeBytes / 2 ** 20).toFixed(2)} MiB (${(m.sizeBytes / parentSize).toFixed(3)}× of float)`,
    `latency p50 ${m.latencyP50Ms === null ? '—' : `${m.latencyP50Ms.toFixed(3)} ms`}${m.latencyRatio === null ? '' : ` (${m.latencyRatio.toFixed(2)}× of float, batch 1)`}`,
    `top-1       ${pct(m.top1)}${m.top5 === null ? '' : `   top-5 ${pct(m.top5)}`}`,
    `agreement   ${pct(m.agreement)}   SQNR ${m.sqnrDb === null ? '—' : `${m.sqnrDb.toFixed(1)} dB`}`,
    ...(m.integerCoverage === null ? [] : [`int8 kernels ${pct(m.integerCoverage, 0)} of Conv/Gemm/MatMul nodes`]),
    ...(m.floatNodes && m.floatNodes.length > 0 ? [`kept float  ${m.floatNodes.length} nodes (see --json for reasons)`] : []),
  ];
}

/**
 * Imports the parent (idempotent), derives the variant through the registry so its lineage is kept,
 * and writes a copy to `output`. Safety-net flags become warning lines (errors with --strict).
 */
export async function optimizeToFile(
  core: Core,
  opts: { model: string; output: string; recipe: OptimizeRecipe; strict: boolean; json: boolean; deviceId?: string },
): Promise<void> {
  // An unknown or unpaired device fails before the import (optimize.run also checks that it answers).
  if (opts.deviceId) core.devices.credentials(opts.deviceId);
  const imported = await callWithProgress<Job>(core, 'models.import', { path: opts.model }, opts.json);
  const { modelId } = imported.result as { modelId: string };
  const parent = core.registry.getModel(modelId)!;
  const job = await callWithProgress<Job>(core, 'optimize.run', { modelId, recipe: absolute(opts.recipe), strict: opts.strict, ...(opts.deviceId ? { deviceId: opts.deviceId } : {}) }, opts.json);
  const { variantId, metrics } = job.result as { variantId: string; metrics: VariantMetrics };
  const variant = core.registry.getModel(variantId) as ModelSummary;
  await copyFileAtomic(artifactPath(core.home, variant.sha256), resolve(opts.output));
  if (opts.json) {
    printJson({ output: resolve(opts.output), variant, parent: { id: parent.id, sizeBytes: parent.sizeBytes }, metrics });
  } else {
    process.stdout.write(`Wrote ${opts.output}: ${variant.name} v${variant.version} (${variant.id}), derived from ${parent.id}\n`);
    process.stdout.write(formatMetrics(metrics, parent.sizeBytes).map((l) => `  ${l}`).join('\n') + '\n');
    if (metrics.timing?.kind === 'device') {
      const t = metrics.timing;
      process.stdout.write(`  timed       ${whereTimed(t)}, ${t.runtime}${metrics.deviceLatency ? `; p95 ${metrics.deviceLatency.p95Ms.toFixed(3)} ms${metrics.deviceLatency.peakBytes ? `, peak memory ${(metrics.deviceLatency.peakBytes / 2 ** 20).toFixed(1)} MiB` : ''}` : ''}\n`);
      const c = metrics.deviceCost;
      if (c) process.stdout.write(`  on device   ${c.uploads} candidate${c.uploads === 1 ? '' : 's'} sent (${(c.bytesSent / 2 ** 20).toFixed(1)} MiB), ${c.profiles} profiles, ${(c.deviceMs / 1000).toFixed(1)} s\n`);
      for (const l of metrics.tuning?.deviceLayers ?? []) process.stdout.write(`  layer       ${l.node}: ${l.reason}\n`);
    } else {
      const features = cpuInfo().int8Features.filter((f) => f !== 'avx2');
      process.stdout.write(
        `  cpu         ${features.length ? `int8 dot-product: ${features.join(', ')}` : 'no int8 dot-product instructions (VNNI/asimddp): INT8 gains will be small'}\n`,
      );
    }
  }
  for (const flag of metrics.flags) process.stderr.write(`edgefleet: ${flag.level}: ${flag.message}\n`);
}
