// Bench only: a simulated device behind the real MQTT binding. It answers the message model's
// operations through dispatchRequest (so every request is validated by the real schemas), pins the
// console key at pairing, checks manifest signatures and release counters with the real code, and
// hashes uploads (chunks, or an HTTP pull for upload-fetch) without keeping a byte. No model runs:
// health is ok unless the manifest's name contains "bad". It counts activations per sha256, so the
// bench can prove that no device deployed the same artifact twice.
import { EventEmitter } from 'node:events';
import { createHash, createPublicKey, randomBytes, randomUUID, type Hash, type KeyObject } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { AppError } from '../../resources/device-protocol/error-data.js';
import { dispatchRequest, type DeviceHandler, type DeviceHandlers, type RequestContext } from '../../resources/device-protocol/device-handler.js';
import { canonicalJson } from '../../resources/device-protocol/canonical-json.js';
import { releaseOf, verifyManifest } from '../../resources/device-protocol/manifest.js';
import type { DeviceEvent, DeviceOp, DeviceResponse, DeviceStatus, HealthReport, Manifest, SignedManifest, SlotId, TelemetrySummary, TrialInfo, UploadStatus } from '../../resources/device-protocol/messages.js';
import type { ProfileResult } from '../../resources/device-protocol/profile-result.js';
import { checkRelease } from '../../resources/agent/src/release-guard.js';
import type { PairedConsole } from '../../resources/agent/src/mqtt-binding.js';

export interface SimDeviceOptions {
  /** Keep-alive agents for upload-fetch, shared by the devices of one host process. */
  httpAgent?: http.Agent;
  httpsAgent?: https.Agent;
}

interface Upload {
  signed: SignedManifest;
  offset: number;
  hash: Hash;
  complete: boolean;
}

const codeAlphabet = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

export class SimDevice extends EventEmitter<{ event: [DeviceEvent] }> implements DeviceHandler, PairedConsole {
  readonly deviceId = `ef-${randomUUID()}`;
  readonly pairingCode = Array.from(randomBytes(8), (b) => codeAlphabet[b % codeAlphabet.length]).join('');
  /** How many times each sha256 went on trial here. */
  readonly activations = new Map<string, number>();
  /** Requests per operation that reached the device (valid or not). */
  readonly ops = new Map<string, number>();
  consolePublicKey: KeyObject | null = null;
  consoleName: string | null = null;
  private codeUsed = false;
  private slots: Record<SlotId, Manifest | null> = { a: null, b: null };
  private active: SlotId | null = null;
  private previous: SlotId | null = null;
  private trial: TrialInfo | null = null;
  private upload: Upload | null = null;
  private release = 0;
  private lastHealth: HealthReport | null = null;
  private lastEvent: DeviceStatus['lastEvent'] = null;
  private trialTimer: NodeJS.Timeout | null = null;
  private telemetrySeq = 0;
  private readonly handlers: DeviceHandlers;

