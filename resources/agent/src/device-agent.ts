// The agent's implementation of the device-side contract (device-protocol/device-handler.ts): one handler
// per operation, whatever binding carried the request.
import { EventEmitter } from 'node:events';
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { AppError } from '../../../electron/core/api/errors.js';
import {
  agentBuildArtifactName,
  agentUpgradeCapability,
  deltaCapability,
  deviceOps,
  energyCapability,
  flTrainCapability,
  reportCapability,
  releaseOf,
  type AgentUpgradeInfo,
  type DeviceEvent,
  type DeviceInfo,
  type DeviceOp,
  type DeviceRequestParsed,
  type DeviceResponse,
  type DeviceState,
  type DeviceStatus,
  type UploadStatus,
} from '../../device-protocol/messages.js';
import { dispatchRequest, type DeviceHandler, type DeviceHandlers, type RequestContext } from '../../device-protocol/device-handler.js';
import { localContext } from '../../../electron/core/jobs/task-types.js';
import { fetchIntoUpload } from './artifact-fetch.js';
import { boardInfo } from './board-info.js';
import type { Deployment } from './deployment.js';
import type { Identity } from './identity.js';
import type { ModelRunner } from './model-runner.js';
import type { Pairing } from './pairing.js';
import type { SerialQueue } from './serial-queue.js';
import type { SlotStore } from './slot-store.js';
import type { Telemetry } from './telemetry.js';
import type { UploadStore } from './upload-store.js';
import { installLayout, runningAgentVersion } from './agent-install.js';
import { defaultTrialSec, upgradeAgent } from './agent-upgrade.js';
import { checkRelease } from './release-guard.js';
import { makeReport } from './device-report.js';
import { buildFeeds, inputSpecs } from '../../../electron/core/profiling/inputs.js';
import { compareEnergy, measureEnergyPerInference } from './energy/energy-compare.js';
import type { ProfileEnergy } from '../../device-protocol/profile-result.js';
import { energyInfo, energySourceOrReason, energySysRoot } from './energy/energy-info.js';
import { FlService } from './federated/fl-service.js';
import { graphOptimization, sessionOptions } from './health-check.js';

export interface AgentParts {
  dataDir: string;
  name: string;
  identity: Identity;
  pairing: Pairing;
  store: SlotStore;
  uploads: UploadStore;
  runner: ModelRunner;
  deployment: Deployment;
  telemetry: Telemetry;
  queue: SerialQueue;
  servePort: number | null;
  /** Extra CA certificates (PEM) for upload-fetch over https (--artifact-ca). */
  artifactCa?: Buffer | null;
  /** Stops the agent cleanly so its supervisor starts the build `current` points at (after an agent upgrade). */
  restart?: () => void;
  /** Local training data for federated rounds (fl-data.ts resolveFlDataFile); absent: <data dir>/fl/data.csv. */
  flDataFile?: string;
}

export class DeviceAgent extends EventEmitter<{ event: [DeviceEvent] }> implements DeviceHandler {
  private readonly handlers: DeviceHandlers;
  private upgrade: AgentUpgradeInfo | null = null;
  private readonly fl: FlService;

