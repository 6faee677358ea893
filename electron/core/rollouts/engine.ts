// The rollout engine in the console's main process: creates rollouts, steers them, and drives those
// whose lease it holds (device I/O is async; the decisions are the pure state machine's). A console
// that stays up (serve, Electron) resumes every unfinished rollout at start and picks up rollouts a
// CLI started; short CLI commands only record what was asked, unless told to wait.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import os from 'node:os';
import type { ParsedInput } from '../api/contract.js';
import { AppError } from '../api/errors.js';
import type { EventBus } from '../api/event-bus.js';
import type { RolloutDetail, RolloutPreview, RolloutStatus, RolloutSummary } from '../api/types.js';
import type { AuditLog, AuditOutcome } from '../audit/audit-store.js';
import { consoleKeyPath, readConsoleKey } from '../devices/console-key.js';
import type { DeviceContext } from '../devices/device-context.js';
import { nextRelease } from '../devices/release-counter.js';
import { signManifest, type Manifest, type SignedManifest } from '../../../resources/device-protocol/messages.js';
import { artifactPath } from '../registry/artifact-store.js';
import { requireRunnableModel } from '../registry/runnable-model.js';
import { refreshTelemetry } from './gate-collector.js';
import { defaultGates } from './gates.js';
import { baselineOf, RolloutFacts } from './rollout-facts.js';
import { RolloutLease } from './rollout-lease.js';
import { RolloutRunner } from './rollout-runner.js';
import { buildRolloutSpec, rolloutDefaults } from './rollout-spec.js';
import { RolloutStore, type Applied } from './rollout-store.js';
import type { RolloutEvent, RolloutSpec, RolloutState } from './rollout-types.js';
import { rolloutDetail, rolloutSummary } from './rollout-view.js';
import { matchesSelector, parseSelector, resolveTargets } from './selector.js';
import { defaultStagePercents, planStages, type StageSpec } from './stages.js';

export interface EngineOptions {
  ctx: DeviceContext;
  bus: EventBus;
  audit: AuditLog;
  /** Who asks for changes here (`user:alice@cli`); engine steps are recorded as `engine`. */
  actor: string;
  /** Resume unfinished rollouts now and pick up new ones (long-running consoles only). */
  drive: boolean;
  heartbeatMs?: number;
  leaseStaleMs?: number;
}

/** Statuses a wait ends on. */
export const settled: readonly RolloutStatus[] = ['completed', 'halted', 'rolled-back', 'aborted'];

export class RolloutEngine {
  readonly store: RolloutStore;
  readonly facts: RolloutFacts;
  readonly lease: RolloutLease;
  private readonly runners = new Map<string, RolloutRunner>();
  private readonly scanTimer: NodeJS.Timeout | null = null;
  private readonly progressTimers = new Map<string, NodeJS.Timeout>();
  private closed = false;

  constructor(private readonly o: EngineOptions) {
    const db = o.ctx.registry.db;
    this.store = new RolloutStore(db);
    this.facts = new RolloutFacts(db);
    this.lease = new RolloutLease(db, o.leaseStaleMs);
    if (o.drive) {
      this.scan();
      this.scanTimer = setInterval(() => this.scan(), 3000);
      this.scanTimer.unref();
    }
  }

  /** Drives every rollout that needs a driver and has none alive. */
  scan(): void {
    if (this.closed) return;
    for (const r of this.store.list()) {
      if (['running', 'paused', 'rolling-back'].includes(r.status) && !this.runners.has(r.id) && !this.lease.heldElsewhere(r.id)) this.drive(r.id);
    }
  }

  /** Starts driving a rollout in this process; null while another live process drives it. */
  drive(id: string): RolloutRunner | null {
    if (this.closed) return null;
    const existing = this.runners.get(id);
    if (existing) {
      existing.reconcile();
      return existing;
    }
    const state = this.requireState(id);
    if (!this.lease.tryAcquire(id)) return null;
    const runner = new RolloutRunner(
      id,
      {
        ctx: this.o.ctx,
        store: this.store,
        facts: this.facts,
        lease: this.lease,
        onApplied: (rid, event, applied) => this.recorded(rid, event, applied, 'engine'),
        onProgress: (rid) => this.progressChanged(rid),
        heartbeatMs: this.o.heartbeatMs,
      },
      this.signedManifest(state.spec),
      state.spec.maxConcurrency,
    );
    this.runners.set(id, runner);
    void runner.done.then(() => {
      if (this.runners.get(id) === runner) this.runners.delete(id);
    });
    runner.start();
    return runner;
  }