  constructor(
    readonly name: string,
    private readonly o: SimDeviceOptions = {},
  ) {
    super();
    this.handlers = {
      pair: async (req) => {
        if (this.codeUsed || req.code.trim().toUpperCase() !== this.pairingCode) {
          throw new AppError('PAIRING_CODE_INVALID', 'Wrong pairing code', 'The code is wrong or was already used.');
        }
        const key = createPublicKey(req.consolePublicKey);
        if (key.asymmetricKeyType !== 'ed25519') throw new AppError('PAIRING_KEY_INVALID', 'Wrong kind of console key', `consolePublicKey is ${key.asymmetricKeyType}; it must be ed25519.`);
        this.codeUsed = true;
        this.consolePublicKey = key;
        this.consoleName = req.consoleName;
        return { deviceId: this.deviceId, token: randomBytes(32).toString('base64url'), certFingerprint: createHash('sha256').update(this.deviceId).digest('hex') };
      },
      report: async () => {
        throw new AppError('NOT_FOUND', 'No reports here', 'The simulated device does not sign reports (it has no TLS key).');
      },
      energy: async () => {
        throw new AppError('ENERGY_UNAVAILABLE', 'Energy not available on this device', 'The simulated device has no energy counter.');
      },
      'fl-train': async () => {
        throw new AppError('FL_NO_DATA', 'No local training data', 'The simulated device holds no sensor data to train on (its info does not list fl-train1).');
      },
      'fl-secagg': async () => {
        throw new AppError('FL_NOT_TRAINED', 'No secure round here', 'The simulated device trains no rounds, so it has no SecAgg+ client to answer.');
      },
      'fl-evaluate': async () => {
        throw new AppError('FL_NO_DATA', 'No local evaluation data', 'The simulated device holds no sensor data to evaluate on.');
      },
      info: async () => ({
        deviceId: this.deviceId,
        name: this.name,
        agentVersion: 'sim',
        arch: 'x64',
        platform: 'linux',
        cpu: 'simulated',
        cores: 1,
        totalMemoryBytes: 512 * 2 ** 20,
        runtime: { name: 'simulated', version: '0' },
        consoleName: this.consoleName,
        servePort: null,
      }),
      status: async () => this.status(),
      telemetry: async () => ({ current: this.telemetry(), history: [] }),
      'upload-begin': async (req) => this.begin(req),
      'upload-chunk': async (req) => this.append(req.offset, req.data),
      'upload-status': async () => ({ upload: this.uploadStatus() }),
      'upload-fetch': async (req) => {
        const begun = await this.begin(req.signed);
        if (begun.complete) return begun;
        if (begun.offset !== 0) this.upload = { ...this.upload!, offset: 0, hash: createHash('sha256') }; // no Range resume: from the start
        return this.fetchInto(req.url);
      },
      activate: async (req) => this.activate(req),
      confirm: async (req) => {
        if (!this.trial) throw new AppError('NOT_IN_TRIAL', 'Nothing to confirm', 'No model is on trial on this device.');
        const onTrial = this.slots[this.trial.slot];
        if (req.expectTrialSha256 && onTrial?.sha256 !== req.expectTrialSha256) throw preconditionFailed('confirm', `${onTrial?.name} is on trial, not ${req.expectTrialSha256.slice(0, 12)}…`);
        this.endTrial('confirmed', `${onTrial?.name} was confirmed by the console.`);
        return this.status();
      },
      rollback: async (req) => {
        const active = this.active ? this.slots[this.active] : null;
        if (req.ifActiveSha256 && active?.sha256 !== req.ifActiveSha256) throw preconditionFailed('rollback', `${active?.name ?? 'no model'} is active, not ${req.ifActiveSha256.slice(0, 12)}…`);
        if (this.trial) this.revert('rolled-back', `${active?.name} was rolled back during its trial.`);
        else {
          if (!this.previous || !this.slots[this.previous]) throw new AppError('NO_PREVIOUS_MODEL', 'Nothing to roll back to', 'This device keeps no previous model.');
          [this.active, this.previous] = [this.previous, this.active];
          this.lastEvent = event('rolled-back', `Rolled back to ${this.slots[this.active!]?.name}.`);
          this.changed();
        }
        return this.status();
      },
      profile: async (req) => this.profile(req.runs, req.warmup, req.threads),
    };
  }

  handle<Op extends DeviceOp>(op: Op, request: unknown, ctx: RequestContext = {}): Promise<DeviceResponse<Op>> {
    this.ops.set(op, (this.ops.get(op) ?? 0) + 1);
    return dispatchRequest(this.handlers, op, request, ctx);
  }

  status(): DeviceStatus {
    const info = (slot: SlotId | null) => (slot && this.slots[slot] ? { slot, manifest: this.slots[slot]! } : null);
    return {
      deviceId: this.deviceId,
      state: this.trial ? 'trial' : this.active ? 'running' : 'empty',
      active: info(this.active),
      previous: info(this.previous),
      trial: this.trial,
      upload: this.uploadStatus(),
      lastHealth: this.lastHealth,
      lastEvent: this.lastEvent,
      release: this.release,
    };
  }

  /** Publishes a telemetry summary (the host calls this on a timer, as the agent's main.ts does). */
  tick(): void {
    this.emit('event', { type: 'telemetry', payload: this.telemetry() });
  }

  close(): void {
    if (this.trialTimer) clearTimeout(this.trialTimer);
    this.trialTimer = null;
  }

  private telemetry(): TelemetrySummary {
    const m = this.active ? this.slots[this.active] : null;
    return {
      seq: ++this.telemetrySeq,
      at: new Date().toISOString(),
      windowSec: 30,
      requests: 0,
      errors: 0,
      windowRequests: 0,
      windowErrors: 0,
      latencyMs: null,
      histogram: { boundsMs: [1, 10, 100, 1000], counts: [0, 0, 0, 0, 0] },
      confidence: null,
      rssBytes: 40 * 2 ** 20,
      cpuPercent: 1,
      loadAvg1: 0.1,
      temperatureC: null,
      model: m ? { name: m.name, version: m.version } : null,
      state: this.trial ? 'trial' : this.active ? 'running' : 'empty',
    };
  }

