// The federated round engine: starts rounds (selection runs at once, so a round without its quorum fails
// in the call that asked for it, saying why), drives them phase by phase, writing every step before the
// next (round-store.ts), and picks up unfinished rounds after the console was stopped or killed (a plain
// round goes on; a secure one fails, saying that its SecAgg state lived in memory; see round-machine.ts).
// Long-running consoles drive every round; the CLI drives only the round it waits for.
import { randomBytes } from 'node:crypto';
import type { ParsedInput } from '../api/contract.js';
import { AppError, toErrorData } from '../api/errors.js';
import type { EventBus } from '../api/event-bus.js';
import type { FlPhase, FlPrivacy, FlRound, FlRoundDevice, FlRoundSummary, FlSecAggStage } from '../api/types.js';
import type { AuditLog, AuditOutcome } from '../audit/audit-store.js';
import type { DeviceContext } from '../devices/device-context.js';
import { requireRunnableModel } from '../registry/runnable-model.js';
import { parseSelector } from '../rollouts/selector.js';
import { aggregate, decodeParameters, defaultTrimFraction, encodeParameters, trimCount, weightedMean } from './aggregation.js';
import { readAutoencoderWeights } from '../../../resources/agent/src/federated/autoencoder-onnx.js';
import { candidateBytes, federatedModelInfo, readModelBytes, registerCandidate } from './candidate.js';
import { addDpNoise, checkBudget, cryptoUniform, dpAggregate, type DpEvent } from './dp-accountant.js';
import { linkDevices, type FlDevices, type FlTrainRequest, type FlTrainResponse } from './fl-device.js';
import { emptyDevice, RoundStore, type RoundSpec, type RoundState, type StoredRound } from './round-store.js';
import { isFinal, nextPhase, resumeDecision, secaggPhases } from './round-machine.js';
import { checkEligibility, defaultLimits, overSelectCount, pickParticipants, quorumShortfall, shuffleSeed } from './selection.js';
import { SecAggServer, type SecAggRequest, type SecAggStage } from './secagg/index.js';
import { effectiveShareCount } from './secagg/graph.js';

/** How fl.promote and fl.rollback roll out: the rollout defaults where left out. */
export interface RolloutShape {
  stages?: number[];
  soakMs?: number;
}

export interface RoundEngineOptions {
  ctx: DeviceContext;
  bus: EventBus;
  audit: AuditLog;
  actor: string;
  /** Drive every unfinished round (long-running consoles); the CLI drives only what it waits for. */
  drive: boolean;
  /** The device calls; default over the device links. */
  devices?: FlDevices;
  /** Starts a rollout (rollouts.create through the contract), for fl.promote and fl.rollback. */
  createRollout: (input: { modelId: string; selector: string } & RolloutShape) => Promise<{ id: string }>;
  heartbeatMs?: number;
  probeTimeoutMs?: number;
  /** Extra time a resumed round past its deadline gives devices to repeat an answer they already made. */
  graceMs?: number;
}

const stageOfPhase: Record<(typeof secaggPhases)[number], SecAggStage> = {
  'secagg-setup': 'setup',
  'secagg-share-keys': 'share-keys',
  'secagg-masked-input': 'masked-input',
  'secagg-unmask': 'unmask',
};

/** Exit codes of a round waited for on the command line. */
export const roundExit: Record<'registered' | 'rejected' | 'failed' | 'aborted', number> = { registered: 0, rejected: 3, failed: 4, aborted: 5 };

function fmt(x: number | null | undefined): string {
  return x === null || x === undefined ? '–' : x.toPrecision(4);
}

function message(err: unknown): string {
  const d = toErrorData(err);
  return d.detail ? `${d.title}: ${d.detail}` : d.title;
}

/** A secure round's in-memory part: lost with the process, which is why such a round cannot resume. */
interface SecureRun {
  server: SecAggServer;
  requests: SecAggRequest[];
  /** Kept updates' sample counts are on the agents; the server only sees masked vectors. */
}

export class RoundEngine {
  readonly store: RoundStore;
  private readonly devices: FlDevices;
  private readonly running = new Map<string, Promise<void>>();
  private readonly secure = new Map<string, SecureRun>();
  /** Rounds this process created or moved into training: their secure state is in this process. */
  private readonly owned = new Set<string>();
  private readonly scanTimer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(private readonly o: RoundEngineOptions) {
    this.store = new RoundStore(o.ctx.registry.db);
    this.devices = o.devices ?? linkDevices(o.ctx);
    if (o.drive) {
      this.scan();
      this.scanTimer = setInterval(() => this.scan(), 3000);
      this.scanTimer.unref();
    }
  }

  scan(): void {
    if (this.closed) return;
    for (const id of this.store.unfinished()) if (!this.running.has(id) && !this.store.heldElsewhere(id)) this.drive(id);
  }

