// optimize.targets, pure: a float model and its variants side by side on the workstation and on each
// device they were timed on (stored device profiles), with each model's latency ratio to the float
// parent ON THE SAME DEVICE, and a per-layer view of one INT8 variant (layer-timing.ts's matching of
// the INT8 model's profile rows to the float nodes they cover).
import type { ModelSummary, OptimizeRecipe, OptimizeTargets, ProfileResult, TargetDevice, TargetLayers, TargetTiming, TargetVariant, VariantKind, VariantMetrics } from '../api/types.js';
import { isTfliteConversion } from '../api/tflite-conversion.js';
import type { GraphNodeInfo } from '../profiling/graph-nodes.js';
import { layerTimes } from './layer-timing.js';

/** The operators the quantizer turns into integer kernels: the layers the per-layer view compares. */
const QUANTIZABLE = new Set(['Conv', 'ConvTranspose', 'Gemm', 'MatMul', 'FusedConv', 'FusedGemm', 'FusedMatMul']);
/** INT8 pays off on a target when its layers are this much faster there (5 %: what a profile of a few dozen runs resolves). */
export const PAYS_OFF_MARGIN = 0.05;
const INT8_KINDS = new Set<VariantKind>(['int8-static', 'int8-dynamic', 'tuned']);

const kinds: Record<OptimizeRecipe['mode'], VariantKind> = {
  static: 'int8-static',
  dynamic: 'int8-dynamic',
  fp16: 'fp16',
  tune: 'tuned',
  ort: 'ort',
  optimized: 'optimized',
};

export function variantKind(m: Pick<ModelSummary, 'recipe'>): VariantKind {
  if (!m.recipe || isTfliteConversion(m.recipe)) return 'float';
  return kinds[(m.recipe as OptimizeRecipe).mode] ?? 'float';
}

export interface DeviceFacts {
  name: string;
  cpu: string;
  /** INT8-relevant CPU features from the device's board (empty when it reports none). */
  cpuFeatures: string[];
}

export interface TargetsInput {
  parent: ModelSummary;
  variants: ModelSummary[];
  /** Device profiles per model id, newest first (only devices in `devices` count). */
  profiles: Map<string, ProfileResult[]>;
  devices: Map<string, DeviceFacts>;
  /** The variant for the per-layer view; default the first INT8 variant timed on a device with its parent. */
  variantId?: string;
  /** A variant's graph, to charge unfused Q/DQ rows to their layers (layer-timing.ts); absent: they count for none. */
  graphOf?: (model: ModelSummary) => readonly GraphNodeInfo[] | null;
}

export const featuresInWords = (f: readonly string[]): string => (f.length > 0 ? f.join(', ') : 'no INT8 extensions reported');

/** The newest profile of each device for one model. */
function latestByDevice(list: readonly ProfileResult[] | undefined, devices: Map<string, DeviceFacts>): Map<string, ProfileResult> {
  const out = new Map<string, ProfileResult>();
  for (const p of list ?? []) if (devices.has(p.device.id) && !out.has(p.device.id)) out.set(p.device.id, p);
  return out;
}

/** Where the model's own latencyP50Ms was measured is this workstation (variants made with --device keep the device's). */
function workstationP50(metrics: VariantMetrics | null): number | null {
  if (!metrics || (metrics.timing && metrics.timing.kind !== 'workstation')) return null;
  return metrics.latencyP50Ms;
}

/** The quantized layers of a variant: the float parent's integer-capable nodes, less those the variant kept float. */
function quantizedLayers(parentRows: ProfileResult['rows'], variant: ModelSummary): { name: string; opType: string }[] {
  const keptFloat = new Set(((variant.metrics as VariantMetrics | null)?.floatNodes ?? []).map((n) => n.name));
  const seen = new Set<string>();
  const out: { name: string; opType: string }[] = [];
  for (const r of parentRows) {
    if (!QUANTIZABLE.has(r.opType)) continue;
    const name = r.nodes.includes(r.name) ? r.name : (r.nodes[0] ?? r.name);
    if (seen.has(name) || keptFloat.has(name)) continue;
    seen.add(name);
    out.push({ name, opType: r.opType.replace(/^Fused/, '') });
  }
  return out;
}

