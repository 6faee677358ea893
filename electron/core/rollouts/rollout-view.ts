// The rollout as the UI and the CLI see it: the state machine's record joined with the inventory's
// names, the recorded previous models and the live deploy progress.
import type { DeviceSummary, RolloutDetail, RolloutDeviceView, RolloutDriver, RolloutStageView, RolloutSummary } from '../api/types.js';
import type { DeviceFacts } from './rollout-facts.js';
import type { DeployView } from './rollout-runner.js';
import type { RolloutState } from './rollout-types.js';
import { deviceCounts } from './state-machine.js';

export interface ViewInputs {
  state: RolloutState;
  createdAt: string;
  updatedAt: string;
  modelName: string;
}

export function rolloutSummary({ state, createdAt, updatedAt, modelName }: ViewInputs): RolloutSummary {
  return {
    id: state.spec.id,
    modelId: state.spec.modelId,
    modelName,
    selector: state.spec.selector,
    status: state.status,
    reason: state.reason,
    stage: state.stage,
    stageCount: state.spec.stages.length,
    deviceCount: Object.keys(state.devices).length,
    counts: deviceCounts(state),
    createdAt,
    updatedAt,
  };
}

export function rolloutDetail(
  inputs: ViewInputs,
  extra: { inventory: Map<string, DeviceSummary>; facts: Map<string, DeviceFacts>; progress: Map<string, DeployView> | null; driver: RolloutDriver | null },
): RolloutDetail {
  const { state } = inputs;
  const spec = state.spec;
  const stages: RolloutStageView[] = spec.stages.map((s, i) => {
    const st = state.stages[i];
    return {
      index: i,
      label: s.label,
      deviceIds: s.deviceIds,
      phase: st.phase,
      soakStartedAt: st.soakStartedAt,
      soakEndsAt: st.soakStartedAt ? new Date(Date.parse(st.soakStartedAt) + spec.soakMs).toISOString() : null,
      evaluations: st.evaluations,
      gateResults: st.gateResults,
      outcome: st.outcome,
    };
  });
  const devices: RolloutDeviceView[] = spec.stages.flatMap((s) =>
    s.deviceIds.map((id) => {
      const d = state.devices[id];
      const prev = extra.facts.get(id)?.previous;
      const live = extra.progress?.get(id) ?? null;
      return {
        id,
        name: extra.inventory.get(id)?.name ?? id,
        stage: d.stage,
        phase: d.phase,
        error: d.error,
        previousModel: prev?.sha256 ? { name: prev.name, version: prev.version, sha256: prev.sha256 } : null,
        deploy: live,
      };
    }),
  );
  return {
    ...rolloutSummary(inputs),
    seed: spec.seed,
    plan: spec.plan ? (spec.plan.kind === 'percentages' ? { kind: 'percentages', percents: [...spec.plan.percents] } : { ...spec.plan }) : null,
    gates: spec.gates,
    policy: spec.policy,
    maxConcurrency: spec.maxConcurrency,
    soakMs: spec.soakMs,
    stages,
    devices,
    lateMatches: state.lateMatches,
    driver: extra.driver,
  };
}