  /** Checks the request, selects the devices and records the round: training, or failed with the reason. */
  async start(input: ParsedInput<'fl.start'>): Promise<FlRound> {
    const { ctx } = this.o;
    try {
      parseSelector(input.selector);
    } catch (err) {
      throw new AppError('FL_BAD_SELECTOR', 'Bad device selector', message(err));
    }
    const model = requireRunnableModel(ctx.registry, input.modelId);
    const label = `${model.name} v${model.version}`;
    let bytes: Uint8Array;
    try {
      bytes = readModelBytes(ctx.home, model.sha256);
    } catch {
      throw new AppError('MODEL_ARTIFACT_MISSING', 'Model file missing', `The registry has ${label} but not its file; import the model again.`);
    }
    const { paramCount } = federatedModelInfo(bytes, label);
    const id = `fl-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
    const now = new Date();
    const spec: RoundSpec = {
      id,
      modelId: model.id,
      modelName: label,
      modelSha256: model.sha256,
      paramCount,
      selector: input.selector,
      minClients: input.minClients,
      selectCount: input.selectCount,
      overSelect: input.overSelect,
      deadlineMs: input.deadlineSec * 1000,
      config: {
        epochs: input.epochs,
        batchSize: input.batchSize,
        learningRate: input.learningRate,
        proxMu: input.proxMu,
        clipNorm: input.clipNorm ?? null,
        timeBudgetMs: Math.max(100, Math.round(input.timeBudgetSec * 1000)),
        heldOutFraction: input.heldOutFraction,
        ...(input.seed === undefined ? {} : { seed: input.seed }),
      },
      aggregation: input.aggregation,
      ...(input.aggregation === 'trimmed-mean' ? { trimFraction: input.trimFraction ?? defaultTrimFraction } : {}),
      secure: input.secure,
      numShares: input.numShares ?? null,
      threshold: input.threshold ?? null,
      createdAt: now.toISOString(),
      deadlineAt: new Date(now.getTime() + input.deadlineSec * 1000).toISOString(),
      limits: { maxCpuPercent: input.maxCpuPercent ?? null, maxTemperatureC: input.maxTemperatureC ?? null },
      dp: input.dp ? { ...input.dp, family: model.name } : null,
    };
    if (spec.secure) this.secureConfig(spec, Math.max(spec.minClients, 2), true);
    this.privacyAtStart(spec);

    const results = await checkEligibility(this.devices, ctx.store.list(), spec.selector, spec.modelSha256, this.o.probeTimeoutMs ?? 5000, spec.limits);
    const eligible = results.filter((r) => r.reason === null).map((r) => r.deviceId);
    const picked = new Set(pickParticipants(eligible, overSelectCount(spec.selectCount, spec.overSelect, eligible.length), input.seed ?? id));
    const devices = results.map((r) => emptyDevice(r.deviceId, r.name, picked.has(r.deviceId) ? 'selected' : 'rejected', r.reason ?? (picked.has(r.deviceId) ? null : 'eligible, not picked (enough devices)')));
    const events = results.map((r) =>
      picked.has(r.deviceId)
        ? { deviceId: r.deviceId, kind: 'selected' as const, detail: `${r.name} selected` }
        : { deviceId: r.deviceId, kind: 'excluded' as const, detail: `${r.name} excluded: ${r.reason ?? 'eligible, not picked (enough devices)'}` },
    );
    // Accounted again just before the round is written: a round started meanwhile may have spent budget.
    const privacy = this.privacyAtStart(spec);
    const state: RoundState = { phase: 'selecting', reason: null, participantIds: [], dropped: [], candidate: null, candidateModelId: null, lossBefore: null, lossAfter: null, finishedAt: null, rollouts: [], privacy, secagg: [] };
    this.store.create(spec, state, devices, [{ deviceId: null, kind: 'phase', detail: `Round of ${label} on ${spec.selector}: ${eligible.length} of ${results.length} devices eligible, ${picked.size} selected (minClients ${spec.minClients}, selectCount ${spec.selectCount})` }, ...events]);
    const short = quorumShortfall(results, spec.minClients, spec.selector);
    if (short) this.move(spec, 'selecting', { phase: 'failed', reason: short });
    else {
      this.owned.add(id);
      this.move(spec, 'selecting', { phase: 'training' }, `Training on ${picked.size} devices until ${spec.deadlineAt}`);
    }
    this.audit('fl.round-start', id, { modelId: model.id, selector: spec.selector, minClients: spec.minClients, selectCount: spec.selectCount, aggregation: spec.aggregation, secure: spec.secure, dp: spec.dp ?? null }, short ? 'failed' : 'succeeded', short);
    if (!short && this.o.drive) this.drive(id);
    return this.get(id);
  }

  get(id: string): FlRound {
    return this.view(this.store.require(id));
  }

  list(): FlRoundSummary[] {
    return this.store.list().map((r) => this.summary(r));
  }

  abort(id: string): FlRound {
    const r = this.store.require(id);
    if (isFinal(r.state.phase)) throw new AppError('FL_ROUND_FINISHED', 'Round already finished', `Round ${id} is ${r.state.phase}; there is nothing to abort.`);
    if (!this.move(r.spec, r.state.phase, { phase: 'aborted', reason: `Aborted by hand during ${r.state.phase}.` })) return this.abort(id);
    this.audit('fl.round-abort', id, { phase: r.state.phase }, 'succeeded', null, this.o.actor);
    return this.get(id);
  }

  /** A staged rollout of the registered candidate to the round's selector. */
  async promote(id: string, shape: RolloutShape = {}): Promise<FlRound> {
    const r = this.store.require(id);
    if (r.state.phase !== 'registered' || !r.state.candidateModelId) {
      throw new AppError('FL_NOTHING_TO_PROMOTE', 'No candidate to promote', `Round ${id} is ${r.state.phase}${r.state.reason ? ` (${r.state.reason})` : ''}: only a registered round's version can be rolled out.`);
    }
    return this.rollout(r, 'promote', r.state.candidateModelId, shape);
  }

  /** Re-promotes the round's input model: a rollout of the previous version. */
  async rollback(id: string, shape: RolloutShape = {}): Promise<FlRound> {
    const r = this.store.require(id);
    return this.rollout(r, 'rollback', r.spec.modelId, shape);
  }

  /** Drives the round in this process unless another live process does; resolves when it stops driving. */
  drive(id: string): Promise<void> | null {
    if (this.closed) return null;
    const existing = this.running.get(id);
    if (existing) return existing;
    if (!this.store.tryAcquire(id)) return null;
    const run = this.run(id).finally(() => {
      this.running.delete(id);
      this.store.release(id);
    });
    this.running.set(id, run);
    return run;
  }

  /** Waits until the round is final; with `drive`, drives it whenever no other live process does. */
  async waitFor(id: string, opts: { drive: boolean; pollMs?: number; onChange?: (r: FlRound) => void }): Promise<FlRound> {
    let last = '';
    for (;;) {
      const stored = this.store.require(id);
      const key = `${stored.updatedAt}|${stored.state.phase}`;
      if (key !== last) opts.onChange?.(this.view(stored));
      last = key;
      if (isFinal(stored.state.phase) && !this.running.has(id)) return this.view(stored);
      if (opts.drive && !this.running.has(id) && !this.store.heldElsewhere(id)) this.drive(id);
      if (this.closed) return this.view(stored);
      await new Promise((r) => setTimeout(r, opts.pollMs ?? 250));
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.scanTimer) clearInterval(this.scanTimer);
    await Promise.allSettled([...this.running.values()]);
  }

  // Driving.

  private async run(id: string): Promise<void> {
    const beat = setInterval(() => this.store.heartbeat(id), this.o.heartbeatMs ?? 1000);
    beat.unref();
    try {
      let first = true;
      for (;;) {
        if (this.closed) return;
        const r = this.store.require(id);
        const phase = r.state.phase;
        if (isFinal(phase)) return;
        if (first && !this.owned.has(id)) {
          const decision = resumeDecision(phase, r.spec.secure);
          if (decision.action === 'fail') {
            this.move(r.spec, phase, { phase: 'failed', reason: decision.reason });
            continue;
          }
          this.event(r.spec, phase, `Resumed by process ${process.pid} during ${phase}`);
        }
        first = false;
        try {
          await this.step(r);
        } catch (err) {
          const now = this.store.require(id);
          if (!isFinal(now.state.phase)) this.move(r.spec, now.state.phase, { phase: 'failed', reason: `${now.state.phase} failed: ${message(err)}` });
        }
      }
    } finally {
      clearInterval(beat);
      this.secure.delete(id);
    }
  }

  private async step(r: StoredRound): Promise<void> {
    switch (r.state.phase) {
      case 'selecting': {
        // Stopped between recording the selection and its verdict: the selection stands.
        const selected = this.store.devices(r.spec.id).filter((d) => d.status === 'selected');
        if (selected.length < r.spec.minClients) this.move(r.spec, 'selecting', { phase: 'failed', reason: `Only ${selected.length} devices were selected, fewer than minClients ${r.spec.minClients}.` });
        else this.move(r.spec, 'selecting', { phase: 'training' });
        return;
      }
      case 'training':
        return this.train(r);
      case 'secagg-setup':
      case 'secagg-share-keys':
      case 'secagg-masked-input':
      case 'secagg-unmask':
        return this.secaggStage(r, r.state.phase);
      case 'aggregating':
        return this.aggregate(r);
      case 'evaluating':
        return this.evaluate(r);
      default:
        return;
    }
  }

  /** Selected devices train at once; the first selectCount to answer take part, the others are not needed. */
  private async train(r: StoredRound): Promise<void> {
    const { spec } = r;
    const all = this.store.devices(spec.id);
    const pending = all.filter((d) => d.status === 'selected' || d.status === 'sent');
    const done = all.filter((d) => d.status === 'trained' || d.status === 'uploaded');
    let run: SecureRun | undefined;
    if (spec.secure) {
      const clients = all.filter((d) => ['selected', 'sent', 'trained', 'uploaded'].includes(d.status)).map((d) => d.deviceId);
      const cfg = this.secureConfig(spec, clients.length, false);
      const server = new SecAggServer({ roundId: spec.id, clientIds: clients, paramCount: spec.paramCount, numShares: cfg.numShares, threshold: cfg.threshold });
      run = { server, requests: [] };
      this.secure.set(spec.id, run);
    }
    const remaining = Date.parse(spec.deadlineAt) - Date.now();
    const budget = Math.max(remaining, this.o.graceMs ?? 5000);
    const req: FlTrainRequest = {
      roundId: spec.id,
      expectActiveSha256: spec.modelSha256,
      epochs: spec.config.epochs,
      batchSize: spec.config.batchSize,
      learningRate: spec.config.learningRate,
      proxMu: spec.config.proxMu,
      ...(spec.config.clipNorm === null ? {} : { clipNorm: spec.config.clipNorm }),
      timeBudgetMs: spec.config.timeBudgetMs,
      heldOutFraction: spec.config.heldOutFraction,
      ...(spec.config.seed === undefined ? {} : { seed: shuffleSeed(spec.config.seed) }),
      ...(run ? { secure: { config: run.server.config } } : {}),
      ...(run && spec.dp ? { updateClipNorm: spec.dp.clipNorm } : {}),
    };
    let trained = done.length;
    let stopped = false;
    const answered = new Set<string>();
    await new Promise<void>((resolve) => {
      let open = pending.length;
      const end = () => {
        stopped = true;
        clearTimeout(timer);
        clearInterval(watch);
        resolve();
      };
      const timer = setTimeout(end, budget);
      // An abort (from any process) or a closing engine stops the wait at once.
      const watch = setInterval(() => {
        if (this.closed || this.store.get(spec.id)?.state.phase !== 'training') end();
      }, 250);
      const settle = () => {
        if (--open <= 0 || trained >= spec.selectCount) end();
      };
      if (open === 0 || trained >= spec.selectCount) {
        end();
        return;
      }
      for (const d of pending) {
        if (d.status === 'selected') this.store.device(spec.id, 'training', { ...d, status: 'sent' }, { deviceId: d.deviceId, kind: 'sent', detail: `fl-train sent to ${d.name} (${spec.config.epochs} epochs, lr ${spec.config.learningRate}, budget ${spec.config.timeBudgetMs} ms)` });
        this.trainRetrying(d.deviceId, req, budget, () => stopped)
          .then((res) => {
            // Past selectCount the device stays 'sent' and is marked not needed below.
            if (stopped || trained >= spec.selectCount) return;
            answered.add(d.deviceId);
            const row = this.trainedRow(d, res, spec);
            if (typeof row === 'string') {
              this.store.device(spec.id, 'training', { ...d, status: 'rejected', reason: row }, { deviceId: d.deviceId, kind: 'rejected', detail: `${d.name}: ${row}` });
              return;
            }
            trained++;
            const detail = `${d.name} trained ${res.epochsRun} epochs on ${res.samples} windows in ${Math.round(res.elapsedMs)} ms (${res.stoppedBy}): loss ${fmt(res.lossBefore)} → ${fmt(res.lossAfter)}, held-out ${fmt(res.heldOutLossBefore)} → ${fmt(res.heldOutLossAfter)}${res.updateClipped === undefined ? '' : res.updateClipped ? `; update clipped to ${spec.dp?.clipNorm} on the device` : `; update within ${spec.dp?.clipNorm}`}`;
            this.store.device(spec.id, 'training', row, { deviceId: d.deviceId, kind: 'trained', detail }, spec.secure ? null : (res.update ?? null));
            if (!spec.secure) this.store.device(spec.id, 'training', row, { deviceId: d.deviceId, kind: 'uploaded', detail: `${d.name} sent its update (${res.paramCount} parameters${res.clipped ? ', clipped' : ''})` });
          })
          .catch((err: unknown) => {
            if (stopped) return;
            answered.add(d.deviceId);
            this.store.device(spec.id, 'training', { ...d, status: 'rejected', reason: message(err) }, { deviceId: d.deviceId, kind: 'rejected', detail: `${d.name}: ${message(err)}` });
          })
          .finally(settle);
      }
    });
    const now = this.store.require(spec.id);
    if (now.state.phase !== 'training') return;
    const after = this.store.devices(spec.id);
    for (const d of after) {
      if (d.status !== 'sent' && d.status !== 'selected') continue;
      if (trained >= spec.selectCount) this.store.device(spec.id, 'training', { ...d, status: 'not-needed', reason: `${spec.selectCount} devices had already trained (over-selection)` }, { deviceId: d.deviceId, kind: 'not-needed', detail: `${d.name} not needed: ${spec.selectCount} devices trained first` });
      else this.store.device(spec.id, 'training', { ...d, status: 'timed-out', reason: `no answer by the deadline ${spec.deadlineAt}` }, { deviceId: d.deviceId, kind: 'timed-out', detail: `${d.name} did not answer fl-train by the deadline` });
    }
    const ok = this.store.devices(spec.id).filter((d) => d.status === 'trained' || d.status === 'uploaded');
    if (ok.length < spec.minClients) {
      const bad = this.store.devices(spec.id).filter((d) => d.status === 'timed-out' || (d.status === 'rejected' && answered.has(d.deviceId)));
      const why = bad.slice(0, 5).map((d) => `${d.name}: ${d.reason}`).join('; ');
      this.move(spec, 'training', { phase: 'failed', reason: `Only ${ok.length} devices trained, fewer than minClients ${spec.minClients}${why ? `. ${why}` : ''}.` });
      return;
    }
    const participants = ok.map((d) => d.deviceId);
    const sent = new Set([...pending, ...done].map((d) => d.deviceId));
    const dropped = this.store.devices(spec.id).filter((d) => sent.has(d.deviceId) && (d.status === 'timed-out' || d.status === 'rejected')).map((d) => d.deviceId);
    this.move(spec, 'training', { phase: nextPhase('training', { secure: spec.secure }), participantIds: participants, dropped }, `${ok.length} devices trained${dropped.length ? `, ${dropped.length} dropped` : ''}`);
  }

  /**
   * fl-train, asked again while the device answers FL_BUSY: after a console restart the agent may still be
   * training this round for the stopped console; the same request then gets the stored answer.
   */
  private async trainRetrying(deviceId: string, req: FlTrainRequest, budget: number, stopped: () => boolean): Promise<FlTrainResponse> {
    const end = Date.now() + budget;
    for (;;) {
      try {
        return await this.devices.train(deviceId, req, Math.max(1000, end - Date.now()));
      } catch (err) {
        if (toErrorData(err).code !== 'FL_BUSY' || stopped() || Date.now() + 1000 > end) throw err;
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  }

  /** The device row after a good fl-train answer, or why the answer cannot be used. */
  private trainedRow(d: FlRoundDevice, res: FlTrainResponse, spec: RoundSpec): FlRoundDevice | string {
    if (res.roundId !== spec.id) return `answered for round ${res.roundId}, not ${spec.id}`;
    if (res.paramCount !== spec.paramCount) return `trained ${res.paramCount} parameters, the model has ${spec.paramCount}`;
    if (!spec.secure) {
      if (!res.update) return 'sent no update';
      try {
        decodeParameters(res.update, `${d.name}'s update`, spec.paramCount);
      } catch (err) {
        return message(err);
      }
    }
    return {
      ...d,
      status: spec.secure ? 'trained' : 'uploaded',
      reason: null,
      samples: res.samples,
      heldOut: res.heldOut,
      lossBefore: res.lossBefore,
      lossAfter: res.lossAfter,
      heldOutLossBefore: res.heldOutLossBefore,
      heldOutLossAfter: res.heldOutLossAfter,
      epochsRun: res.epochsRun,
      stoppedBy: res.stoppedBy,
      elapsedMs: res.elapsedMs,
      ...(res.updateClipped === undefined ? {} : { updateClipped: res.updateClipped }),
    };
  }

  /** One SecAgg+ stage: deliver its requests to the clients still in, close it, move on. */
  private async secaggStage(r: StoredRound, phase: (typeof secaggPhases)[number]): Promise<void> {
    const { spec } = r;
    const run = this.secure.get(spec.id);
    if (!run) {
      const d = resumeDecision(phase, true);
      this.move(spec, phase, { phase: 'failed', reason: d.action === 'fail' ? d.reason : `Secure state missing during ${phase}.` });
      return;
    }
    const stage = stageOfPhase[phase];
    const participants = new Set(r.state.participantIds);
    const requests = stage === 'setup' ? run.server.start().filter((q) => participants.has(q.clientId)) : run.requests;
    const budget = Math.max(Date.parse(spec.deadlineAt) - Date.now(), this.o.graceMs ?? 5000);
    const names = new Map(this.store.devices(spec.id).map((d) => [d.deviceId, d]));
    await Promise.all(
      requests.map(async (q) => {
        try {
          const reply = await this.devices.secagg(q.clientId, spec.id, q, budget);
          run.server.receive(reply);
        } catch (err) {
          const d = names.get(q.clientId);
          this.event(spec, phase, `${d?.name ?? q.clientId} gave no ${stage} reply: ${message(err)}`, q.clientId, 'rejected');
        }
      }),
    );
    if (this.store.require(spec.id).state.phase !== phase) return;
    let outcome;
    try {
      outcome = run.server.closeStage();
    } catch (err) {
      this.move(spec, phase, { phase: 'failed', reason: `Secure aggregation failed at ${stage}: ${message(err)}`, secagg: this.stageCounts(run) });
      return;
    }
    const rep = outcome.report;
    const secagg = this.stageCounts(run);
    for (const dropped of rep.dropped) {
      const d = names.get(dropped);
      if (d) this.store.device(spec.id, phase, { ...d, status: 'timed-out', reason: `dropped at SecAgg ${stage}` }, { deviceId: dropped, kind: 'timed-out', detail: `${d.name} dropped out at SecAgg ${stage}` });
    }
    const summary = `SecAgg ${stage}: ${rep.answered} of ${rep.asked} answered${rep.dropped.length ? `, dropped ${rep.dropped.length}` : ''}`;
    if (outcome.result) {
      const res = outcome.result;
      if (!res.mean || res.contributors.length < spec.minClients) {
        this.move(spec, phase, { phase: 'failed', reason: `Only ${res.contributors.length} devices' masked inputs are in the sum, fewer than minClients ${spec.minClients}.`, secagg });
        return;
      }
      const candidate = encodeParameters(Float32Array.from(res.mean));
      const dropped = r.state.participantIds.filter((p) => !res.contributors.includes(p));
      this.move(spec, phase, { phase: 'aggregating', participantIds: res.contributors, dropped: [...r.state.dropped, ...dropped], candidate, secagg }, `${summary}; the sum of ${res.contributors.length} updates is unmasked`);
      return;
    }
    run.requests = outcome.requests;
    this.move(spec, phase, { phase: nextPhase(phase, { secure: true }), secagg }, summary);
  }

  private aggregate(r: StoredRound): void {
    const { spec } = r;
    let candidate = r.state.candidate;
    if (!spec.secure && spec.dp && r.state.privacy) return this.aggregatePrivately(r, spec.dp, r.state.privacy);
    if (!spec.secure) {
      const updates = this.store.updates(spec.id);
      const rows = this.store.devices(spec.id).filter((d) => r.state.participantIds.includes(d.deviceId));
      const params = aggregate(
        spec.aggregation,
        rows.map((d) => ({ deviceId: d.deviceId, samples: d.samples ?? 0, parameters: decodeParameters(updates.get(d.deviceId) ?? '', `${d.name}'s update`, spec.paramCount) })),
        spec.trimFraction,
      );
      candidate = encodeParameters(params);
    }
    if (!candidate) throw new AppError('FL_NO_UPDATES', 'Nothing to aggregate', 'The round has no aggregate.');
    if (spec.secure && spec.dp && r.state.privacy) return this.noiseSecureMean(r, candidate, spec.dp, r.state.privacy);
    this.move(spec, 'aggregating', { phase: 'evaluating', candidate }, `Aggregated ${r.state.participantIds.length} updates (${spec.secure ? 'SecAgg+ weighted mean' : spec.aggregation === 'trimmed-mean' ? `trimmed mean, ${trimCount(r.state.participantIds.length, spec.trimFraction ?? defaultTrimFraction)} value${trimCount(r.state.participantIds.length, spec.trimFraction ?? defaultTrimFraction) === 1 ? '' : 's'} of each coordinate dropped from each side` : spec.aggregation})`);
  }

  /** The participants score the candidate and the incumbent on their held-out windows; the better one stays. */
  private async evaluate(r: StoredRound): Promise<void> {
    const { spec, state } = r;
    const params = decodeParameters(state.candidate!, 'The candidate', spec.paramCount);
    const { bytes, sha256 } = candidateBytes(this.o.ctx.home, spec.modelSha256, params);
    const rows = this.store.devices(spec.id).filter((d) => state.participantIds.includes(d.deviceId));
    const budget = Math.max(Date.parse(spec.deadlineAt) - Date.now(), 30_000);
    const scores: { weight: number; loss: number; active: number }[] = [];
    await Promise.all(
      rows.map(async (d) => {
        try {
          const res = await this.devices.evaluate(d.deviceId, { roundId: spec.id, modelSha256: sha256, parameters: state.candidate! }, budget);
          scores.push({ weight: res.heldOut, loss: res.loss, active: res.lossActive });
          this.store.device(spec.id, 'evaluating', { ...d, status: 'evaluated', evalLoss: res.loss, evalLossActive: res.lossActive, heldOut: res.heldOut }, { deviceId: d.deviceId, kind: 'evaluated', detail: `${d.name}: held-out loss ${fmt(res.lossActive)} (incumbent) vs ${fmt(res.loss)} (candidate) on ${res.heldOut} windows` });
        } catch (err) {
          this.event(spec, 'evaluating', `${d.name} could not evaluate the candidate: ${message(err)}`, d.deviceId, 'rejected');
        }
      }),
    );
    if (this.store.require(spec.id).state.phase !== 'evaluating') return;
    const after = weightedMean(scores.map((s) => ({ weight: s.weight, value: s.loss })));
    const before = weightedMean(scores.map((s) => ({ weight: s.weight, value: s.active })));
    if (after === null || before === null) {
      this.move(spec, 'evaluating', { phase: 'failed', reason: `No participant could evaluate the candidate (${rows.length} asked).` });
      return;
    }
    if (!(after < before)) {
      this.move(spec, 'evaluating', { phase: 'rejected', lossBefore: before, lossAfter: after, reason: `The candidate is not better: held-out loss ${fmt(after)} vs ${fmt(before)} for ${spec.modelName}, over ${scores.length} devices.` });
      return;
    }
    const parent = this.o.ctx.registry.requireModel(spec.modelId);
    const model = await registerCandidate({
      home: this.o.ctx.home,
      registry: this.o.ctx.registry,
      parent,
      bytes,
      lineage: {
        federatedRound: spec.id,
        participants: state.participantIds,
        dropped: state.dropped,
        aggregation: spec.aggregation,
        secure: spec.secure,
        lossBefore: before,
        lossAfter: after,
        ...(state.privacy ? { privacy: { epsilon: state.privacy.epsilon, total: state.privacy.total, delta: state.privacy.delta, noiseMultiplier: state.privacy.noiseMultiplier, clipNorm: state.privacy.clipNorm } } : {}),
      },
    });
    this.o.bus.emit('models.changed', { id: model.id });
    this.move(spec, 'evaluating', { phase: 'registered', lossBefore: before, lossAfter: after, candidateModelId: model.id, reason: null }, `Registered ${model.name} v${model.version} (${model.id}): held-out loss ${fmt(before)} → ${fmt(after)}`);
  }

  /**
   * DP-FedAvg (dp-accountant.ts): every participant's update against the global model clipped to C, the
   * equal-weight mean, Gaussian noise of z·C/n. The console sees the plain updates (it is trusted); the
   * noise protects each device's contribution in the model that leaves the console.
   */
  private aggregatePrivately(r: StoredRound, dp: NonNullable<RoundSpec['dp']>, privacy: FlPrivacy): void {
    const { spec } = r;
    const updates = this.store.updates(spec.id);
    const rows = this.store.devices(spec.id).filter((d) => r.state.participantIds.includes(d.deviceId));
    const global = readAutoencoderWeights(readModelBytes(this.o.ctx.home, spec.modelSha256)).parameters;
    const locals = rows.map((d) => ({ deviceId: d.deviceId, parameters: decodeParameters(updates.get(d.deviceId) ?? '', `${d.name}'s update`, spec.paramCount) }));
    const out = dpAggregate(global, locals, { clipNorm: dp.clipNorm, noiseMultiplier: dp.noiseMultiplier, uniform: cryptoUniform(randomBytes) });
    for (let i = 0; i < out.parameters.length; i++) {
      if (!Number.isFinite(out.parameters[i])) throw new AppError('FL_BAD_UPDATE', 'Aggregate is not finite', `The noised aggregate has ${out.parameters[i]} at parameter ${i}.`);
    }
    const names = new Map(rows.map((d) => [d.deviceId, d.name]));
    const norms = out.norms.map((x) => `${names.get(x.deviceId) ?? x.deviceId} ${x.norm.toPrecision(3)}${x.clipped ? ' (clipped)' : ''}`).join(', ');
    this.move(
      spec,
      'aggregating',
      { phase: 'evaluating', candidate: encodeParameters(out.parameters), privacy: { ...privacy, clippedFraction: out.clippedFraction, noised: true } },
      `Aggregated ${rows.length} updates with differential privacy: clipped to ${dp.clipNorm} (${Math.round(out.clippedFraction * 100)}% clipped; update norms ${norms}), equal weights, Gaussian noise σ ${out.noiseStd.toPrecision(3)} per parameter; ε ${privacy.epsilon.toPrecision(3)} this round, ${privacy.total.toPrecision(3)} for ${dp.family} (δ ${dp.delta})`,
    );
  }

  /**
   * DP with SecAgg+: each device clipped its own update to C and weighed it equally (fl-train
   * updateClipNorm), so the unmasked mean is DP-FedAvg's mean of clipped updates; the console adds the
   * same noise z·C/n. It never sees a norm, only each device's one bit that it clipped.
   */
  private noiseSecureMean(r: StoredRound, mean: string, dp: NonNullable<RoundSpec['dp']>, privacy: FlPrivacy): void {
    const { spec } = r;
    const n = r.state.participantIds.length;
    const rows = this.store.devices(spec.id).filter((d) => r.state.participantIds.includes(d.deviceId));
    const unclipped = rows.filter((d) => d.updateClipped === undefined);
    if (unclipped.length) {
      throw new AppError('FL_BAD_UPDATE', 'A device did not clip its update', `${unclipped.map((d) => d.name).join(', ')} answered without updateClipped, so ${unclipped.length === 1 ? 'its' : 'their'} update may be longer than ${dp.clipNorm}: update the agent (fl-train updateClipNorm).`);
    }
    const out = addDpNoise(decodeParameters(mean, 'The unmasked mean', spec.paramCount), n, { clipNorm: dp.clipNorm, noiseMultiplier: dp.noiseMultiplier, uniform: cryptoUniform(randomBytes) });
    const clippedFraction = rows.filter((d) => d.updateClipped).length / n;
    this.move(
      spec,
      'aggregating',
      { phase: 'evaluating', candidate: encodeParameters(out.parameters), privacy: { ...privacy, clippedFraction, noised: true } },
      `Aggregated ${n} updates with SecAgg+ and differential privacy: each clipped to ${dp.clipNorm} on its device (${Math.round(clippedFraction * 100)}% clipped), equal weights, Gaussian noise σ ${out.noiseStd.toPrecision(3)} per parameter; ε ${privacy.epsilon.toPrecision(3)} this round, ${privacy.total.toPrecision(3)} for ${dp.family} (δ ${dp.delta})`,
    );
  }

  /**
   * The DP rounds of the model family that count against its budget: every one that added noise (its
   * aggregate went to devices for evaluation, registered or not) and every one still running (it will).
   */
  private privacyHistory(family: string, except: string): DpEvent[] {
    return this.store
      .list()
      .filter((x) => x.spec.id !== except && x.spec.dp && x.spec.dp.family === family && (x.state.privacy?.noised || !isFinal(x.state.phase)))
      .map((x) => ({ noiseMultiplier: x.spec.dp!.noiseMultiplier }));
  }

  /** The round's accounting, or FL_PRIVACY_BUDGET when it would take its lineage past maxEpsilon. */
  private privacyAtStart(spec: RoundSpec): FlPrivacy | null {
    const dp = spec.dp;
    if (!dp) return null;
    const before = this.privacyHistory(dp.family, spec.id);
    const b = checkBudget(before, { noiseMultiplier: dp.noiseMultiplier }, dp.delta, dp.maxEpsilon);
    if (b.exceeds) {
      throw new AppError(
        'FL_PRIVACY_BUDGET',
        'Privacy budget exceeded',
        `${dp.family} has spent ε ${b.spentBefore.toPrecision(4)} over ${before.length} DP round${before.length === 1 ? '' : 's'}; this round needs ε ${b.roundEpsilon.toPrecision(4)} (noise multiplier ${dp.noiseMultiplier}), which makes ε ${b.total.toPrecision(4)} together, above maxEpsilon ${dp.maxEpsilon} (δ ${dp.delta}). ` +
          'Raise the noise multiplier, raise maxEpsilon knowingly, or stop training this model on these devices.',
      );
    }
    return { epsilon: b.roundEpsilon, delta: dp.delta, noiseMultiplier: dp.noiseMultiplier, clipNorm: dp.clipNorm, maxEpsilon: dp.maxEpsilon, spentBefore: b.spentBefore, total: b.total, roundsBefore: before.length, clippedFraction: null, noised: false };
  }

  private stageCounts(run: SecureRun): FlSecAggStage[] {
    const threshold = run.server.config.threshold;
    return run.server.reports.map((rep) => ({ stage: rep.stage, asked: rep.asked, answered: rep.answered, dropped: rep.dropped.length, rejected: rep.rejected, threshold }));
  }

  // Bookkeeping.

  private secureConfig(spec: RoundSpec, clients: number, check: boolean): { numShares: number; threshold: number } {
    const numShares = spec.numShares ?? (clients >= 5 ? 5 : 3);
    const eff = effectiveShareCount(clients, numShares);
    const threshold = spec.threshold ?? Math.max(2, Math.min(eff, Math.floor(eff / 2) + 1));
    if (check) {
      // The SecAgg+ server checks the whole configuration; a bad one is a bad request, nothing written.
      const ids = Array.from({ length: Math.max(clients, spec.selectCount, 2) }, (_, i) => `c${i}`);
      new SecAggServer({ roundId: spec.id, clientIds: ids, paramCount: spec.paramCount, numShares, threshold });
    }
    return { numShares, threshold };
  }

  private async rollout(r: StoredRound, kind: 'promote' | 'rollback', modelId: string, shape: RolloutShape): Promise<FlRound> {
    const created = await this.o.createRollout({ modelId, selector: r.spec.selector, ...shape });
    const entry = { id: created.id, kind, modelId, at: new Date().toISOString() };
    this.store.annotate(r.spec.id, { rollouts: [...r.state.rollouts, entry] }, { deviceId: null, kind: 'phase', detail: `${kind === 'promote' ? 'Promoted' : 'Rolled back'}: rollout ${created.id} of ${modelId} to ${r.spec.selector}` });
    this.audit(`fl.round-${kind}`, r.spec.id, { rollout: created.id, modelId }, 'succeeded', null, this.o.actor);
    this.o.bus.emit('fl.changed', { id: r.spec.id, phase: r.state.phase });
    return this.get(r.spec.id);
  }

  /** Moves the round from `from`; false when it had already left `from` (aborted meanwhile). */
  private move(spec: RoundSpec, from: FlPhase, patch: Partial<RoundState>, detail?: string): boolean {
    const to = patch.phase ?? from;
    const text = detail ?? (patch.reason ? `${to}: ${patch.reason}` : to);
    const ok = this.store.update(spec.id, from, patch, { deviceId: null, kind: 'phase', detail: to === from ? text : `${from} → ${to}: ${text}` });
    if (!ok) return false;
    this.o.bus.emit('fl.changed', { id: spec.id, phase: to });
    if (isFinal(to) && to !== 'aborted') this.audit(`fl.round-${to}`, spec.id, { from }, to === 'registered' ? 'succeeded' : 'failed', patch.reason ?? null);
    return true;
  }

  private event(spec: RoundSpec, phase: FlPhase, detail: string, deviceId: string | null = null, kind: 'phase' | 'rejected' = 'phase'): void {
    const row = deviceId ? this.store.devices(spec.id).find((d) => d.deviceId === deviceId) : null;
    if (row) this.store.device(spec.id, phase, row, { deviceId, kind, detail });
    else this.store.update(spec.id, phase, {}, { deviceId, kind, detail });
  }

  private audit(action: string, id: string, params: unknown, outcome: AuditOutcome, detail: string | null, actor = 'engine'): void {
    try {
      this.o.audit.append({ actor, action, target: `fl-round:${id}`, params, outcome, detail });
    } catch (err) {
      process.stderr.write(`edgefleet: audit log write failed: ${(err as Error).message}\n`);
    }
  }

  private summary(r: StoredRound): FlRoundSummary {
    return {
      id: r.spec.id,
      modelId: r.spec.modelId,
      modelName: r.spec.modelName,
      phase: r.state.phase,
      reason: r.state.reason,
      aggregation: r.spec.aggregation,
      secure: r.spec.secure,
      selectCount: r.spec.selectCount,
      participants: r.state.participantIds.length,
      droppedCount: r.state.dropped.length,
      candidateModelId: r.state.candidateModelId,
      lossBefore: r.state.lossBefore,
      lossAfter: r.state.lossAfter,
      privacy: r.state.privacy ?? null,
      createdAt: r.createdAt,
      updatedAt: r.updatedAt,
      finishedAt: r.state.finishedAt,
    };
  }

  private view(r: StoredRound): FlRound {
    return {
      ...this.summary(r),
      selector: r.spec.selector,
      minClients: r.spec.minClients,
      overSelect: r.spec.overSelect,
      deadlineMs: r.spec.deadlineMs,
      deadlineAt: r.spec.deadlineAt,
      config: r.spec.config,
      numShares: r.spec.numShares,
      threshold: r.spec.threshold,
      participantIds: r.state.participantIds,
      dropped: r.state.dropped,
      devices: this.store.devices(r.spec.id),
      events: this.store.events(r.spec.id),
      rollouts: r.state.rollouts,
      driver: this.store.holder(r.spec.id),
      secagg: r.state.secagg ?? [],
      limits: r.spec.limits ?? defaultLimits,
    };
  }
}