  /**
   * Waits until the rollout settles (completed, halted, rolled back, aborted). With `drive`, this
   * process drives it whenever no other live process does (`rollout start --wait`).
   */
  async waitFor(id: string, opts: { drive: boolean; pollMs?: number; onChange?: (s: RolloutState) => void }): Promise<RolloutState> {
    let lastSeq = -1;
    for (;;) {
      const state = this.requireState(id);
      const seq = this.store.seq(id);
      if (seq !== lastSeq) opts.onChange?.(state);
      lastSeq = seq;
      const runner = this.runners.get(id) ?? (opts.drive && ['running', 'paused', 'rolling-back'].includes(state.status) ? this.drive(id) : null);
      if (!runner && settled.includes(state.status) && !this.lease.heldElsewhere(id)) return state;
      if (this.closed) return state;
      await new Promise((r) => setTimeout(r, opts.pollMs ?? 250));
    }
  }

  async create(input: ParsedInput<'rollouts.create'>): Promise<RolloutDetail> {
    const { ctx } = this.o;
    const model = requireRunnableModel(ctx.registry, input.modelId);
    if (!existsSync(artifactPath(ctx.home, model.sha256))) {
      throw new AppError('MODEL_ARTIFACT_MISSING', 'Model file missing', `The registry has ${model.name} v${model.version} but not its file; import the model again.`);
    }
    const id = `ro-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
    const spec: RolloutSpec = {
      ...buildRolloutSpec(
        {
          id,
          modelId: model.id,
          selector: input.selector,
          seed: input.seed,
          stages: stageSpecOf(input),
          gates: input.gates,
          policy: input.policy,
          maxConcurrency: input.concurrency,
          soakMs: input.soakMs,
        },
        ctx.store.list(),
      ),
      modelSha256: model.sha256,
      modelSize: model.sizeBytes,
      modelName: model.name,
      modelVersion: String(model.version),
      createdAt: new Date().toISOString(),
      release: nextRelease(ctx.registry.db),
    };
    const all = spec.stages.flatMap((s) => s.deviceIds);
    const unpaired = all.filter((d) => !ctx.store.get(d)?.paired);
    if (unpaired.length > 0) {
      throw new AppError('ROLLOUT_DEVICES_UNPAIRED', 'Unpaired devices in the target', `${unpaired.slice(0, 5).join(', ')}${unpaired.length > 5 ? ` and ${unpaired.length - 5} more` : ''} ${unpaired.length === 1 ? 'is' : 'are'} not paired; pair them or narrow the target.`);
    }
    // The baseline the gates compare against: the devices' telemetry before the rollout. A running
    // console's telemetry feed keeps it fresh; only devices not heard from in the last minute are asked.
    const stale = all.filter((d) => {
      const at = ctx.store.get(d)?.telemetry?.at;
      return !at || Date.now() - Date.parse(at) > 60_000;
    });
    await refreshTelemetry(ctx, stale, Math.max(8, spec.maxConcurrency));
    this.store.create(spec);
    this.facts.setBaselines(id, new Map(all.map((d) => [d, baselineOf(ctx.store.history(d))])));
    this.audit({ action: 'rollout.create', target: `rollout:${id}`, params: { modelId: model.id, selector: spec.selector, stages: spec.stages.map((s) => s.label), policy: spec.policy, soakMs: spec.soakMs, concurrency: spec.maxConcurrency, gates: spec.gates }, outcome: 'succeeded', detail: `${all.length} devices in ${spec.stages.length} stages` }, this.o.actor);
    this.o.bus.emit('rollouts.changed', { id, status: 'planned' });
    if (input.start) {
      this.applyControl(id, { type: 'start' });
      if (this.o.drive) this.drive(id);
    }
    return this.detail(id);
  }

  preview(input: ParsedInput<'rollouts.preview'>): RolloutPreview {
    const inventory = this.o.ctx.store.list();
    const ids = resolveTargets(input.selector, inventory);
    const plan = planStages(input.seed ?? 'preview', ids, stageSpecOf(input) ?? { kind: 'percentages', percents: defaultStagePercents }, input.concurrency ?? rolloutDefaults.maxConcurrency);
    const paired = new Set(inventory.filter((d) => d.paired).map((d) => d.id));
    return {
      deviceCount: plan.deviceCount,
      stages: plan.stages.map((s) => ({ label: s.label, deviceCount: s.deviceIds.length, cumulativePercent: s.cumulativePercent })),
      leftOut: plan.leftOut.length,
      unpaired: ids.filter((d) => !paired.has(d)),
      gates: defaultGates(),
    };
  }

  list(status?: RolloutStatus): RolloutSummary[] {
    return this.store.list(status).flatMap((r) => {
      const state = this.store.get(r.id);
      return state ? [rolloutSummary({ state, createdAt: r.createdAt, updatedAt: r.updatedAt, modelName: modelNameOf(state.spec) })] : [];
    });
  }

  detail(id: string): RolloutDetail {
    const state = this.requireState(id);
    const times = this.store.times(id)!;
    return rolloutDetail(
      { state, ...times, modelName: modelNameOf(state.spec) },
      {
        inventory: new Map(this.o.ctx.store.list().map((d) => [d.id, d])),
        facts: this.facts.all(id),
        progress: this.runners.get(id)?.progress ?? null,
        driver: this.lease.holder(id),
      },
    );
  }

  /** Pause, resume or abort. Resuming a running rollout whose driver died takes it over. */
  control(id: string, action: 'pause' | 'resume' | 'abort'): RolloutDetail {
    const state = this.requireState(id);
    const orphan = action === 'resume' && (state.status === 'running' || state.status === 'rolling-back');
    if (!orphan) this.applyControl(id, action === 'pause' ? { type: 'pause' } : action === 'resume' ? { type: 'resume' } : { type: 'abort' });
    if (this.runners.has(id) || (this.o.drive && action === 'resume')) this.drive(id);
    return this.detail(id);
  }

  /** Rolls back everything the rollout touched, or only the devices a selector names among them. */
  rollback(id: string, target?: string): RolloutDetail {
    const state = this.requireState(id);
    if (target === undefined) {
      this.applyControl(id, { type: 'rollback', reason: 'Rolled back by hand.' });
    } else {
      const sel = parseSelector(target);
      const inventory = new Map(this.o.ctx.store.list().map((d) => [d.id, d]));
      const ids = Object.keys(state.devices).filter((d) => matchesSelector(sel, inventory.get(d) ?? { id: d, tags: [], groups: [] }));
      if (ids.length === 0) {
        throw new AppError('ROLLOUT_TARGET_EMPTY', 'No such device in this rollout', `No device of rollout ${id} matches "${target}"; see its devices with \`edgefleet rollout status ${id}\`.`);
      }
      const applied = this.store.apply(id, { type: 'rollback-devices', deviceIds: ids });
      if (applied.ignored) throw new AppError('ROLLOUT_NOTHING_TO_ROLL_BACK', 'Nothing to roll back', `Devices matching "${target}" in rollout ${id}: ${applied.ignored}.`);
      this.recorded(id, { type: 'rollback-devices', deviceIds: ids }, applied, this.o.actor);
    }
    if (this.runners.has(id) || this.o.drive) this.drive(id);
    return this.detail(id);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.scanTimer) clearInterval(this.scanTimer);
    for (const t of this.progressTimers.values()) clearTimeout(t);
    for (const r of this.runners.values()) r.stop();
    await Promise.all([...this.runners.values()].map((r) => r.done));
    this.runners.clear();
  }

  private requireState(id: string): RolloutState {
    const state = this.store.get(id);
    if (!state) throw new AppError('ROLLOUT_NOT_FOUND', 'Rollout not found', `There is no rollout with id ${id}; list them with \`edgefleet rollout list\`.`);
    return state;
  }

  private applyControl(id: string, event: RolloutEvent): void {
    const applied = this.store.apply(id, event);
    this.recorded(id, event, applied, this.o.actor);
  }

  private signedManifest(spec: RolloutSpec): SignedManifest {
    const model = spec.modelSha256 ? null : this.o.ctx.registry.requireModel(spec.modelId);
    const manifest: Manifest = {
      name: spec.modelName ?? model!.name,
      version: spec.modelVersion ?? String(model!.version),
      sha256: spec.modelSha256 ?? model!.sha256,
      size: spec.modelSize ?? model!.sizeBytes,
      created: spec.createdAt ?? new Date(0).toISOString(),
      // Rollouts created before release counters take a new one each time they are driven.
      release: spec.release ?? nextRelease(this.o.ctx.registry.db),
    };
    // The key file exists once any device was paired, and rollouts only target paired devices.
    return { manifest, signature: signManifest(readConsoleKey(consoleKeyPath(this.o.ctx.home)).privateKey, manifest) };
  }

  /** Audit and UI event for each recorded step. */
  private recorded(id: string, event: RolloutEvent, applied: Applied, actor: string): void {
    this.o.bus.emit('rollouts.changed', { id, status: applied.state.status });
    if (applied.ignored !== null) return;
    const { type, at: _at, ...params } = event;
    const failed = ['device-failed', 'device-reverted', 'device-confirm-failed', 'device-rollback-failed'].includes(type);
    const gatesFailed = type === 'gates-evaluated' && event.results.some((r) => r.status === 'fail');
    const outcome: AuditOutcome = failed || gatesFailed ? 'failed' : 'succeeded';
    const detail =
      'error' in event ? event.error : type === 'gates-evaluated' ? event.results.map((r) => r.explanation).join(' ') : null;
    this.audit({ action: `rollout.${type}`, target: `rollout:${id}`, params, outcome, detail }, actor);
    const s = applied.state;
    if (gatesFailed && s.status !== applied.before) {
      this.audit({ action: s.spec.policy === 'rollback' ? 'rollout.halt-and-rollback' : 'rollout.halt', target: `rollout:${id}`, params: { stage: event.stage, policy: s.spec.policy }, outcome: 'failed', detail: s.reason }, 'engine');
    }
    if ((s.status === 'completed' || s.status === 'rolled-back') && s.status !== applied.before) {
      this.audit({ action: `rollout.${applied.state.status}`, target: `rollout:${id}`, params: { after: type }, outcome: 'succeeded', detail: null }, 'engine');
    }
  }

  private audit(entry: { action: string; target: string; params: unknown; outcome: AuditOutcome; detail: string | null }, actor: string): void {
    try {
      this.o.audit.append({ actor, ...entry });
    } catch (err) {
      process.stderr.write(`edgefleet: audit log write failed: ${(err as Error).message}\n`);
    }
  }

  private progressChanged(id: string): void {
    if (this.progressTimers.has(id)) return;
    this.progressTimers.set(
      id,
      setTimeout(() => {
        this.progressTimers.delete(id);
        const s = this.store.get(id);
        if (s) this.o.bus.emit('rollouts.changed', { id, status: s.status });
      }, 250),
    );
  }
}

function stageSpecOf(input: { stages?: number[]; rate?: { base: number; factor: number; ceiling: number } }): StageSpec | undefined {
  if (input.rate) return { kind: 'exponential', baseRatePerMinute: input.rate.base, incrementFactor: input.rate.factor, maximumPerMinute: input.rate.ceiling };
  if (input.stages) return { kind: 'percentages', percents: input.stages };
  return undefined;
}

function modelNameOf(spec: RolloutSpec): string {
  return spec.modelName ? `${spec.modelName} v${spec.modelVersion}` : spec.modelId;
}

export function engineActor(mode: string): string {
  let user = 'unknown';
  try {
    user = os.userInfo().username;
  } catch {
    // No passwd entry (some containers).
  }
  return `user:${user}@${mode}`;
}
