// Static INT8 variants of one parent that share a single calibration: every float activation is
// measured once, then any exclude list builds its QDQ model from those ranges (sensitivity, tuning).
import { decodeModel, encodeModel } from '../onnx/codec.js';
import type { onnx } from '../onnx/generated/onnx.js';
import { DataType } from '../onnx/data-types.js';
import { calibrate, type CalibrationRun } from './calibrate/run-calibration.js';
import type { CalibrationSettings } from './calibrate/collector.js';
import { inferElemTypes } from './graph/type-infer.js';
import type { QType, Range } from './quant-params.js';
import type { NodeDecision } from './report-types.js';
import { planStatic, type StaticPlan } from './static-plan.js';
import { applyStatic } from './static-qdq.js';

export interface StaticBuildOptions {
  activationType: QType;
  perChannel: boolean;
}

/** Decodes the parent and names unnamed nodes (`Op_i` in file order) so exclude lists can name every node. */
export function decodeNamed(bytes: Uint8Array): onnx.ModelProto {
  const model = decodeModel(bytes);
  (model.graph?.node ?? []).forEach((n, i) => {
    if (!n.name) n.name = `${n.op_type}_${i}`;
  });
  return model;
}

/** Float tensors any static plan may need a range of: graph inputs and every float node output. */
export function calibrationCandidates(model: onnx.IModelProto): string[] {
  const graph = model.graph!;
  const types = inferElemTypes(graph);
  const inits = new Set((graph.initializer ?? []).map((t) => t.name ?? ''));
  const names = [
    ...(graph.input ?? []).map((i) => i.name ?? '').filter((n) => !inits.has(n)),
    ...(graph.node ?? []).filter((n) => n.op_type !== 'Constant').flatMap((n) => n.output ?? []),
  ];
  return [...new Set(names)].filter((n) => n && types.get(n) === DataType.FLOAT);
}

export async function calibrateAll(parent: Uint8Array, settings: CalibrationSettings, run: CalibrationRun): Promise<Map<string, Range>> {
  const model = decodeNamed(parent);
  return calibrate(model, calibrationCandidates(model), settings, run);
}

export interface StaticBuild {
  bytes: Uint8Array;
  decisions: NodeDecision[];
  plan: StaticPlan;
}

/** Builds the QDQ model for an exclude list from shared ranges; null when nothing would be quantized. */
export function buildStatic(parent: Uint8Array, exclude: readonly string[], ranges: Map<string, Range>, opts: StaticBuildOptions): StaticBuild | null {
  const model = decodeNamed(parent);
  const plan = planStatic(model, exclude);
  if (plan.quantNodes.size === 0) return null;
  const missing = plan.calibrate.filter((t) => !ranges.has(t));
  if (missing.length) throw new Error(`no calibrated range for ${missing.slice(0, 3).join(', ')}`);
  applyStatic(plan, ranges, opts);
  model.producer_name = 'EdgeFleet';
  return { bytes: encodeModel(model), decisions: plan.decisions, plan };
}
