// Per-layer device times of a float model and its INT8 variant, matched through the original graph
// nodes each profiler row covers (the INT8 model keeps the float nodes' names, with its
// QuantizeLinear/DequantizeLinear around them; ORT fuses them into one integer kernel whose row
// covers the float node). Where ORT does not fuse them (a runtime without the fast path, graph
// optimization off) the conversions run as rows of their own: given the INT8 graph, each is charged to
// the layer it converts for, since running that layer in INT8 costs them. Pure: tune --device decides
// from it which layers stay float.
import type { ProfileRow } from '../api/types.js';
import type { GraphNodeInfo } from '../profiling/graph-nodes.js';

export interface LayerTimes {
  node: string;
  opType: string;
  floatMs: number;
  int8Ms: number;
}

/**
 * The layers each Q/DQ node of `graph` converts for: a DequantizeLinear for the layers reading its output
 * (weights and inputs), a QuantizeLinear for the layer whose output it quantizes.
 */
export function conversionOwners(graph: readonly GraphNodeInfo[], layers: ReadonlySet<string>): Map<string, string[]> {
  const producer = new Map<string, string>();
  const readers = new Map<string, string[]>();
  for (const n of graph) {
    for (const o of n.outputs) producer.set(o, n.name);
    for (const i of n.inputs) readers.set(i, [...(readers.get(i) ?? []), n.name]);
  }
  const out = new Map<string, string[]>();
  for (const n of graph) {
    let owners: string[] = [];
    if (n.opType === 'DequantizeLinear') owners = (readers.get(n.outputs[0]) ?? []).filter((r) => layers.has(r));
    else if (n.opType === 'QuantizeLinear') owners = [producer.get(n.inputs[0])].filter((p): p is string => p !== undefined && layers.has(p));
    if (owners.length > 0) out.set(n.name, [...new Set(owners)]);
  }
  return out;
}

/**
 * The median time of each layer in `rows`: a row covering several of the layers is shared evenly among them.
 * A row covering none of them is charged to the layers `owners` gives for its nodes (unfused Q/DQ), or to none
 * (layout nodes; any Q/DQ when no owners are given).
 */
export function timePerLayer(rows: readonly ProfileRow[], layers: ReadonlySet<string>, owners?: ReadonlyMap<string, readonly string[]>): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of rows) {
    const mine = r.nodes.filter((n) => layers.has(n));
    const direct = mine.length > 0 ? mine : layers.has(r.name) ? [r.name] : [];
    const covered = direct.length > 0 || !owners ? direct : [...new Set([r.name, ...r.nodes].flatMap((n) => owners.get(n) ?? []))];
    // The median run: one slow run (a busy board) moves a mean of a few dozen runs, not the median.
    const us = Number.isFinite(r.p50Us) ? r.p50Us : r.meanUs;
    for (const n of covered) out.set(n, (out.get(n) ?? 0) + us / 1000 / covered.length);
  }
  return out;
}

/**
 * Both times of each quantized layer found in both profiles, in the order given. With the INT8 model's
 * graph, a layer's INT8 time includes its conversions where they ran unfused.
 */
export function layerTimes(
  floatRows: readonly ProfileRow[],
  int8Rows: readonly ProfileRow[],
  quantized: readonly { name: string; opType: string }[],
  int8Graph?: readonly GraphNodeInfo[],
): LayerTimes[] {
  const names = new Set(quantized.map((q) => q.name));
  const f = timePerLayer(floatRows, names);
  const q = timePerLayer(int8Rows, names, int8Graph ? conversionOwners(int8Graph, names) : undefined);
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