  private uploadStatus(): UploadStatus | null {
    const u = this.upload;
    return u ? { manifest: u.signed.manifest, offset: u.offset, size: u.signed.manifest.size, complete: u.complete } : null;
  }

  private async begin(signed: SignedManifest): Promise<UploadStatus> {
    if (!this.consolePublicKey || !verifyManifest(this.consolePublicKey, signed.manifest, signed.signature)) {
      this.upload = null;
      throw new AppError('MANIFEST_SIGNATURE_INVALID', 'Manifest signature does not verify', 'The manifest is unsigned, was changed after signing, or was signed by a console this device is not paired with. Nothing was stored.');
    }
    checkRelease(signed.manifest, { deviceId: this.deviceId, release: this.release });
    if (this.upload && canonicalJson(this.upload.signed) === canonicalJson(signed)) return this.uploadStatus()!;
    this.upload = { signed, offset: 0, hash: createHash('sha256'), complete: false };
    if (signed.manifest.size === 0) this.finish();
    this.changed();
    return this.uploadStatus()!;
  }

  private append(offset: number, data: Uint8Array): UploadStatus {
    const u = this.upload;
    if (!u) throw new AppError('UPLOAD_NOT_STARTED', 'No upload in progress', 'Send upload-begin with a signed manifest first.');
    if (u.complete) return this.uploadStatus()!;
    if (offset !== u.offset) throw new AppError('UPLOAD_OFFSET_MISMATCH', 'Chunk at the wrong offset', `The device holds ${u.offset} bytes but the chunk starts at ${offset}. Ask upload-status and resume from its offset.`);
    if (u.offset + data.byteLength > u.signed.manifest.size) {
      this.upload = null;
      throw new AppError('UPLOAD_TOO_LONG', 'Artifact longer than its manifest', `The manifest says ${u.signed.manifest.size} bytes but the data ends at ${u.offset + data.byteLength}. The upload was discarded.`);
    }
    u.hash.update(data);
    u.offset += data.byteLength;
    if (u.offset === u.signed.manifest.size) this.finish();
    return this.uploadStatus()!;
  }

  private finish(): void {
    const u = this.upload!;
    const actual = u.hash.digest('hex');
    if (actual !== u.signed.manifest.sha256) {
      this.upload = null;
      throw new AppError('ARTIFACT_HASH_MISMATCH', 'Artifact does not match its manifest', `The received bytes hash to ${actual.slice(0, 16)}… but the signed manifest says ${u.signed.manifest.sha256.slice(0, 16)}…. The upload was discarded; upload it again.`);
    }
    u.complete = true;
    this.changed();
  }

