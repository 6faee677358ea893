// Drives one rollout in this process while it holds the rollout's lease: runs the commands the state
// machine issued and have no answer yet, records each answer as an event, and repeats. Everything it
// decides is in the database first, so another process can take over at any point.
import type { DeployDeviceProgress } from '../api/types.js';
import type { DeviceContext } from '../devices/device-context.js';
import type { DeployPatch } from '../devices/deploy-device.js';
import type { DeviceLink } from '../../../resources/device-protocol/device-link.js';
import type { SignedManifest } from '../../../resources/device-protocol/messages.js';
import { collectObservations } from './gate-collector.js';
import { evaluateGates } from './gates.js';
import type { RolloutFacts } from './rollout-facts.js';
import type { RolloutLease } from './rollout-lease.js';
import type { Applied, RolloutStore } from './rollout-store.js';
import type { RolloutCommand, RolloutEvent, RolloutState } from './rollout-types.js';
import { RolloutPacer } from './rollout-pacer.js';
import { lateMatches } from './selector.js';
import { confirmStep, deployStep, rollbackStep, type StepDeps } from './device-steps.js';
import { outstandingCommands } from './state-machine.js';

export type DeployView = Pick<DeployDeviceProgress, 'phase' | 'bytes' | 'totalBytes' | 'rateBps' | 'etaSec'>;

export interface RunnerDeps {
  ctx: DeviceContext;
  store: RolloutStore;
  facts: RolloutFacts;
  lease: RolloutLease;
  /** Called after each recorded event (audit, UI events). */
  onApplied: (id: string, event: RolloutEvent, applied: Applied) => void;
  /** Deploy progress changed (throttle on the caller's side). */
  onProgress: (id: string) => void;
  heartbeatMs?: number;
  retryMs?: number;
}

/** Statuses in which the runner has nothing left to do once its work in flight is answered. */
const resting = new Set(['completed', 'rolled-back', 'aborted', 'halted', 'planned']);

export class RolloutRunner {
  readonly progress = new Map<string, DeployView>();
  readonly done: Promise<void>;
  private resolveDone!: () => void;
  private readonly inFlight = new Set<string>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly abort = new AbortController();
  private heartbeat: NodeJS.Timeout | null = null;
  private stopped = false;
  private seq = -1;
  private ticks = 0;
  /** Confirms and rollbacks are issued all at once; at most maxConcurrency run. */
  private slots: number;
  private readonly waiting: (() => void)[] = [];
  private readonly links = new Map<string, DeviceLink>();
  private readonly pacer: RolloutPacer;
  private readonly linkPool = {
    get: (deviceId: string): DeviceLink => {
      let link = this.links.get(deviceId);
      if (!link) {
        link = this.deps.ctx.link(deviceId);
        this.links.set(deviceId, link);
      }
      return link;
    },
    done: (deviceId: string): void => {
      this.links.get(deviceId)?.close();
      this.links.delete(deviceId);
    },
  };

  constructor(
    readonly id: string,
    private readonly deps: RunnerDeps,
    private readonly signed: SignedManifest,
    maxConcurrency: number,
  ) {
    this.slots = maxConcurrency;
    this.pacer = new RolloutPacer(deps.store.get(id)?.spec.plan);
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
  }

  start(): void {
    this.heartbeat = setInterval(() => this.tick(), this.deps.heartbeatMs ?? 1000);
    this.reconcile();
  }

  /** Stops driving (console closing or lease lost); work in flight is cancelled and sent again by the next driver. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.abort.abort();
    this.finish();
  }

  /** Starts every outstanding command not already running; finishes when nothing is left. */
  reconcile(): void {
    if (this.stopped) return;
    const state = this.deps.store.get(this.id);
    if (!state) return this.stop();
    this.seq = this.currentSeq();
    const outstanding = outstandingCommands(state);
    // A soak (or a retry) the state no longer asks for (after an abort or a rollback) is dropped.
    const wanted = new Set(outstanding.map((c) => this.keyOf(c)));
    for (const [key, timer] of this.timers) {
      if (wanted.has(key)) continue;
      clearTimeout(timer);
      this.timers.delete(key);
    }
    for (const cmd of outstanding) this.launch(cmd, state);
    if (this.inFlight.size === 0 && this.timers.size === 0 && resting.has(state.status)) this.finish();
  }

  private finish(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.stopped = true;
    for (const link of this.links.values()) link.close();
    this.links.clear();
    this.deps.lease.release(this.id);
    this.resolveDone();
  }

  private tick(): void {
    if (this.stopped) return;
    if (!this.deps.lease.heartbeat(this.id)) return this.stop();
    // Another process (a CLI pause, resume or rollback) recorded an event: pick up what it issued.
    if (this.currentSeq() !== this.seq) this.reconcile();
    if (++this.ticks % 10 === 0) this.checkLateMatches();
  }

  private currentSeq(): number {
    return this.deps.store.seq(this.id);
  }

