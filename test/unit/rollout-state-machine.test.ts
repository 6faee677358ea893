import { describe, expect, it } from 'vitest';
import type { GateResult } from '../../electron/core/rollouts/gates.js';
import type { RolloutCommand, RolloutEvent, RolloutSpec, RolloutState } from '../../electron/core/rollouts/rollout-types.js';
import { seededRandom } from '../../electron/core/util/seeded-random.js';
import { checkControl, deviceCounts, initialState, outstandingCommands, reduce, replay } from '../../electron/core/rollouts/state-machine.js';
import { planStages } from '../../electron/core/rollouts/stages.js';

const ids = (n: number) => Array.from({ length: n }, (_, i) => `dev-${String(i).padStart(3, '0')}`);

function makeSpec(n: number, patch: Partial<RolloutSpec> = {}): RolloutSpec {
  const plan = planStages('seed', ids(n), { kind: 'percentages', percents: [5, 25, 100] }, 3);
  return {
    id: 'r1',
    modelId: 'm_1',
    selector: 'all',
    seed: 'seed',
    stages: plan.stages.map((s) => ({ label: s.label, deviceIds: s.deviceIds })),
    gates: [],
    policy: 'rollback',
    maxConcurrency: 3,
    soakMs: 1000,
    ...patch,
  };
}

const pass: GateResult[] = [{ kind: 'restarts', status: 'pass', value: 0, threshold: 0, devices: 3, minDevices: 1, explanation: 'ok' }];
const fail: GateResult[] = [{ kind: 'restarts', status: 'fail', value: 2, threshold: 0, devices: 3, minDevices: 1, explanation: 'Crashes and restarts: 2, above the limit of 0.' }];

/** What a fake fleet answers to each command. */
function answer(c: RolloutCommand, failing: Set<string>, gates: (stage: number, attempt: number) => GateResult[]): RolloutEvent {
  switch (c.type) {
    case 'deploy':
      return failing.has(c.deviceId) ? { type: 'device-failed', deviceId: c.deviceId, error: 'upload failed' } : { type: 'device-deployed', deviceId: c.deviceId };
    case 'confirm':
      return { type: 'device-confirmed', deviceId: c.deviceId };
    case 'rollback-device':
      return { type: 'device-rolled-back', deviceId: c.deviceId };
    case 'soak':
      return { type: 'soak-elapsed', stage: c.stage };
    case 'evaluate-gates':
      return { type: 'gates-evaluated', stage: c.stage, results: gates(c.stage, c.attempt) };
  }
}

interface Sim {
  state: RolloutState;
  log: RolloutEvent[];
  emitted: RolloutCommand[];
  queue: RolloutCommand[];
  maxInFlight: number;
}

function newSim(spec: RolloutSpec): Sim {
  return { state: initialState(spec), log: [], emitted: [], queue: [], maxInFlight: 0 };
}

function apply(sim: Sim, e: RolloutEvent): void {
  const t = reduce(sim.state, e);
  sim.state = t.state;
  sim.log.push(e);
  sim.emitted.push(...t.commands);
  sim.queue.push(...t.commands);
  sim.maxInFlight = Math.max(sim.maxInFlight, deviceCounts(sim.state).deploying);
}

/** Answers queued commands (in a seeded random order) until none is left or `until` holds. */
function runSim(sim: Sim, opts: { failing?: Set<string>; gates?: (stage: number, attempt: number) => GateResult[]; seed?: number; until?: (s: Sim) => boolean } = {}): Sim {
  const rng = seededRandom(opts.seed ?? 1);
  while (sim.queue.length > 0 && !opts.until?.(sim)) {
    const [c] = sim.queue.splice(Math.floor(rng() * sim.queue.length), 1);
    apply(sim, answer(c, opts.failing ?? new Set(), opts.gates ?? (() => pass)));
  }
  return sim;
}

function keyOf(c: RolloutCommand): string {
  return 'key' in c ? c.key : `${c.type}/${c.stage}/${'attempt' in c ? c.attempt : ''}`;
}

