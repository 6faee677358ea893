// Trial activation after MCUboot's test/confirm: a new model goes to the inactive slot and runs on
// trial; an unhealthy trial, a rollback, or a restart before confirmation returns to the previous slot.
// Each step is one atomic state.json commit, so the device survives being killed between any two.
import * as ort from 'onnxruntime-node';
import { AppError } from '../../../electron/core/api/errors.js';
import { releaseOf } from '../../device-protocol/manifest.js';
import type { DeviceRequestParsed, HealthReport, Manifest, SlotId } from '../../device-protocol/messages.js';
import { crashPoint } from './crash-points.js';
import { checkRelease } from './release-guard.js';
import { checkModel, selfTest, sessionOptions } from './health-check.js';
import type { ModelRunner } from './model-runner.js';
import { SerialQueue } from './serial-queue.js';
import { otherSlot, type SlotState, type SlotStore } from './slot-store.js';
import type { Telemetry } from './telemetry.js';
import type { UploadStore } from './upload-store.js';

type ActivateRequest = DeviceRequestParsed<'activate'>;

interface TrialWatch {
  since: string;
  timer: NodeJS.Timeout | null;
  requestsAtStart: number;
  errorsAtStart: number;
  bounds: { maxLatencyMs: number; runs: number };
}

export class Deployment {
  lastHealth: HealthReport | null = null;
  private watch: TrialWatch | null = null;

  constructor(
    private readonly store: SlotStore,
    private readonly uploads: UploadStore,
    private readonly runner: ModelRunner,
    private readonly telemetry: Telemetry,
    private readonly queue: SerialQueue,
    private readonly onChange: () => void,
  ) {}

  /** Recovery at start: an unconfirmed trial is reverted, and an active slot that no longer loads gives way to the previous one. */
  async start(): Promise<void> {
    let s = this.store.state;
    if (s.trial) {
      const name = describe(s, s.trial.slot);
      s = reverted(s, 'reverted-at-start', `The agent restarted before ${name} was confirmed; back to ${describe(s, s.previous)}.`);
      await this.store.commit(s);
    }
    while (s.active) {
      const session = await tryLoad(this.store.modelPath(s.active));
      if (session) {
        await this.runner.swap({ slot: s.active, manifest: s.slots[s.active]!, session });
        return;
      }
      const bad = s.active;
      s = {
        ...s,
        active: s.previous,
        previous: null,
        slots: { ...s.slots, [bad]: null },
        lastEvent: event('active-unloadable', `${describe(s, bad)} no longer loads; switched to ${describe(s, s.previous)}.`),
      };
      await this.store.commit(s);
    }
  }