  private checkLateMatches(): void {
    const state = this.deps.store.get(this.id);
    if (!state || resting.has(state.status)) return;
    const late = lateMatches(state.spec.selector, this.deps.ctx.store.list(), Object.keys(state.devices)).filter((d) => !state.lateMatches.includes(d));
    if (late.length > 0) this.apply({ type: 'late-matches', deviceIds: late });
  }

  private apply(event: RolloutEvent): Applied | null {
    if (this.stopped) return null;
    const applied = this.deps.store.apply(this.id, event);
    this.deps.onApplied(this.id, event, applied);
    return applied;
  }

  /**
   * After one of this runner's own events: start the commands it issued. Only when something else
   * happened meanwhile (another process's event, a change of status) is everything outstanding
   * looked at again; doing that after every device's answer made large rollouts quadratic.
   */
  private afterOwn(applied: Applied | null): void {
    if (this.stopped) return;
    if (!applied || applied.seq !== this.seq + 1 || applied.state.status !== applied.before) return this.reconcile();
    this.seq = applied.seq;
    for (const cmd of applied.commands) this.launch(cmd, applied.state);
    if (this.inFlight.size === 0 && this.timers.size === 0 && resting.has(applied.state.status)) this.finish();
  }

  private keyOf(cmd: RolloutCommand): string {
    return cmd.type === 'soak' || cmd.type === 'evaluate-gates' ? `${cmd.type}/${cmd.stage}` : `${cmd.type}/${cmd.deviceId}`;
  }

  private launch(cmd: RolloutCommand, state: RolloutState): void {
    const key = this.keyOf(cmd);
    if (this.inFlight.has(key) || this.timers.has(key)) return;
    const steps: StepDeps = {
      ctx: this.deps.ctx,
      facts: this.deps.facts,
      spec: state.spec,
      signed: this.signed,
      signal: this.abort.signal,
      onProgress: (deviceId, patch) => this.setProgress(deviceId, patch),
      links: this.linkPool,
    };
    switch (cmd.type) {
      case 'soak': {
        // Remaining time from the recorded start, so a restart does not soak again from zero.
        const started = cmd.startedAt ? Date.parse(cmd.startedAt) : Date.now();
        const left = Math.max(0, cmd.durationMs - (Date.now() - started));
        this.timers.set(
          key,
          setTimeout(() => {
            this.timers.delete(key);
            this.apply({ type: 'soak-elapsed', stage: cmd.stage });
            this.reconcile();
          }, left),
        );
        return;
      }
      case 'deploy': {
        this.progress.set(cmd.deviceId, { phase: 'queued', bytes: 0, totalBytes: this.signed.manifest.size, rateBps: null, etaSec: null });
        const wait = this.pacer.reserve(cmd.stage);
        if (wait <= 0) return this.run(key, () => deployStep(steps, cmd.deviceId));
        // An exponential-rate stage starts its devices evenly over the minute; a pause or abort meanwhile drops the timer.
        this.timers.set(
          key,
          setTimeout(() => {
            this.timers.delete(key);
            if (!this.stopped) this.run(key, () => deployStep(steps, cmd.deviceId));
          }, wait),
        );
        return;
      }
      case 'confirm':
        return this.run(key, () => this.limited(() => confirmStep(steps, cmd.deviceId)));
      case 'rollback-device':
        return this.run(key, () => this.limited(() => rollbackStep(steps, cmd.deviceId)));
      case 'evaluate-gates':
        return this.run(key, async () => {
          const observations = await collectObservations(this.deps.ctx, state, this.deps.facts.all(this.id), cmd.deviceIds, this.linkPool);
          return { type: 'gates-evaluated', stage: cmd.stage, results: evaluateGates(state.spec.gates, observations) };
        });
    }
  }

  private run(key: string, work: () => Promise<RolloutEvent>): void {
    this.inFlight.add(key);
    void (async () => {
      let applied: Applied | null = null;
      let failed = false;
      try {
        applied = this.apply(await work());
      } catch (err) {
        // Steps report device failures as events; this is the database or a bug. Try again later.
        failed = true;
        process.stderr.write(`edgefleet: rollout ${this.id}: ${key}: ${(err as Error).message}\n`);
        if (!this.stopped) this.timers.set(key, setTimeout(() => (this.timers.delete(key), this.reconcile()), this.deps.retryMs ?? 2000));
      } finally {
        this.inFlight.delete(key);
        if (failed) this.reconcile();
        else this.afterOwn(applied);
      }
    })();
  }

  private async limited<T>(work: () => Promise<T>): Promise<T> {
    if (this.slots === 0) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.slots--;
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.slots++;
    }
  }

  private setProgress(deviceId: string, patch: DeployPatch): void {
    const cur = this.progress.get(deviceId) ?? { phase: 'queued', bytes: 0, totalBytes: this.signed.manifest.size, rateBps: null, etaSec: null };
    const { phase, bytes, rateBps, etaSec } = patch;
    this.progress.set(deviceId, {
      ...cur,
      ...(phase !== undefined ? { phase } : {}),
      ...(bytes !== undefined ? { bytes } : {}),
      ...(rateBps !== undefined ? { rateBps } : {}),
      ...(etaSec !== undefined ? { etaSec } : {}),
    });
    this.deps.onProgress(this.id);
  }
}