export function buildTargets(input: TargetsInput): OptimizeTargets {
  const { parent, devices } = input;
  const family = [parent, ...input.variants];
  const latest = new Map(family.map((m) => [m.id, latestByDevice(input.profiles.get(m.id), devices)]));
  const parentLatest = latest.get(parent.id)!;

  const used = new Set<string>();
  for (const byDevice of latest.values()) for (const d of byDevice.keys()) used.add(d);
  const deviceList: TargetDevice[] = [...used]
    .map((deviceId) => {
      const d = devices.get(deviceId)!;
      return { deviceId, deviceName: d.name, cpu: d.cpu, cpuFeatures: featuresInWords(d.cpuFeatures) };
    })
    .sort((a, b) => a.deviceName.localeCompare(b.deviceName) || a.deviceId.localeCompare(b.deviceId));

  const variants: TargetVariant[] = family.map((m) => {
    const metrics = (m.metrics as VariantMetrics | null) ?? null;
    const byDevice = latest.get(m.id)!;
    const timings: TargetTiming[] = deviceList.flatMap((d) => {
      const p = byDevice.get(d.deviceId);
      if (!p) return [];
      const base = parentLatest.get(d.deviceId);
      return [
        {
          deviceId: d.deviceId,
          deviceName: d.deviceName,
          cpuFeatures: d.cpuFeatures,
          p50Ms: p.latencyMs.p50,
          p95Ms: p.latencyMs.p95,
          peakBytes: Number.isFinite(p.peakMemoryBytes) && p.peakMemoryBytes > 0 ? p.peakMemoryBytes : null,
          ratio: base && base.latencyMs.p50 > 0 ? p.latencyMs.p50 / base.latencyMs.p50 : null,
          ...(p.energy ? { energy: p.energy, energyRatio: p.energy.available && base?.energy?.available ? p.energy.joulesPerInference / base.energy.joulesPerInference : null } : {}),
          at: p.createdAt,
          profileId: p.id,
        },
      ];
    });
    return {
      modelId: m.id,
      name: m.name,
      version: m.version,
      kind: m.id === parent.id ? 'float' : variantKind(m),
      top1: metrics?.top1 ?? null,
      agreement: m.id === parent.id ? null : (metrics?.agreement ?? null),
      sizeBytes: m.sizeBytes,
      workstationP50Ms: workstationP50(metrics),
      devices: timings,
    };
  });

  return { parentId: parent.id, devices: deviceList, variants, layers: perLayer(input, latest, deviceList) };
}

function perLayer(input: TargetsInput, latest: Map<string, Map<string, ProfileResult>>, deviceList: TargetDevice[]): TargetLayers | null {
  const parentLatest = latest.get(input.parent.id)!;
  const timedWithParent = (m: ModelSummary) => [...latest.get(m.id)!.keys()].some((d) => parentLatest.has(d));
  const variant = input.variantId
    ? input.variants.find((m) => m.id === input.variantId)
    : input.variants.find((m) => INT8_KINDS.has(variantKind(m)) && timedWithParent(m));
  if (!variant || !timedWithParent(variant)) return null;

  const rows = new Map<string, TargetLayers['rows'][number]>();
  const verdicts: TargetLayers['verdicts'] = [];
  let graph: readonly GraphNodeInfo[] | null | undefined;
  for (const d of deviceList) {
    const f = parentLatest.get(d.deviceId);
    const q = latest.get(variant.id)!.get(d.deviceId);
    if (!f || !q) continue;
    graph ??= input.graphOf?.(variant) ?? null;
    const times = layerTimes(f.rows, q.rows, quantizedLayers(f.rows, variant), graph ?? undefined);
    for (const t of times) {
      const row = rows.get(t.node) ?? { node: t.node, opType: t.opType, perDevice: [] };
      row.perDevice.push({ deviceId: d.deviceId, floatMs: t.floatMs, int8Ms: t.int8Ms });
      rows.set(t.node, row);
    }
    const floatMs = times.reduce((s, t) => s + t.floatMs, 0);
    const int8Ms = times.reduce((s, t) => s + t.int8Ms, 0);
    verdicts.push({ deviceId: d.deviceId, deviceName: d.deviceName, floatMs, int8Ms, layers: times.length, paysOff: times.length > 0 && int8Ms < floatMs * (1 - PAYS_OFF_MARGIN) });
  }
  return { variantId: variant.id, rows: [...rows.values()], verdicts };
}