  constructor(private readonly p: AgentParts) {
    super();
    this.fl = new FlService({
      deviceId: p.identity.deviceId,
      dataFile: p.flDataFile ?? path.join(p.dataDir, 'fl', 'data.csv'),
      activeModel: () => {
        const current = p.runner.current;
        return current ? { sha256: current.manifest.sha256, path: p.store.modelPath(current.slot) } : null;
      },
    });
    this.handlers = {
      pair: async (req, ctx) => {
        const { token } = await p.pairing.pair(req.code, req.consolePublicKey, req.consoleName, ctx.source);
        return { deviceId: p.identity.deviceId, token, certFingerprint: p.identity.certFingerprint };
      },
      info: async () => this.info(),
      status: async () => this.status(),
      telemetry: async (req) => {
        const current = await p.telemetry.summarize(this.telemetryContext());
        return { current, history: p.telemetry.recent(req.limit ?? 120) };
      },
      'upload-begin': (req) => p.queue.run(() => p.uploads.begin(req, p.pairing.consolePublicKey, { deviceId: p.identity.deviceId, release: p.store.state.release })).finally(() => this.changed()),
      'upload-chunk': (req) => this.appendUpload(() => p.uploads.chunk(req.offset, req.data)),
      'upload-status': async () => ({ upload: p.uploads.status() }),
      // upload-begin's checks come first, so an unsigned or foreign manifest is refused before any
      // byte is requested; the pull then holds the queue like a streamed upload-chunk does.
      'upload-fetch': (req) =>
        p.queue
          .run(async () => {
            const begun = await p.uploads.begin(req.signed, p.pairing.consolePublicKey, { deviceId: p.identity.deviceId, release: p.store.state.release });
            return begun.complete ? begun : await fetchIntoUpload(p.uploads, req.url, { ca: p.artifactCa ?? null });
          })
          .finally(() => this.changed()),
      activate: async (req) => {
        if (p.uploads.status()?.manifest.name === agentBuildArtifactName) return this.upgradeSelf(req.healthyWindowSec, req.expectStagedSha256);
        const { outcome, health } = await p.deployment.activate(req, p.identity.deviceId);
        return { outcome, health, status: this.status() };
      },
      confirm: async (req) => {
        await p.deployment.confirm(req.expectTrialSha256);
        return this.status();
      },
      rollback: async (req) => {
        await p.deployment.rollback(req.ifActiveSha256);
        return this.status();
      },
      report: (req) => makeReport({ dataDir: p.dataDir, identity: p.identity, store: p.store, events: p.store.events, nonce: req.nonce }),
      profile: async ({ staged, expectStagedSha256, energySec, ...req }) => {
        const run = async (modelPath: string, modelName: string) => {
          const tmpDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'edgefleet-profile-'));
          try {
            // Loaded on first use: the profiler's ONNX reader costs start-up time on small devices.
            const { profileModel } = await import('../../../electron/core/profiling/profiler.js');
            const result = await profileModel({ path: modelPath, ...req, graphOptimization: graphOptimization() }, localContext(p.dataDir, tmpDir));
            const energy = energySec ? await this.energyOf(modelPath, energySec) : undefined;
            return { ...result, modelName, device: { ...result.device, id: p.identity.deviceId, name: p.name }, ...(energy ? { energy } : {}) };
          } finally {
            await fsp.rm(tmpDir, { recursive: true, force: true });
          }
        };
        // A staged candidate is profiled where it lies, holding the queue so no upload replaces it meanwhile; nothing is activated.
        if (staged) {
          return p.queue.run(async () => {
            const ready = p.uploads.ready();
            const m = ready.signed.manifest;
            if (m.name === agentBuildArtifactName) {
              throw new AppError('PRECONDITION_FAILED', 'The device is not in the state the profile expects', `Nothing was profiled: the staged upload is agent build ${m.version}, not a model. Upload the model to profile first.`);
            }
            if (expectStagedSha256 && expectStagedSha256 !== m.sha256) {
              throw new AppError('PRECONDITION_FAILED', 'The device is not in the state the profile expects', `Nothing was profiled: the staged artifact is ${m.name} ${m.version} (${m.sha256.slice(0, 12)}…), not ${expectStagedSha256.slice(0, 12)}…. Upload the model to profile again.`);
            }
            return run(ready.path, m.name);
          });
        }
        const current = p.runner.current;
        if (!current) throw new AppError('NO_MODEL', 'No model deployed', 'Deploy a model before profiling it on the device.');
        return run(p.store.modelPath(current.slot), current.manifest.name);
      },
      energy: (req) => p.queue.run(() => this.measureEnergy(req)),
      // Training holds no queue: a deploy may go on meanwhile (the round trains the bytes it started on).
      'fl-train': (req) => this.fl.train(req),
      'fl-secagg': async (req) => this.fl.secagg(req),
      'fl-evaluate': (req) => this.fl.evaluate(req),
    };
  }

  /**
   * activate of a staged agent build: checks and switches to it (agent-upgrade.ts), answers 'trial',
   * then exits so run.sh starts the new build. The release counter is raised like a model's trial.
   */
  private upgradeSelf(healthyWindowSec: number, expectStagedSha256?: string): Promise<DeviceResponse<'activate'>> {
    return this.p.queue.run(async () => {
      const staged = this.p.uploads.ready();
      if (expectStagedSha256 && expectStagedSha256 !== staged.signed.manifest.sha256) {
        throw new AppError('PRECONDITION_FAILED', 'The device is not in the state the activate expects', `Nothing was changed: the staged artifact is agent build ${staged.signed.manifest.version}, not ${expectStagedSha256.slice(0, 12)}…. Read the device's status and decide again.`);
      }
      const s = this.p.store.state;
      try {
        checkRelease(staged.signed.manifest, { deviceId: this.p.identity.deviceId, release: s.release });
        const trialSec = healthyWindowSec > 0 ? healthyWindowSec : defaultTrialSec;
        const done = await upgradeAgent({ staged, consoleKey: this.p.pairing.consolePublicKey, trialSec });
        await this.p.store.commit({ ...s, release: Math.max(s.release, releaseOf(staged.signed.manifest)) });
        this.upgrade = { outcome: 'trial', from: done.from, to: done.to, reason: null, at: new Date().toISOString() };
        await this.p.uploads.clear();
        setTimeout(() => this.p.restart?.(), 200).unref();
        return { outcome: 'trial' as const, health: done.health, status: this.status() };
      } catch (err) {
        await this.p.uploads.clear();
        throw err;
      }
    });
  }

  /** The last agent upgrade, as the install folder records it (main.ts, once settled at start). */
  setAgentUpgrade(info: AgentUpgradeInfo | null): void {
    this.upgrade = info;
    this.changed();
  }

  /** Validates a request against its operation's schema and runs its operation. */
  async handle<Op extends DeviceOp>(op: Op, request: unknown, ctx: RequestContext = {}): Promise<DeviceResponse<Op>> {
    return dispatchRequest(this.handlers, op, request, ctx);
  }

  /**
   * upload-chunk in streaming form, for transports that carry the data as a byte stream (the HTTPS
   * body): `source` is written from `offset` as it arrives. The response is upload-chunk's.
   */
  async uploadStream(offset: number, source: AsyncIterable<Uint8Array>): Promise<DeviceResponse<'upload-chunk'>> {
    if (!Number.isSafeInteger(offset) || offset < 0) throw new AppError('REQUEST_INVALID', 'Invalid upload-chunk request', 'offset: must be a non-negative integer');
    return deviceOps['upload-chunk'].response.parse(await this.appendUpload(() => this.p.uploads.stream(offset, source)));
  }

  private appendUpload(append: () => Promise<UploadStatus>): Promise<UploadStatus> {
    return this.p.queue.run(async () => {
      const before = this.p.uploads.status()?.complete;
      try {
        return await append();
      } finally {
        if (this.p.uploads.status()?.complete !== before) this.changed();
      }
    });
  }

  info(): DeviceInfo {
    return {
      deviceId: this.p.identity.deviceId,
      name: this.p.name,
      agentVersion: runningAgentVersion(),
      arch: process.arch,
      platform: process.platform,
      cpu: os.cpus()[0]?.model ?? 'unknown',
      cores: os.cpus().length,
      totalMemoryBytes: os.totalmem(),
      runtime: { name: 'onnxruntime-node', version: ort.env.versions.node ?? ort.env.versions.common },
      consoleName: this.p.pairing.consoleName,
      servePort: this.p.servePort,
      board: boardInfo(),
      capabilities: [deltaCapability, reportCapability, energyCapability, ...(installLayout() ? [agentUpgradeCapability] : []), ...(this.fl.hasData() ? [flTrainCapability] : [])],
      // Read on every call: a udev rule or a hot-plugged battery can change the answer while the agent runs.
      energy: energyInfo(energySysRoot()),
    };
  }

  /** Energy per inference of one model for a profile, or why there is none. */
  private async energyOf(modelPath: string, seconds: number): Promise<ProfileEnergy> {
    const found = energySourceOrReason();
    if (!found.source) return { available: false, reason: found.reason };
    const session = await ort.InferenceSession.create(modelPath, sessionOptions);
    try {
      const feeds = await buildFeeds(inputSpecs(session));
      return await measureEnergyPerInference(found.source, async () => void (await session.run(feeds)), { seconds });
    } finally {
      await session.release();
    }
  }

  /** The `energy` operation: which two models, then compareEnergy over sessions of both (energy-compare.ts). */
  private async measureEnergy(req: DeviceRequestParsed<'energy'>): Promise<DeviceResponse<'energy'>> {
    const { store, uploads, runner } = this.p;
    // The board first: without a counter no state of the slots makes a measurement possible.
    const found = energySourceOrReason();
    if (!found.source) throw new AppError('ENERGY_UNAVAILABLE', 'Energy not available on this device', found.reason);
    const current = runner.current;
    const notThere = (detail: string) => new AppError('PRECONDITION_FAILED', 'The device is not in the state the energy measurement expects', `Nothing was measured: ${detail}`);
    if (!current) throw new AppError('NO_MODEL', 'No model deployed', 'Deploy a model before measuring its energy on the device.');
    let baseline: { sha256: string; path: string };
    let candidate: { sha256: string; path: string };
    if (req.candidate === 'staged') {
      const ready = uploads.ready();
      const m = ready.signed.manifest;
      if (m.name === agentBuildArtifactName) throw notThere(`the staged upload is agent build ${m.version}, not a model.`);
      candidate = { sha256: m.sha256, path: ready.path };
      baseline = { sha256: current.manifest.sha256, path: store.modelPath(current.slot) };
    } else {
      const prev = store.info(store.state.previous);
      if (!prev || !store.state.previous) throw notThere('the device has no previous model to compare the active one with. Measure a staged candidate against the active model instead (candidate: staged).');
      candidate = { sha256: current.manifest.sha256, path: store.modelPath(current.slot) };
      baseline = { sha256: prev.manifest.sha256, path: store.modelPath(store.state.previous) };
    }
    if (req.expectCandidateSha256 && req.expectCandidateSha256 !== candidate.sha256) throw notThere(`the candidate is ${candidate.sha256.slice(0, 12)}…, not ${req.expectCandidateSha256.slice(0, 12)}….`);
    const sessions = await Promise.all([baseline, candidate].map((m) => ort.InferenceSession.create(m.path, sessionOptions)));
    try {
      const [b, c] = sessions;
      const feeds = await Promise.all(sessions.map((s) => buildFeeds(inputSpecs(s))));
      return await compareEnergy(
        found.source,
        { baseline: async () => void (await b.run(feeds[0])), candidate: async () => void (await c.run(feeds[1])) },
        { seconds: req.seconds, pairs: req.pairs, idleSec: req.idleSec },
        { baselineSha256: baseline.sha256, candidateSha256: candidate.sha256 },
      );
    } finally {
      await Promise.all(sessions.map((s) => s.release()));
    }
  }

  status(): DeviceStatus {
    const s = this.p.store.state;
    return {
      deviceId: this.p.identity.deviceId,
      state: this.state(),
      active: this.p.store.info(s.active),
      previous: this.p.store.info(s.previous),
      trial: s.trial,
      upload: this.p.uploads.status(),
      lastHealth: this.p.deployment.lastHealth,
      lastEvent: s.lastEvent,
      release: s.release,
      ...(this.upgrade ? { agentUpgrade: this.upgrade } : {}),
    };
  }

  state(): DeviceState {
    const s = this.p.store.state;
    return s.trial ? 'trial' : s.active ? 'running' : 'empty';
  }

  telemetryContext(): { model: { name: string; version: string } | null; state: DeviceState } {
    const m = this.p.runner.current?.manifest;
    return { model: m ? { name: m.name, version: m.version } : null, state: this.state() };
  }

  /** Summarizes telemetry and pushes it to subscribers; main.ts calls this on a timer. */
  async tick(): Promise<void> {
    const payload = await this.p.telemetry.summarize(this.telemetryContext());
    this.emit('event', { type: 'telemetry', payload });
  }

  changed(): void {
    this.emit('event', { type: 'status', payload: this.status() });
  }
}
