// Where a timing was taken, in words for flags, reports and pages. Pure: the renderer may import it.
import type { TimingSource } from './types.js';

/** Integer dot-product features, the ones that decide whether INT8 pays off. */
const dotProductFeatures = ['avx512_vnni', 'avx_vnni', 'amx_int8', 'asimddp', 'i8mm'];

/** "on device kiosk-3 (ARM Cortex-A76, no dot-product)"; "on this CPU" (or `here`) for the workstation. */
export function whereTimed(source: TimingSource | undefined, here = 'on this CPU'): string {
  if (!source || source.kind === 'workstation') return here;
  const dot = source.cpuFeatures.filter((f) => dotProductFeatures.includes(f));
  const features = source.cpuFeatures.length === 0 ? 'CPU features unknown' : dot.length ? `dot-product: ${dot.join(', ')}` : 'no dot-product';
  return `on device ${source.deviceName} (${source.cpu}, ${features})`;
}
