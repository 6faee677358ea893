// Times optimize candidates on a paired device through its agent's profiler, in the optimize job's
// worker. Each model goes to the device as an ordinary signed artifact into staging (the deploy's own
// upload, with resume and retries: deployToDevice without activation), then `profile {staged: true}`
// measures it there. Nothing is activated: the active model keeps serving, and the last candidate
// sent stays staged. The same bytes are sent and profiled once per job.
import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { AppError } from '../api/errors.js';
import type { DeviceTimingCost, ProfileResult, TimingSource } from '../api/types.js';
import type { BoardInfo, DeviceStatus, Manifest } from '../../../resources/device-protocol/messages.js';
import type { ErrorData } from '../../../resources/device-protocol/error-data.js';
import type { DeviceLink } from '../../../resources/device-protocol/device-link.js';
import { readConsoleKey } from '../devices/console-key.js';
import { deployToDevice } from '../devices/deploy-device.js';
import { deviceError } from '../devices/device-errors.js';
import { openLink } from '../devices/open-link.js';
import { signFor } from '../devices/release-counter.js';
import type { DeviceCredentials } from '../registry/device-store.js';
import type { LatencyOracle, ModelTiming } from './latency-oracle.js';

/** What the main thread resolved about the target device (see device-target.ts); plain data for the worker. */
export interface DeviceTimingTarget {
  device: DeviceCredentials;
  /** The console key that signs the candidates' manifests. */
  keyPath: string;
  /** A release the console's counter gave this job: candidates are signed under it (they are never activated). */
  release: number;
  /** The manifests' name ("mobilenetv2-digits-candidate"). */
  manifestName: string;
  /** The board from the device's info; null when it reports none. */
  board: BoardInfo | null;
  /** Timed runs per model on the device (after a warm-up of a tenth of them). */
  runs?: number;
  /** Also energy per inference of each model, over this many seconds of load (profile energySec). */
  energySec?: number;
}

export function deviceSource(t: DeviceTimingTarget, profile?: ProfileResult): TimingSource {
  const level = profile?.options.graphOptimization;
  const runtime = profile
    ? `${profile.runtime.name} ${profile.runtime.version}${level && level !== 'all' ? `, graph optimization ${level}` : ''}`
    : t.board
      ? `onnxruntime ${t.board.onnxruntime.version}`
      : 'unknown';
  return {
    kind: 'device',
    deviceId: t.device.id,
    deviceName: t.device.name,
    cpu: t.board?.cpu ?? profile?.device.cpu ?? 'unknown CPU',
    cpuFeatures: t.board?.cpuFeatures ?? [],
    runtime,
    board: t.board?.model ?? null,
  };
}

/** Timing from a device profile: the plain pass's percentiles, the profiled pass's rows. */
export function timingOf(p: ProfileResult): ModelTiming {
  return {
    modelSha256: p.modelSha256,
    p50Ms: p.latencyMs.p50,
    p95Ms: p.latencyMs.p95,
    meanMs: p.latencyMs.mean,
    peakBytes: Number.isFinite(p.peakMemoryBytes) && p.peakMemoryBytes > 0 ? p.peakMemoryBytes : null,
    perLayer: p.rows,
  };
}

/** A device timer; `profileOf` gives the whole device profile behind a timing (by the model's sha256), to store it. */
export function deviceTimer(t: DeviceTimingTarget, scratchDir: string): LatencyOracle & { profileOf(sha256: string): ProfileResult | undefined } {
  const key = readConsoleKey(t.keyPath);
  const runs = t.runs ?? 30;
  let link: DeviceLink | null = null;
  let status: DeviceStatus | null = null;
  let staged: string | null = null;
  let source = deviceSource(t);
  const timings = new Map<string, ModelTiming>();
  const profiles = new Map<string, ProfileResult>();
  const spent: DeviceTimingCost = { uploads: 0, bytesSent: 0, profiles: 0, deviceMs: 0 };
  const where = () => `${t.device.name} (${t.device.id})`;

  const open = async (): Promise<DeviceLink> => {
    if (link) return link;
    link = openLink(t.device, 15 * 60_000);
    status = await link.call('status').catch((err: unknown) => {
      throw deviceError(err, link!.where);
    });
    return link;
  };

  const upload = async (bytes: Uint8Array, sha256: string, signal?: AbortSignal): Promise<void> => {
    if (staged === sha256) return;
    const l = await open();
    const t0 = performance.now();
    const file = path.join(scratchDir, `device-candidate-${sha256.slice(0, 16)}.onnx`);
    await fsp.writeFile(file, bytes);
    const manifest: Manifest = { name: t.manifestName, version: `candidate-${sha256.slice(0, 12)}`, sha256, size: bytes.byteLength, release: t.release, created: new Date().toISOString() };
    const signed = signFor(key.privateKey, manifest, { deviceId: t.device.id, status, downgrade: false });
    let error: ErrorData | null = null;
    try {
      const outcome = await deployToDevice(l, { artifactPath: file, signed, activate: false, confirm: false, signal: signal ?? new AbortController().signal }, (patch) => {
        if (patch.error) error = patch.error;
      });
      if (outcome.phase === 'failed') {
        const e = error as ErrorData | null;
        throw new AppError(e?.code ?? 'DEVICE_UPLOAD_FAILED', `Could not send the candidate to ${t.device.name}`, `${e?.detail ?? 'The upload failed.'} Nothing was activated on ${where()}.`);
      }
    } finally {
      await fsp.rm(file, { force: true });
      spent.deviceMs += performance.now() - t0;
    }
    staged = sha256;
    spent.uploads++;
    spent.bytesSent += bytes.byteLength;
  };

  const bytesOf = async (model: string | Uint8Array) => {
    const bytes = typeof model === 'string' ? new Uint8Array(await fsp.readFile(model)) : model;
    return { bytes, sha256: createHash('sha256').update(bytes).digest('hex') };
  };

  return {
    get source() {
      return source;
    },
    async time(model, signal) {
      const { bytes, sha256 } = await bytesOf(model);
      const known = timings.get(sha256);
      if (known) return known;
      await upload(bytes, sha256, signal);
      const l = await open();
      let p: ProfileResult;
      const t0 = performance.now();
      try {
        p = await l.call('profile', { runs, warmup: Math.max(2, Math.ceil(runs / 10)), staged: true, expectStagedSha256: sha256, ...(t.energySec ? { energySec: t.energySec } : {}) });
      } catch (err) {
        throw deviceError(err, l.where);
      } finally {
        spent.deviceMs += performance.now() - t0;
      }
      spent.profiles++;
      // An agent from before staged profiles ignores the flag and profiles its active model.
      if (p.modelSha256 !== sha256) {
        throw new AppError('DEVICE_PROFILE_STAGED_UNSUPPORTED', `${t.device.name} cannot profile a staged model`, `${where()} profiled its active model instead of the candidate: its agent predates staged profiles. Upgrade the agent (edgefleet agent upgrade), or time on this workstation (leave out --device).`);
      }
      source = deviceSource(t, p);
      const timing = timingOf(p);
      timings.set(sha256, timing);
      profiles.set(sha256, p);
      return timing;
    },
    profileOf(sha256) {
      return profiles.get(sha256);
    },
    cost() {
      return { ...spent, deviceMs: Math.round(spent.deviceMs) };
    },
    async stage(model, signal) {
      const { bytes, sha256 } = await bytesOf(model);
      await upload(bytes, sha256, signal);
    },
    async close() {
      const l = link as DeviceLink | null;
      link = null;
      if (l) await l.close();
    },
  };
}