  /** Puts the staged artifact on trial; `deviceId` is this device's, which a signed downgrade must name. */
  activate(req: ActivateRequest, deviceId: string): Promise<{ outcome: 'trial' | 'reverted'; health: HealthReport }> {
    return this.queue.run(async () => {
      const { signed } = this.uploads.ready();
      if (req.expectStagedSha256 && req.expectStagedSha256 !== signed.manifest.sha256) {
        throw preconditionFailed('activate', `the staged artifact is ${signed.manifest.name} ${signed.manifest.version} (sha256 ${signed.manifest.sha256.slice(0, 12)}…), not ${req.expectStagedSha256.slice(0, 12)}…`);
      }
      let s = this.store.state;
      if (s.trial) {
        throw new AppError('TRIAL_IN_PROGRESS', 'A trial is running', `${describe(s, s.trial.slot)} is still on trial. Confirm it or roll it back first.`);
      }
      try {
        // Again here: a staged artifact may predate the release that now runs (upload-begin checked an older counter).
        checkRelease(signed.manifest, { deviceId, release: s.release });
      } catch (err) {
        await this.uploads.clear(); // it can never be activated
        throw err instanceof AppError ? new AppError(err.code, err.title, `${err.detail} The staged artifact was discarded.`) : err;
      }
      const target = otherSlot(s.active);
      if (s.slots[target] || s.previous === target) {
        s = { ...s, previous: s.previous === target ? null : s.previous, slots: { ...s.slots, [target]: null } };
        await this.store.commit(s);
      }
      crashPoint('activate:slot-released');
      await this.uploads.install(this.store.modelPath(target));
      crashPoint('activate:installed');
      const since = new Date();
      s = {
        ...s,
        active: target,
        previous: s.active,
        trial: {
          slot: target,
          since: since.toISOString(),
          healthyWindowSec: req.healthyWindowSec,
          deadline: new Date(since.getTime() + req.healthyWindowSec * 1000).toISOString(),
        },
        // The slot holds the whole model: how its bytes travelled (a delta) is no part of what it is.
        slots: { ...s.slots, [target]: withoutDelta(signed.manifest) },
        // Accepted from here on, whatever the trial's outcome: this release cannot be sent again.
        release: Math.max(s.release, releaseOf(signed.manifest)),
        lastEvent: event('trial-started', `${signed.manifest.name} ${signed.manifest.version} is on trial in slot ${target}${signed.manifest.downgrade ? ' (a downgrade the console signed for this device)' : ''}.`),
      };
      await this.store.commit(s);
      crashPoint('activate:committed');
      const bounds = { maxLatencyMs: req.maxLatencyMs, runs: req.selfTestRuns };
      const { report, session } = await checkModel(this.store.modelPath(target), bounds);
      crashPoint('activate:checked');
      this.lastHealth = report;
      if (!session) {
        await this.revert('trial-unhealthy', `${signed.manifest.name} ${signed.manifest.version} failed its health check: ${report.reason}`);
        return { outcome: 'reverted', health: report };
      }
      await this.runner.swap({ slot: target, manifest: signed.manifest, session });
      crashPoint('activate:serving');
      this.watchTrial(s.trial!.since, req.healthyWindowSec, bounds);
      this.onChange();
      return { outcome: 'trial', health: report };
    });
  }

  confirm(expectTrialSha256?: string): Promise<void> {
    return this.queue.run(async () => {
      const s = this.store.state;
      if (!s.trial) throw new AppError('NOT_IN_TRIAL', 'Nothing to confirm', 'No model is on trial on this device.');
      const onTrial = s.slots[s.trial.slot];
      if (expectTrialSha256 && onTrial?.sha256 !== expectTrialSha256) throw preconditionFailed('confirm', `${describe(s, s.trial.slot)} is on trial, not ${expectTrialSha256.slice(0, 12)}…`);
      await this.confirmTrial(s, 'confirmed', `${describe(s, s.trial.slot)} was confirmed by the console.`);
    });
  }

  rollback(ifActiveSha256?: string): Promise<void> {
    return this.queue.run(async () => {
      const s = this.store.state;
      const active = s.active ? s.slots[s.active] : null;
      if (ifActiveSha256 && active?.sha256 !== ifActiveSha256) throw preconditionFailed('rollback', `${describe(s, s.active)} is active, not ${ifActiveSha256.slice(0, 12)}…`);
      if (s.trial) {
        await this.revert('rolled-back', `${describe(s, s.trial.slot)} was rolled back during its trial.`);
        return;
      }
      const back = s.previous;
      if (!back || !s.slots[back]) throw new AppError('NO_PREVIOUS_MODEL', 'Nothing to roll back to', 'This device keeps no previous model (it was replaced or failed).');
      const session = await tryLoad(this.store.modelPath(back));
      if (!session) {
        await this.store.commit({ ...s, previous: null, slots: { ...s.slots, [back]: null } });
        throw new AppError('PREVIOUS_MODEL_UNLOADABLE', 'Previous model does not load', `${describe(s, back)} no longer loads; the device stays on ${describe(s, s.active)}.`);
      }
      await this.store.commit({
        ...s,
        active: back,
        previous: s.active,
        lastEvent: event('rolled-back', `Rolled back from ${describe(s, s.active)} to ${describe(s, back)}.`),
      });
      crashPoint('rollback:committed');
      await this.runner.swap({ slot: back, manifest: s.slots[back]!, session });
      this.onChange();
    });
  }

