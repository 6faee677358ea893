// Turns what a person asked for (model, selector, stages, gates) into a frozen rollout spec.
import { checkGate, defaultGates, type GateDefinition } from './gates.js';
import type { GatePolicy, RolloutSpec } from './rollout-types.js';
import { resolveTargets, type TargetDevice } from './selector.js';
import { defaultStagePercents, planStages, type StageSpec } from './stages.js';

export interface RolloutRequest {
  id: string;
  modelId: string;
  selector: string;
  /** Defaults to the rollout id, so each rollout draws its own devices. */
  seed?: string;
  stages?: StageSpec;
  gates?: GateDefinition[];
  policy?: GatePolicy;
  maxConcurrency?: number;
  soakMs?: number;
}

export const rolloutDefaults = { maxConcurrency: 4, soakMs: 10 * 60_000, policy: 'rollback' as GatePolicy };

export function buildRolloutSpec(req: RolloutRequest, inventory: readonly TargetDevice[]): RolloutSpec {
  const deviceIds = resolveTargets(req.selector, inventory);
  const seed = req.seed ?? req.id;
  const maxConcurrency = req.maxConcurrency ?? rolloutDefaults.maxConcurrency;
  const asked: StageSpec = req.stages ?? { kind: 'percentages', percents: defaultStagePercents };
  const plan = planStages(seed, deviceIds, asked, maxConcurrency);
  return {
    id: req.id,
    modelId: req.modelId,
    selector: req.selector,
    seed,
    stages: plan.stages.map((s) => ({ label: s.label, deviceIds: s.deviceIds })),
    gates: (req.gates ?? defaultGates()).map(checkGate),
    policy: req.policy ?? rolloutDefaults.policy,
    maxConcurrency,
    soakMs: req.soakMs ?? rolloutDefaults.soakMs,
    plan: asked,
  };
}
