// Per-layer device times of a float model and its INT8 variant, matched through the original graph
// nodes each profiler row covers (the INT8 model keeps the float nodes' names, with its
// QuantizeLinear/DequantizeLinear around them; ORT fuses them into one integer kernel whose row
// covers the float node). Pure: tune --device decides from it which layers stay float.
import type { ProfileRow } from '../api/types.js';

export interface LayerTimes {
  node: string;
  opType: string;
  floatMs: number;
  int8Ms: number;
}

/**
 * The median time of each layer in `rows`: a row covering several of the layers is shared evenly among them;
 * rows covering none of them (layout nodes, leftover Q/DQ) count for no layer.
 */
export function timePerLayer(rows: readonly ProfileRow[], layers: ReadonlySet<string>): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of rows) {
    const mine = r.nodes.filter((n) => layers.has(n));
    const covered = mine.length > 0 ? mine : layers.has(r.name) ? [r.name] : [];
    // The median run: one slow run (a busy board) moves a mean of a few dozen runs, not the median.
    const us = Number.isFinite(r.p50Us) ? r.p50Us : r.meanUs;
    for (const n of covered) out.set(n, (out.get(n) ?? 0) + us / 1000 / covered.length);
  }
  return out;
}

/** Both times of each quantized layer found in both profiles, in the order given. */
export function layerTimes(floatRows: readonly ProfileRow[], int8Rows: readonly ProfileRow[], quantized: readonly { name: string; opType: string }[]): LayerTimes[] {
  const names = new Set(quantized.map((q) => q.name));
  const f = timePerLayer(floatRows, names);
  const q = timePerLayer(int8Rows, names);
  return quantized.flatMap((l) => (f.has(l.name) && q.has(l.name) ? [{ node: l.name, opType: l.opType, floatMs: f.get(l.name)!, int8Ms: q.get(l.name)! }] : []));
}

/**
 * The layers slower in INT8 than in float by more than `margin` (a fraction: 0.05 ignores
 * differences within 5 %, which a profile of a few dozen runs does not resolve), slowest loss first.
 * `minMs` ignores layers too short to time (below 0.005 ms by default).
 */
export function slowerInInt8(times: readonly LayerTimes[], margin = 0.05, minMs = 0.005): LayerTimes[] {
  return times.filter((t) => t.int8Ms > t.floatMs * (1 + margin) && t.int8Ms - t.floatMs >= minMs).sort((a, b) => b.int8Ms - b.floatMs - (a.int8Ms - a.floatMs));
}

/**
 * Why, per layer: "kept float: INT8 slower on kiosk-3 (0.42 ms vs 0.31 ms)". `outcome`: kept float;
 * left INT8 because the rebuilt model broke the accuracy budget; or left INT8 because the quantizer
 * does not keep that node float on its own (it stayed quantized in the rebuilt model).
 */
export function slowerReason(t: LayerTimes, deviceName: string, outcome: 'kept' | 'budget' | 'bound'): string {
  const figures = `${t.int8Ms.toFixed(3)} ms vs ${t.floatMs.toFixed(3)} ms`;
  if (outcome === 'kept') return `kept float: INT8 slower on ${deviceName} (${figures})`;
  if (outcome === 'budget') return `INT8 slower on ${deviceName} (${figures}), but keeping it float broke the accuracy budget: left INT8`;
  return `INT8 slower on ${deviceName} (${figures}), but the quantizer does not keep it float on its own: left INT8`;
}
