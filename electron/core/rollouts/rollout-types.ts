// The rollout state machine's data: spec, state, events and the commands it asks the engine to run.
import type { GateDefinition, GateResult } from './gates.js';
import type { StageSpec } from './stages.js';

export type RolloutStatus = 'planned' | 'running' | 'paused' | 'halted' | 'rolling-back' | 'rolled-back' | 'completed' | 'aborted';
export type StagePhase = 'deploying' | 'soaking' | 'evaluating' | 'confirming';
export type DevicePhase = 'pending' | 'deploying' | 'trial' | 'confirmed' | 'failed' | 'reverted' | 'rolled-back' | 'flagged';
/** What a failed gate does: roll back every device the rollout touched, or only stop. */
export type GatePolicy = 'rollback' | 'halt';

export interface RolloutSpec {
  id: string;
  modelId: string;
  selector: string;
  seed: string;
  /** Frozen at creation: each device is in exactly one stage. */
  stages: { label: string; deviceIds: string[] }[];
  gates: GateDefinition[];
  policy: GatePolicy;
  maxConcurrency: number;
  soakMs: number;
  /** How the stages were asked for (shown in the UI); the frozen stages above are what counts. */
  plan?: StageSpec;
  /** The model's bytes, frozen at creation: the registry entry may be removed later. */
  modelSha256?: string;
  modelSize?: number;
  modelName?: string;
  modelVersion?: string;
  /** Creation time; also the `created` of the signed manifest, so a resumed upload continues the same one. */
  createdAt?: string;
  /** The release counter of the rollout's manifest, taken from the console's counter at creation. */
  release?: number;
}

export interface DeviceRecord {
  stage: number;
  phase: DevicePhase;
  deployIssued: boolean;
  confirmIssued: boolean;
  rollbackIssued: boolean;
  rollbackDone: boolean;
  error: string | null;
  /** Rolled back by hand on its own (one device or a group), outside a rollback of the whole rollout. */
  rollbackRequested?: boolean;
}

export interface StageRecord {
  /** null until the rollout reaches the stage. */
  phase: StagePhase | null;
  soakIssued: boolean;
  soakStartedAt: string | null;
  soakElapsed: boolean;
  /** evaluate-gates commands issued so far (a resume after a halt evaluates again). */
  evaluations: number;
  evaluationPending: boolean;
  gateResults: GateResult[] | null;
  outcome: 'passed' | 'failed' | null;
}

export interface RolloutState {
  spec: RolloutSpec;
  status: RolloutStatus;
  /** Index of the current stage; -1 before the start. */
  stage: number;
  devices: Record<string, DeviceRecord>;
  stages: StageRecord[];
  /** Devices that match the selector but joined after the start: reported, never added. */
  lateMatches: string[];
  /** Why the rollout halted or rolled back, for the UI. */
  reason: string | null;
}

interface EventBase {
  /** ISO time, set by the store when the event is recorded. */
  at?: string;
}

export type RolloutEvent = EventBase &
  (
    | { type: 'start' }
    | { type: 'device-deployed'; deviceId: string }
    | { type: 'device-failed'; deviceId: string; error: string }
    /** The agent's own health check reverted the trial. */
    | { type: 'device-reverted'; deviceId: string; error: string }
    | { type: 'soak-elapsed'; stage: number }
    | { type: 'gates-evaluated'; stage: number; results: GateResult[] }
    | { type: 'device-confirmed'; deviceId: string }
    | { type: 'device-confirm-failed'; deviceId: string; error: string }
    | { type: 'pause' }
    | { type: 'resume' }
    | { type: 'abort' }
    | { type: 'rollback'; reason?: string }
    /** Rolls back only these devices (by hand); the rollout itself carries on. */
    | { type: 'rollback-devices'; deviceIds: string[] }
    | { type: 'device-rolled-back'; deviceId: string }
    | { type: 'device-rollback-failed'; deviceId: string; error: string }
    | { type: 'late-matches'; deviceIds: string[] }
  );

export type RolloutEventType = RolloutEvent['type'];

/** Work for the engine. Device commands carry an idempotency key the agent deduplicates on. */
export type RolloutCommand =
  | { type: 'deploy'; deviceId: string; stage: number; key: string }
  | { type: 'confirm'; deviceId: string; stage: number; key: string }
  | { type: 'rollback-device'; deviceId: string; key: string }
  | { type: 'soak'; stage: number; durationMs: number; startedAt: string | null }
  | { type: 'evaluate-gates'; stage: number; attempt: number; deviceIds: string[] };

export interface Transition {
  state: RolloutState;
  commands: RolloutCommand[];
  /** Why the event changed nothing (a duplicate, a late result, an action the status forbids); null when applied. */
  ignored: string | null;
}
