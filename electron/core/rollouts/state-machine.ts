// The rollout as a pure reducer: (state, event) → next state + commands. Every command is recorded
// on the device or stage that caused it, so replaying a log, duplicates included, never emits one twice.
import { AppError } from '../api/errors.js';
import { gatesPassed } from './gates.js';
import type { DeviceRecord, RolloutCommand, RolloutEvent, RolloutSpec, RolloutState, StageRecord, Transition } from './rollout-types.js';

export function initialState(spec: RolloutSpec): RolloutState {
  checkSpec(spec);
  const devices: Record<string, DeviceRecord> = {};
  spec.stages.forEach((stage, i) => {
    for (const id of stage.deviceIds) {
      devices[id] = { stage: i, phase: 'pending', deployIssued: false, confirmIssued: false, rollbackIssued: false, rollbackDone: false, error: null };
    }
  });
  const stages = spec.stages.map((): StageRecord => ({
    phase: null,
    soakIssued: false,
    soakStartedAt: null,
    soakElapsed: false,
    evaluations: 0,
    evaluationPending: false,
    gateResults: null,
    outcome: null,
  }));
  return { spec, status: 'planned', stage: -1, devices, stages, lateMatches: [], reason: null };
}

function checkSpec(spec: RolloutSpec): void {
  const invalid = (detail: string) => new AppError('ROLLOUT_INVALID', 'Invalid rollout', detail);
  if (spec.stages.length === 0 || spec.stages.some((s) => s.deviceIds.length === 0)) {
    throw invalid('Every stage needs at least one device; does the target select any device?');
  }
  const all = spec.stages.flatMap((s) => s.deviceIds);
  if (new Set(all).size !== all.length) throw invalid('A device appears in more than one stage.');
  if (!Number.isInteger(spec.maxConcurrency) || spec.maxConcurrency < 1) throw invalid(`Concurrency is ${spec.maxConcurrency}; it must be at least 1.`);
  if (!Number.isFinite(spec.soakMs) || spec.soakMs < 0) throw invalid(`Soak time is ${spec.soakMs} ms; it must be 0 or more.`);
}

export function idempotencyKey(rolloutId: string, op: 'deploy' | 'confirm' | 'rollback', deviceId: string): string {
  return `${rolloutId}/${op}/${deviceId}`;
}

/** Applies one event to a copy of the state. */
export function reduce(state: RolloutState, event: RolloutEvent): Transition {
  return applyInPlace(structuredClone(state), event);
}

/**
 * Applies one event to `state` itself: for the store, which owns its copy and drops it when the
 * write fails. A copy of a 10,000-device state per event is what made large rollouts slow.
 */
export function reduceInPlace(state: RolloutState, event: RolloutEvent): Transition {
  return applyInPlace(state, event);
}

/** Rebuilds a rollout's state from its event log. */
export function replay(spec: RolloutSpec, events: readonly RolloutEvent[]): RolloutState {
  let state = initialState(structuredClone(spec));
  for (const e of events) state = applyInPlace(state, e).state;
  return state;
}

// Mutates `s`: callers own it (reduce clones first; replay folds over its own copy).
function applyInPlace(s: RolloutState, e: RolloutEvent): Transition {
  const ignored = applyFacts(s, e);
  const commands = ignored === null ? drive(s, e) : [];
  return { state: s, commands, ignored };
}

const active = new Set(['running', 'paused']);