  close(): void {
    if (this.watch?.timer) clearTimeout(this.watch.timer);
    this.watch = null;
  }

  private watchTrial(since: string, windowSec: number, bounds: TrialWatch['bounds']): void {
    this.close();
    const watch: TrialWatch = { since, timer: null, requestsAtStart: this.telemetry.requests, errorsAtStart: this.telemetry.errors, bounds };
    if (windowSec > 0) {
      watch.timer = setTimeout(() => void this.endWindow(watch).catch((err) => console.error('edgefleet-agent: trial window:', err)), windowSec * 1000);
    }
    this.watch = watch;
  }

  /** The healthy window ended: confirm unless served requests mostly failed or the self-test now fails. */
  private endWindow(watch: TrialWatch): Promise<void> {
    return this.queue.run(async () => {
      const s = this.store.state;
      if (!s.trial || s.trial.since !== watch.since || this.watch !== watch) return;
      const requests = this.telemetry.requests - watch.requestsAtStart;
      const errors = this.telemetry.errors - watch.errorsAtStart;
      let problem: string | null = null;
      if (requests >= 5 && errors / requests > 0.5) problem = `${errors} of ${requests} inference requests failed during the trial.`;
      const current = this.runner.current;
      if (!problem && current) {
        try {
          const r = await selfTest(current.session, watch.bounds);
          if (!r.ok) problem = r.reason ?? 'The self-test failed.';
        } catch (err) {
          problem = `The self-test failed: ${err instanceof Error ? err.message : String(err)}`;
        }
      }
      const name = describe(s, s.trial.slot);
      if (problem) await this.revert('trial-unhealthy', `${name} became unhealthy during its trial: ${problem}`);
      else await this.confirmTrial(s, 'auto-confirmed', `${name} stayed healthy for ${s.trial.healthyWindowSec} s and was confirmed.`);
    });
  }

  private async confirmTrial(s: SlotState, kind: string, detail: string): Promise<void> {
    await this.store.commit({ ...s, trial: null, lastEvent: event(kind, detail) });
    crashPoint('confirm:committed');
    this.close();
    this.onChange();
  }

  /** Back from the trial slot to the previous one; call inside the queue. */
  private async revert(kind: string, detail: string): Promise<void> {
    const s = this.store.state;
    const next = reverted(s, kind, detail);
    await this.store.commit(next);
    crashPoint('revert:committed');
    this.close();
    if (this.runner.current?.slot !== next.active) {
      const session = next.active ? await tryLoad(this.store.modelPath(next.active)) : null;
      await this.runner.swap(session && next.active ? { slot: next.active, manifest: next.slots[next.active]!, session } : null);
    }
    this.onChange();
  }
}

function withoutDelta(m: Manifest): Manifest {
  const { delta: _delta, ...model } = m;
  return model;
}

function reverted(s: SlotState, kind: string, detail: string): SlotState {
  const trialSlot = s.trial!.slot;
  return { ...s, active: s.previous, previous: null, trial: null, slots: { ...s.slots, [trialSlot]: null }, lastEvent: event(kind, detail) };
}

/** A state-changing request named the state it expects, and the device is elsewhere: it is never retried blindly. */
function preconditionFailed(op: string, detail: string): AppError {
  return new AppError('PRECONDITION_FAILED', `The device is not in the state the ${op} expects`, `Nothing was changed: ${detail}. Read the device's status and decide again.`);
}

function describe(s: SlotState, slot: SlotId | null): string {
  const m = slot ? s.slots[slot] : null;
  return m ? `${m.name} ${m.version} (slot ${slot})` : 'no model';
}

function event(kind: string, detail: string): SlotState['lastEvent'] {
  return { at: new Date().toISOString(), kind, detail };
}

async function tryLoad(file: string): Promise<ort.InferenceSession | null> {
  try {
    return await ort.InferenceSession.create(file, sessionOptions);
  } catch {
    return null;
  }
}