function expectNoDuplicates(commands: RolloutCommand[]): void {
  const keys = commands.map(keyOf);
  expect(new Set(keys).size).toBe(keys.length);
}

describe('rollout state machine', () => {
  it('runs every stage to completion, deploying each device once within the concurrency bound', () => {
    const sim = newSim(makeSpec(40));
    apply(sim, { type: 'start' });
    runSim(sim);
    expect(sim.state.status).toBe('completed');
    expect(deviceCounts(sim.state).confirmed).toBe(40);
    const deploys = sim.emitted.filter((c) => c.type === 'deploy');
    expect(deploys.map((c) => c.deviceId).sort()).toEqual(ids(40));
    expect(sim.maxInFlight).toBeLessThanOrEqual(3);
    expectNoDuplicates(sim.emitted);
    expect(sim.emitted.filter((c) => c.type === 'evaluate-gates').map((c) => c.deviceIds.length)).toEqual([2, 10, 40]);
    expect(outstandingCommands(sim.state)).toEqual([]);
  });

  it('does not start the next stage before the current one passed its gates and confirmed', () => {
    const spec = makeSpec(40);
    const sim = newSim(spec);
    apply(sim, { type: 'start' });
    runSim(sim, { until: (s) => s.state.stages[0].phase === 'evaluating' });
    expect(sim.state.stage).toBe(0);
    expect(sim.emitted.filter((c) => c.type === 'deploy')).toHaveLength(spec.stages[0].deviceIds.length);
    expect(sim.emitted.filter((c) => c.type === 'confirm')).toHaveLength(0);
  });

  it('starts the next stage once the gates passed, with confirmations still on their way, and completes only when every device is confirmed', () => {
    const spec = makeSpec(40, { soakMs: 0 });
    const sim = newSim(spec);
    apply(sim, { type: 'start' });
    // Answer everything but confirmations.
    const held: Extract<RolloutCommand, { type: 'confirm' }>[] = [];
    while (sim.queue.length > 0) {
      const c = sim.queue.shift()!;
      if (c.type === 'confirm') held.push(c);
      else apply(sim, answer(c, new Set(), () => pass));
    }
    expect(sim.state.stage).toBe(2);
    expect(sim.emitted.filter((c) => c.type === 'deploy')).toHaveLength(40);
    expect(held.map((c) => c.deviceId).sort()).toEqual([...ids(40)].sort());
    expect(sim.state.status).toBe('running');
    for (const c of held.slice(0, -1)) apply(sim, answer(c, new Set(), () => pass));
    expect(sim.state.status).toBe('running');
    apply(sim, answer(held.at(-1)!, new Set(), () => pass));
    expect(sim.state.status).toBe('completed');
    expectNoDuplicates(sim.emitted);
  });

  it('rolls back every touched device when a gate fails under the rollback policy', () => {
    const spec = makeSpec(40);
    const failing = new Set([spec.stages[1].deviceIds[0]]);
    const sim = newSim(spec);
    apply(sim, { type: 'start' });
    runSim(sim, { failing, gates: (stage) => (stage === 1 ? fail : pass) });
    expect(sim.state.status).toBe('rolled-back');
    expect(sim.state.reason).toContain('Crashes and restarts');
    const touched = [...spec.stages[0].deviceIds, ...spec.stages[1].deviceIds].sort();
    expect(sim.emitted.filter((c) => c.type === 'rollback-device').map((c) => c.deviceId).sort()).toEqual(touched);
    for (const id of spec.stages[2].deviceIds) expect(sim.state.devices[id].phase).toBe('pending');
    expectNoDuplicates(sim.emitted);
  });

  it('only halts under the halt policy; resume judges the gates again', () => {
    const sim = newSim(makeSpec(20, { policy: 'halt' }));
    apply(sim, { type: 'start' });
    const gates = (stage: number, attempt: number) => (stage === 0 && attempt === 1 ? fail : pass);
    runSim(sim, { gates });
    expect(sim.state.status).toBe('halted');
    expect(sim.emitted.some((c) => c.type === 'rollback-device')).toBe(false);
    apply(sim, { type: 'resume' });
    expect(sim.queue.at(-1)).toMatchObject({ type: 'evaluate-gates', stage: 0, attempt: 2 });
    runSim(sim, { gates });
    expect(sim.state.status).toBe('completed');
  });

  it('pauses: no new deploys, in-flight results still count; resume carries on', () => {
    const sim = newSim(makeSpec(40));
    apply(sim, { type: 'start' });
    runSim(sim, { until: (s) => s.state.stage === 2 && deviceCounts(s.state).deploying === 3 });
    apply(sim, { type: 'pause' });
    const before = sim.emitted.length;
    runSim(sim);
    expect(sim.state.status).toBe('paused');
    expect(sim.emitted.length).toBe(before);
    expect(deviceCounts(sim.state).deploying).toBe(0);
    apply(sim, { type: 'resume' });
    runSim(sim);
    expect(sim.state.status).toBe('completed');
    expectNoDuplicates(sim.emitted);
  });

  it('rolls back by hand only after in-flight deploys report', () => {
    const sim = newSim(makeSpec(40));
    apply(sim, { type: 'start' });
    runSim(sim, { until: (s) => s.state.stage === 1 && deviceCounts(s.state).deploying === 3 });
    const inFlight = Object.entries(sim.state.devices).filter(([, d]) => d.phase === 'deploying').map(([id]) => id);
    apply(sim, { type: 'rollback' });
    expect(sim.state.status).toBe('rolling-back');
    const rollbacks = sim.emitted.filter((c) => c.type === 'rollback-device').map((c) => c.deviceId);
    expect(rollbacks.some((id) => inFlight.includes(id))).toBe(false);
    runSim(sim);
    expect(sim.state.status).toBe('rolled-back');
    for (const id of inFlight) expect(sim.state.devices[id].phase).toBe('rolled-back');
  });

  it('aborts without touching devices, and can still roll back afterwards', () => {
    const sim = newSim(makeSpec(20));
    apply(sim, { type: 'start' });
    runSim(sim, { until: (s) => s.state.stage === 1 });
    apply(sim, { type: 'abort' });
    runSim(sim);
    expect(sim.state.status).toBe('aborted');
    const emittedAfterAbort = sim.emitted.length;
    apply(sim, { type: 'rollback' });
    runSim(sim);
    expect(sim.state.status).toBe('rolled-back');
    expect(sim.emitted.slice(emittedAfterAbort).every((c) => c.type === 'rollback-device')).toBe(true);
  });

  it('flags devices whose rollback fails', () => {
    const sim = newSim(makeSpec(20));
    apply(sim, { type: 'start' });
    runSim(sim, { until: (s) => s.state.stage === 1 });
    apply(sim, { type: 'rollback', reason: 'test' });
    const [first, ...rest] = sim.queue.filter((c) => c.type === 'rollback-device');
    sim.queue = sim.queue.filter((c) => c.type !== 'rollback-device');
    apply(sim, { type: 'device-rollback-failed', deviceId: first.type === 'rollback-device' ? first.deviceId : '', error: 'unreachable' });
    for (const c of rest) apply(sim, answer(c, new Set(), () => pass));
    runSim(sim);
    expect(sim.state.status).toBe('rolled-back');
    expect(deviceCounts(sim.state).flagged).toBe(1);
  });

  it('refuses actions the status forbids, with a clear error', () => {
    const s = initialState(makeSpec(10));
    expect(checkControl(s, { type: 'pause' })?.detail).toBe('Only a running rollout can pause; it is planned.');
    expect(checkControl(s, { type: 'rollback' })?.code).toBe('ROLLOUT_ACTION_INVALID');
    expect(checkControl(s, { type: 'start' })).toBeNull();
    expect(checkControl(s, { type: 'device-deployed', deviceId: 'x' })).toBeNull();
    expect(() => initialState(makeSpec(0))).toThrow(/at least one device/);
  });

  it('records late matches without adding them', () => {
    const sim = newSim(makeSpec(10));
    apply(sim, { type: 'late-matches', deviceIds: ['new-2', 'dev-000', 'new-1'] });
    expect(sim.state.lateMatches).toEqual(['new-1', 'new-2']);
    expect(reduce(sim.state, { type: 'late-matches', deviceIds: ['new-1'] }).ignored).toBe('no new late matches');
  });
});