/** Records what the event says; returns why it was ignored, or null. */
function applyFacts(s: RolloutState, e: RolloutEvent): string | null {
  switch (e.type) {
    case 'start':
      if (s.status !== 'planned') return `the rollout is ${s.status}, not planned`;
      s.status = 'running';
      enterStage(s, 0);
      return null;
    case 'device-deployed':
    case 'device-failed':
      return withDevice(s, e.deviceId, (d) => {
        if (d.phase !== 'deploying') return `device is ${d.phase}, not deploying`;
        d.phase = e.type === 'device-deployed' ? 'trial' : 'failed';
        d.error = e.type === 'device-failed' ? e.error : null;
        return null;
      });
    case 'device-reverted':
      return withDevice(s, e.deviceId, (d) => {
        if (d.phase !== 'deploying' && d.phase !== 'trial') return `device is ${d.phase}, not deploying or on trial`;
        d.phase = 'reverted';
        d.error = e.error;
        return null;
      });
    case 'device-confirmed':
    case 'device-confirm-failed':
      return withDevice(s, e.deviceId, (d) => {
        if (d.phase !== 'trial' || !d.confirmIssued) return `device is ${d.phase}, not waiting for confirmation`;
        d.phase = e.type === 'device-confirmed' ? 'confirmed' : 'flagged';
        d.error = e.type === 'device-confirm-failed' ? e.error : null;
        return null;
      });
    case 'device-rolled-back':
    case 'device-rollback-failed':
      return withDevice(s, e.deviceId, (d) => {
        if (!d.rollbackIssued || d.rollbackDone) return `device is ${d.phase}, not rolling back`;
        d.rollbackDone = true;
        d.phase = e.type === 'device-rolled-back' ? 'rolled-back' : 'flagged';
        d.error = e.type === 'device-rollback-failed' ? `Rollback failed: ${e.error}` : null;
        return null;
      });
    case 'soak-elapsed': {
      const st = s.stages[e.stage];
      if (!st || !st.soakIssued || st.soakElapsed) return `stage ${e.stage} is not soaking`;
      st.soakElapsed = true;
      return null;
    }
    case 'gates-evaluated': {
      const st = s.stages[e.stage];
      if (!st || !st.evaluationPending) return `stage ${e.stage} is not waiting for its gates`;
      st.evaluationPending = false;
      st.gateResults = e.results;
      st.outcome = gatesPassed(e.results) ? 'passed' : 'failed';
      if (st.outcome === 'failed' && active.has(s.status)) {
        s.reason = e.results.filter((r) => r.status === 'fail').map((r) => r.explanation).join(' ');
        s.status = s.spec.policy === 'rollback' ? 'rolling-back' : 'halted';
      }
      return null;
    }
    case 'pause':
      if (s.status !== 'running') return `only a running rollout can pause; it is ${s.status}`;
      s.status = 'paused';
      return null;
    case 'resume':
      if (s.status === 'paused') {
        s.status = 'running';
        return null;
      }
      if (s.status === 'halted') {
        // Resuming a halted rollout judges its gates again, on the telemetry gathered since.
        const st = s.stages[s.stage];
        st.phase = 'evaluating';
        st.gateResults = null;
        st.outcome = null;
        s.status = 'running';
        s.reason = null;
        return null;
      }
      return `only a paused or halted rollout can resume; it is ${s.status}`;
    case 'abort':
      if (!['planned', 'running', 'paused', 'halted'].includes(s.status)) return `a ${s.status} rollout cannot be aborted`;
      s.status = 'aborted';
      return null;
    case 'rollback':
      if (s.status === 'planned') return 'the rollout has not touched any device';
      if (s.status === 'rolling-back' || s.status === 'rolled-back') return `the rollout is already ${s.status}`;
      s.status = 'rolling-back';
      s.reason = e.reason ?? 'Rolled back by hand.';
      return null;
    case 'rollback-devices': {
      const ids = e.deviceIds.filter((id) => s.devices[id] && needsRollback.has(s.devices[id].phase) && !s.devices[id].rollbackIssued);
      if (ids.length === 0) return 'none of these devices has anything to roll back';
      for (const id of ids) s.devices[id].rollbackRequested = true;
      return null;
    }
    case 'late-matches': {
      const fresh = e.deviceIds.filter((id) => !(id in s.devices) && !s.lateMatches.includes(id));
      if (fresh.length === 0) return 'no new late matches';
      s.lateMatches = [...s.lateMatches, ...fresh].sort();
      return null;
    }
  }
}

function withDevice(s: RolloutState, id: string, f: (d: DeviceRecord) => string | null): string | null {
  const d = s.devices[id];
  return d ? f(d) : `device ${id} is not in this rollout`;
}

function enterStage(s: RolloutState, i: number): void {
  s.stage = i;
  s.stages[i].phase = 'deploying';
}

/** Emits the work the state now calls for, marking each piece as issued. */
function drive(s: RolloutState, e: RolloutEvent): RolloutCommand[] {
  const at = e.at ?? null;
  // Only this event marks devices for a rollback of their own: no need to look at every device on the others.
  const out: RolloutCommand[] = e.type === 'rollback-devices' ? requestedRollbacks(s) : [];
  if (s.status === 'rolling-back') return [...out, ...driveRollback(s)];
  while (s.status === 'running' && stepStage(s, at, out));
  return out;
}

/** One phase step of the current stage; true when it moved on and the next step may proceed. */
function stepStage(s: RolloutState, at: string | null, out: RolloutCommand[]): boolean {
  const i = s.stage;
  const st = s.stages[i];
  const ids = s.spec.stages[i].deviceIds;
  switch (st.phase) {
    case 'deploying': {
      let inFlight = ids.filter((id) => s.devices[id].phase === 'deploying').length;
      for (const id of ids) {
        if (inFlight >= s.spec.maxConcurrency) break;
        const d = s.devices[id];
        if (d.phase !== 'pending' || d.deployIssued) continue;
        d.phase = 'deploying';
        d.deployIssued = true;
        inFlight++;
        out.push({ type: 'deploy', deviceId: id, stage: i, key: idempotencyKey(s.spec.id, 'deploy', id) });
      }
      if (ids.some((id) => ['pending', 'deploying'].includes(s.devices[id].phase))) return false;
      st.phase = 'soaking';
      return true;
    }
    case 'soaking':
      if (!st.soakIssued) {
        st.soakIssued = true;
        st.soakStartedAt = at;
        out.push({ type: 'soak', stage: i, durationMs: s.spec.soakMs, startedAt: at });
      }
      if (!st.soakElapsed) return false;
      st.phase = 'evaluating';
      return true;
    case 'evaluating':
      if (st.outcome === 'passed') {
        st.phase = 'confirming';
        return true;
      }
      if (st.gateResults === null && !st.evaluationPending) {
        st.evaluationPending = true;
        st.evaluations++;
        out.push({ type: 'evaluate-gates', stage: i, attempt: st.evaluations, deviceIds: touchedUpTo(s, i) });
      }
      return false;
    case 'confirming': {
      for (const id of ids) {
        const d = s.devices[id];
        if (d.phase !== 'trial' || d.confirmIssued) continue;
        d.confirmIssued = true;
        out.push({ type: 'confirm', deviceId: id, stage: i, key: idempotencyKey(s.spec.id, 'confirm', id) });
      }
      // The gates passed: the next stage starts while these confirmations are still on their way
      // (each is a commit on its own device). The rollout completes once none is left on trial.
      if (i < s.spec.stages.length - 1) {
        enterStage(s, i + 1);
        return true;
      }
      if (Object.values(s.devices).some((d) => d.phase === 'trial')) return false;
      s.status = 'completed';
      return false;
    }
    case null:
      return false;
  }
}

