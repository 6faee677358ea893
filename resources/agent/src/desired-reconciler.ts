// The device end of desired state: takes each retained `state/desired` document the broker hands over
// (at every connect, and live), checks that the paired console signed it for this device, and applies
// a version newer than the last one it finished: pull the model (upload-fetch), activate it on trial
// with the document's healthy window, so the trial confirms or reverts by itself. What it did is kept
// on disk (a restart does not apply a version twice) and reported with the device's status.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { toErrorData } from '../../../electron/core/api/errors.js';
import { writeFileAtomic } from '../../../electron/core/util/atomic-write.js';
import { desiredStateSchema, reportedDesiredSchema, verifyDesiredState, type DesiredState, type ReportedDesired } from '../../device-protocol/mqtt/desired-state.js';
import type { BoundDevice, PairedConsole } from './mqtt-binding.js';

export interface ReconcilerOptions {
  deviceId: string;
  /** Where the last finished version is kept; in memory only when absent (the bench's simulated devices). */
  file?: string;
  log: (line: string) => void;
  /** A version that could not be applied yet is tried again after this, doubling up to retryMaxMs. */
  retryBaseMs?: number;
  retryMaxMs?: number;
}

/** Errors after which the same document may work later; any other refusal is final for its version. */
const transientCodes = new Set(['ARTIFACT_FETCH_FAILED', 'PRECONDITION_FAILED', 'TRIAL_IN_PROGRESS', 'NOT_FOUND', 'BUSY', 'ETIMEDOUT', 'ECONNRESET']);

const savedSchema = z.object({ done: reportedDesiredSchema.nullable() });

export class DesiredReconciler {
  /** The last version applied to the end (a final outcome); newer ones are applied, older ignored. */
  private done: ReportedDesired | null;
  /** What was last reported: `done`, or a version still pending. */
  private latest: ReportedDesired | null;
  private next: DesiredState | null = null;
  private running = false;
  private retry: NodeJS.Timeout | null = null;
  private attempts = 0;
  private closed = false;
  onReport: (report: ReportedDesired) => void = () => undefined;

  private constructor(
    private readonly device: BoundDevice,
    private readonly pairing: PairedConsole,
    private readonly o: ReconcilerOptions,
    done: ReportedDesired | null,
  ) {
    this.done = done;
    this.latest = done;
  }

  static open(device: BoundDevice, pairing: PairedConsole, o: ReconcilerOptions): DesiredReconciler {
    let done: ReportedDesired | null = null;
    if (o.file) {
      try {
        done = savedSchema.parse(JSON.parse(readFileSync(o.file, 'utf8'))).done;
      } catch (err) {
        // A damaged file applies the retained document once more: activation is idempotent for a model it runs.
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') o.log(`Desired state: ${o.file} unreadable (${(err as Error).message}); starting from nothing`);
      }
    }
    return new DesiredReconciler(device, pairing, o, done);
  }

  report(): ReportedDesired | null {
    return this.latest;
  }

  /** A `state/desired` message as it came off the broker. An empty one (the retained document cleared) means nothing. */
  offer(payload: Buffer): void {
    if (payload.length === 0 || this.closed) return;
    let doc: DesiredState;
    try {
      const parsed = desiredStateSchema.safeParse(JSON.parse(payload.toString('utf8')));
      if (!parsed.success) return this.o.log(`Desired state ignored: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(document)'}: ${i.message}`).join('; ')}`);
      doc = parsed.data;
    } catch {
      return this.o.log('Desired state ignored: not JSON');
    }
    if (doc.dev !== this.o.deviceId) return this.o.log(`Desired state ignored: it is for ${doc.dev}, this is ${this.o.deviceId}`);
    const key = this.pairing.consolePublicKey;
    if (!key) return this.o.log(`Desired state v${doc.version} ignored: this device is not paired with a console yet`);
    // A forged document is not reported either: it must not be able to change what the console sees.
    if (!verifyDesiredState(key, doc)) return this.o.log(`Desired state v${doc.version} refused: not signed by ${this.pairing.consoleName ?? 'the paired console'}`);
    if (this.done && doc.version <= this.done.version) return;
    if (this.next && doc.version < this.next.version) return;
    // The same version again (the retained copy and a queued one both arrive at a reconnect): one is
    // being applied already, or it waits to be tried again, which a connect may do at once.
    if (this.next?.version === doc.version) return this.running ? undefined : this.kick();
    this.next = doc;
    this.attempts = 0;
    this.kick();
  }

  /** The device changed (a trial ended): a version that waited for that is tried now. */
  retryNow(): void {
    if (this.next && !this.running && this.retry) this.kick();
  }

  private kick(): void {
    if (this.running || !this.next || this.closed) return;
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
    const doc = this.next;
    this.running = true;
    void this.apply(doc)
      .then(async (report) => {
        if (this.closed) return;
        this.latest = report;
        if (report.outcome === 'pending') {
          this.schedule();
        } else {
          this.done = report;
          if (this.next === doc) this.next = null;
          if (this.o.file) await writeFileAtomic(this.o.file, `${JSON.stringify({ done: report })}\n`).catch((err) => this.o.log(`Desired state: could not record v${report.version}: ${(err as Error).message}`));
        }
        this.onReport(report);
      })
      .finally(() => {
        this.running = false;
        if (this.next && this.next !== doc) this.kick();
      });
  }

  private schedule(): void {
    const base = this.o.retryBaseMs ?? 30_000;
    const wait = Math.min(this.o.retryMaxMs ?? 30 * 60_000, base * 2 ** Math.min(this.attempts++, 16));
    this.retry = setTimeout(() => {
      this.retry = null;
      this.kick();
    }, wait);
    this.retry.unref();
  }

  private async apply(doc: DesiredState): Promise<ReportedDesired> {
    const at = () => new Date().toISOString();
    const model = doc.model;
    const done = (outcome: ReportedDesired['outcome'], detail: string | null): ReportedDesired => ({ version: doc.version, outcome, sha256: model?.signed.manifest.sha256 ?? null, detail, at: at() });
    if (!model) return done('in-sync', null);
    const sha = model.signed.manifest.sha256;
    const label = `${model.signed.manifest.name} v${model.signed.manifest.version}`;
    const status = this.device.status();
    if (status.active?.manifest.sha256 === sha) return done('in-sync', `${label} already runs`);
    if (status.state === 'trial') return done('pending', `waits for the trial of ${status.active?.manifest.name ?? 'another model'} to end`);
    if (!model.url) return done('pending', `${label} has no download URL; the console uploads it when it reaches the device`);
    try {
      this.o.log(`Desired state v${doc.version}: pulling ${label} (${doc.source})`);
      await this.device.handle('upload-fetch', { signed: model.signed, url: model.url });
      const { maxLatencyMs, selfTestRuns, healthyWindowSec } = model.activate;
      const result = await this.device.handle('activate', { healthyWindowSec, ...(maxLatencyMs ? { maxLatencyMs } : {}), ...(selfTestRuns ? { selfTestRuns } : {}), expectStagedSha256: sha });
      if (result.outcome === 'reverted') return done('reverted', result.health.reason ?? `${label} failed its health check`);
      return done('trial', `${label} on trial; it confirms itself after ${healthyWindowSec} s healthy`);
    } catch (err) {
      const e = toErrorData(err);
      return done(transientCodes.has(e.code) ? 'pending' : 'refused', `${e.title}: ${e.detail}`);
    }
  }

  close(): void {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
  }
}
