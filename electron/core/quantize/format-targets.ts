// `edgefleet targets` as text: a model family side by side on this workstation and the devices it was
// timed on (the Optimize page's Compare on devices), then where INT8 pays off layer by layer.
import type { OptimizeTargets, TargetTiming } from '../api/types.js';
import { formatBytes } from '../jobs/progress.js';

const ms = (x: number | null) => (x === null ? '–' : x < 10 ? x.toFixed(2) : x.toFixed(1));
const pct = (x: number | null) => (x === null ? '–' : `${(x * 100).toFixed(1)} %`);

function timing(t: TargetTiming | undefined): string {
  if (!t) return 'not timed';
  const ratio = t.ratio === null ? '' : ` (${t.ratio.toFixed(2)}× float)`;
  let energy = '';
  if (t.energy?.available) energy = `, ${(t.energy.joulesPerInference * 1000).toPrecision(3)} mJ/inference${t.energyRatio == null ? '' : ` (${t.energyRatio.toFixed(2)}× float)`}`;
  else if (t.energy) energy = `, energy not available (${t.energy.reason})`;
  return `p50 ${ms(t.p50Ms)} ms${ratio}${energy}`;
}

export function formatTargets(t: OptimizeTargets): string[] {
  if (t.devices.length === 0) return ['Not timed on any device yet: add --device ID (repeat for more) to time the model and its variants there.'];
  const lines = [`Devices: ${t.devices.map((d) => `${d.deviceName} (${d.cpu}; INT8 features: ${d.cpuFeatures})`).join('; ')}`, ''];
  for (const v of t.variants) {
    lines.push(`${v.name} v${v.version}  ${v.kind}  top-1 ${pct(v.top1)}  agreement ${pct(v.agreement)}  ${formatBytes(v.sizeBytes)}  workstation p50 ${ms(v.workstationP50Ms)} ms`);
    for (const d of t.devices) lines.push(`  on ${d.deviceName}: ${timing(v.devices.find((x) => x.deviceId === d.deviceId))}`);
  }
  if (t.layers) {
    const v = t.variants.find((x) => x.modelId === t.layers!.variantId);
    lines.push('', `Layer by layer, ${v ? `${v.name} v${v.version}` : t.layers.variantId} against float (Q/DQ conversions charged to their layers):`);
    for (const x of t.layers.verdicts) {
      lines.push(`  ${x.deviceName}: INT8 ${x.paysOff ? 'pays off' : 'does not pay off'}: ${ms(x.int8Ms)} ms against ${ms(x.floatMs)} ms float over ${x.layers} layers`);
    }
  }
  return lines;
}