/** Devices of stages 0..i: gates judge everything running the new model so far. */
function touchedUpTo(s: RolloutState, i: number): string[] {
  return s.spec.stages.slice(0, i + 1).flatMap((st) => st.deviceIds);
}

const needsRollback = new Set(['trial', 'confirmed', 'failed', 'flagged']);

/** Devices rolled back by hand on their own, whatever the rollout's status. */
function requestedRollbacks(s: RolloutState): RolloutCommand[] {
  const out: RolloutCommand[] = [];
  for (const id of Object.keys(s.devices).sort()) {
    const d = s.devices[id];
    if (!d.rollbackRequested || d.rollbackIssued) continue;
    d.rollbackIssued = true;
    out.push({ type: 'rollback-device', deviceId: id, key: idempotencyKey(s.spec.id, 'rollback', id) });
  }
  return out;
}

function driveRollback(s: RolloutState): RolloutCommand[] {
  const out: RolloutCommand[] = [];
  let waiting = false;
  for (const id of Object.keys(s.devices).sort()) {
    const d = s.devices[id];
    // A deploy still in flight is rolled back once its result is in, so it cannot land afterwards.
    if (d.phase === 'deploying') waiting = true;
    else if (!d.rollbackIssued && needsRollback.has(d.phase)) {
      d.rollbackIssued = true;
      out.push({ type: 'rollback-device', deviceId: id, key: idempotencyKey(s.spec.id, 'rollback', id) });
    }
    if (d.rollbackIssued && !d.rollbackDone) waiting = true;
  }
  if (!waiting) s.status = 'rolled-back';
  return out;
}

/**
 * Commands issued but not yet answered: what the engine sends again (same idempotency keys)
 * after the console restarts.
 */
export function outstandingCommands(s: RolloutState): RolloutCommand[] {
  const out: RolloutCommand[] = [];
  const working = active.has(s.status) || s.status === 'rolling-back';
  for (const [id, d] of Object.entries(s.devices).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (working && d.phase === 'deploying') out.push({ type: 'deploy', deviceId: id, stage: d.stage, key: idempotencyKey(s.spec.id, 'deploy', id) });
    if (active.has(s.status) && d.phase === 'trial' && d.confirmIssued) {
      out.push({ type: 'confirm', deviceId: id, stage: d.stage, key: idempotencyKey(s.spec.id, 'confirm', id) });
    }
    if ((s.status === 'rolling-back' || d.rollbackRequested) && d.rollbackIssued && !d.rollbackDone) {
      out.push({ type: 'rollback-device', deviceId: id, key: idempotencyKey(s.spec.id, 'rollback', id) });
    }
  }
  const st = s.stages[s.stage];
  if (active.has(s.status) && st) {
    if (st.soakIssued && !st.soakElapsed) out.push({ type: 'soak', stage: s.stage, durationMs: s.spec.soakMs, startedAt: st.soakStartedAt });
    if (st.evaluationPending) out.push({ type: 'evaluate-gates', stage: s.stage, attempt: st.evaluations, deviceIds: touchedUpTo(s, s.stage) });
  }
  return out;
}

export function deviceCounts(s: RolloutState): Record<DeviceRecord['phase'], number> {
  const counts: Record<DeviceRecord['phase'], number> = {
    pending: 0, deploying: 0, trial: 0, confirmed: 0, failed: 0, reverted: 0, 'rolled-back': 0, flagged: 0,
  };
  for (const d of Object.values(s.devices)) counts[d.phase]++;
  return counts;
}

/** A person's action that the state forbids, as an error to show; null when allowed. */
export function checkControl(s: RolloutState, event: RolloutEvent): AppError | null {
  if (!['start', 'pause', 'resume', 'abort', 'rollback'].includes(event.type)) return null;
  const { ignored } = reduce(s, event);
  return ignored === null ? null : new AppError('ROLLOUT_ACTION_INVALID', `Cannot ${event.type} this rollout`, `${capitalize(ignored)}.`);
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