describe('replay and idempotency', () => {
  function fullRun(seed: number, patch: Partial<RolloutSpec> = {}) {
    const sim = newSim(makeSpec(30, patch));
    apply(sim, { type: 'start', at: '2030-01-01T00:00:00.000Z' });
    runSim(sim, { seed, failing: new Set(['dev-007']) });
    return sim;
  }

  it('replays a log to the same state', () => {
    const sim = fullRun(3);
    expect(replay(sim.state.spec, sim.log)).toEqual(sim.state);
  });

  it('reaches the same state whatever order devices answer in', () => {
    const states = [1, 2, 3, 4].map((seed) => fullRun(seed).state);
    for (const s of states.slice(1)) expect(s).toEqual(states[0]);
  });

  it('ignores duplicated events and never emits a command twice', () => {
    const sim = fullRun(5);
    const rng = seededRandom(9);
    const noisy: RolloutEvent[] = [];
    for (const e of sim.log) {
      noisy.push(e);
      // Redeliveries: the same answer again, sometimes much later.
      if (rng() < 0.4) noisy.push(e);
      if (rng() < 0.2) noisy.splice(noisy.length - Math.floor(rng() * 3), 0, e);
    }
    let state = initialState(sim.state.spec);
    const emitted: RolloutCommand[] = [];
    for (const e of noisy) {
      const t = reduce(state, e);
      state = t.state;
      emitted.push(...t.commands);
    }
    expect(state).toEqual(sim.state);
    expectNoDuplicates(emitted);
  });

  it('does not mutate the state it is given', () => {
    const s = initialState(makeSpec(10));
    const copy = structuredClone(s);
    reduce(s, { type: 'start' });
    expect(s).toEqual(copy);
  });

  it('resumes after a crash at any point: outstanding commands, re-sent with their keys, finish the job with one install per device', () => {
    const reference = fullRun(7);
    for (let cut = 1; cut < reference.log.length; cut += 3) {
      // The console dies after `cut` events; the devices that were mid-deploy may or may not have finished.
      const state = replay(reference.state.spec, reference.log.slice(0, cut));
      const sim: Sim = { ...newSim(reference.state.spec), state, log: reference.log.slice(0, cut) };
      const installs = new Map<string, number>();
      for (const e of sim.log) if (e.type === 'device-deployed' || e.type === 'device-failed') installs.set(e.deviceId, 1);
      sim.queue = outstandingCommands(state);
      // A fake agent deduplicates on the idempotency key: a re-sent deploy that already ran is not installed again.
      const seen = new Set(sim.log.flatMap((e) => ('deviceId' in e && (e.type === 'device-deployed' || e.type === 'device-failed') ? [`r1/deploy/${e.deviceId}`] : [])));
      const rng = seededRandom(cut);
      while (sim.queue.length) {
        const [c] = sim.queue.splice(Math.floor(rng() * sim.queue.length), 1);
        if (c.type === 'deploy' && !seen.has(c.key)) {
          seen.add(c.key);
          installs.set(c.deviceId, (installs.get(c.deviceId) ?? 0) + 1);
        }
        apply(sim, answer(c, new Set(['dev-007']), () => pass));
      }
      expect(sim.state.status).toBe('completed');
      expect([...installs.values()].every((n) => n === 1)).toBe(true);
      expect(installs.size).toBe(30);
      expectNoDuplicates(sim.emitted);
    }
  });
});