  /** Streams the artifact from `url` through the hash; only the digest is kept. */
  private fetchInto(url: string): Promise<UploadStatus> {
    const u = this.upload!;
    const size = u.signed.manifest.size;
    const secure = url.startsWith('https:');
    return new Promise((resolve, reject) => {
      const fail = (code: string, title: string, detail: string) => {
        this.upload = null;
        reject(new AppError(code, title, detail));
      };
      const req = (secure ? https : http).get(url, { agent: secure ? this.o.httpsAgent : this.o.httpAgent }, (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          return fail('ARTIFACT_FETCH_FAILED', 'Artifact download failed', `${url} answered HTTP ${res.statusCode}.`);
        }
        res.on('data', (chunk: Buffer) => {
          if (u.offset + chunk.byteLength > size) {
            res.destroy();
            return fail('UPLOAD_TOO_LONG', 'Artifact longer than its manifest', `${url} sent more than the manifest's ${size} bytes. The download was discarded.`);
          }
          u.hash.update(chunk);
          u.offset += chunk.byteLength;
        });
        res.on('end', () => {
          if (this.upload !== u) return;
          if (u.offset !== size) return fail('ARTIFACT_SHORT', 'Artifact shorter than its manifest', `${url} ended at ${u.offset} of ${size} bytes.`);
          try {
            this.finish();
            resolve(this.uploadStatus()!);
          } catch (err) {
            reject(err);
          }
        });
        res.on('error', (err) => fail('ARTIFACT_FETCH_FAILED', 'Artifact download failed', `${url}: ${err.message}`));
      });
      req.on('error', (err) => fail('ARTIFACT_FETCH_FAILED', 'Artifact download failed', `${url}: ${err.message}`));
    });
  }

  private activate(req: { healthyWindowSec: number; maxLatencyMs: number; selfTestRuns: number; expectStagedSha256?: string }): DeviceResponse<'activate'> {
    const u = this.upload;
    if (!u?.complete) throw new AppError('UPLOAD_INCOMPLETE', 'No complete upload', 'Upload the whole artifact (upload-begin, upload-chunk) before activating it.');
    const m = u.signed.manifest;
    if (req.expectStagedSha256 && req.expectStagedSha256 !== m.sha256) throw preconditionFailed('activate', `the staged artifact is ${m.name} ${m.version} (sha256 ${m.sha256.slice(0, 12)}…), not ${req.expectStagedSha256.slice(0, 12)}…`);
    if (this.trial) throw new AppError('TRIAL_IN_PROGRESS', 'A trial is running', `${this.slots[this.trial.slot]?.name} is still on trial. Confirm it or roll it back first.`);
    try {
      checkRelease(m, { deviceId: this.deviceId, release: this.release });
    } catch (err) {
      this.upload = null;
      throw err;
    }
    const target: SlotId = this.active === 'a' ? 'b' : 'a';
    this.upload = null;
    this.slots[target] = m;
    this.previous = this.active;
    this.active = target;
    const since = new Date();
    this.trial = { slot: target, since: since.toISOString(), healthyWindowSec: req.healthyWindowSec, deadline: new Date(since.getTime() + req.healthyWindowSec * 1000).toISOString() };
    this.release = Math.max(this.release, releaseOf(m));
    this.activations.set(m.sha256, (this.activations.get(m.sha256) ?? 0) + 1);
    const healthy = !m.name.includes('bad');
    this.lastHealth = { ok: healthy, loaded: true, finite: healthy, runs: req.selfTestRuns, latencyMs: healthy ? 1 : null, maxLatencyMs: req.maxLatencyMs, reason: healthy ? null : 'The simulated model is marked bad.', checkedAt: new Date().toISOString() };
    if (!healthy) {
      this.revert('trial-unhealthy', `${m.name} ${m.version} failed its health check: ${this.lastHealth.reason}`);
      return { outcome: 'reverted', health: this.lastHealth, status: this.status() };
    }
    this.lastEvent = event('trial-started', `${m.name} ${m.version} is on trial in slot ${target}.`);
    if (req.healthyWindowSec > 0) this.trialTimer = setTimeout(() => this.endTrial('auto-confirmed', `${m.name} stayed healthy and was confirmed.`), req.healthyWindowSec * 1000);
    this.changed();
    return { outcome: 'trial', health: this.lastHealth, status: this.status() };
  }

  private endTrial(kind: string, detail: string): void {
    this.close();
    this.trial = null;
    this.lastEvent = event(kind, detail);
    this.changed();
  }

  private revert(kind: string, detail: string): void {
    this.close();
    const slot = this.trial!.slot;
    this.slots[slot] = null;
    this.active = this.previous;
    this.previous = null;
    this.trial = null;
    this.lastEvent = event(kind, detail);
    this.changed();
  }

  private profile(runs: number, warmup: number, threads: number): ProfileResult {
    const current = this.active ? this.slots[this.active] : null;
    if (!current) throw new AppError('NO_MODEL', 'No model deployed', 'Deploy a model before profiling it on the device.');
    const latency = { mean: 1, p50: 1, p95: 1.2, p99: 1.3, min: 0.9, max: 1.5 };
    return {
      id: `sim-${randomBytes(6).toString('hex')}`,
      modelId: null,
      modelName: current.name,
      modelSha256: current.sha256,
      device: { id: this.deviceId, name: this.name, arch: 'x64', platform: 'linux', cpu: 'simulated' },
      runtime: { name: 'simulated', version: '0' },
      options: { runs, warmup, threads, input: 'random' },
      createdAt: new Date().toISOString(),
      latencyMs: latency,
      peakMemoryBytes: 0,
      nodeTimeUs: 900,
      runTimeUs: 1000,
      rows: [],
      opBreakdown: [],
    };
  }

  private changed(): void {
    this.emit('event', { type: 'status', payload: this.status() });
  }
}

function preconditionFailed(op: string, detail: string): AppError {
  return new AppError('PRECONDITION_FAILED', `The device is not in the state the ${op} expects`, `Nothing was changed: ${detail}. Read the device's status and decide again.`);
}

function event(kind: string, detail: string): DeviceStatus['lastEvent'] {
  return { at: new Date().toISOString(), kind, detail };
}
