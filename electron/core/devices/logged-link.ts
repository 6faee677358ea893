// A DeviceLink that records each operation it carries in the device's protocol log (see protocol-log.ts):
// every transport's links are wrapped once, in open-link.ts, so every console path that talks to a
// device (refresh, the device page, deploy and profile jobs, rollouts) leaves its trace.
import { toErrorData } from '../api/errors.js';
import type { DeviceLink, LinkOp, LinkUploadOptions } from '../../../resources/device-protocol/device-link.js';
import type { DeviceRequest, DeviceResponse, SignedManifest, UploadStatus } from '../../../resources/device-protocol/messages.js';
import { appendExchange } from './protocol-log.js';

export class LoggedLink implements DeviceLink {
  constructor(
    private readonly inner: DeviceLink,
    private readonly home: string,
    private readonly deviceId: string,
  ) {}

  get where(): string {
    return this.inner.where;
  }

  get preconditions(): boolean | undefined {
    return this.inner.preconditions;
  }

  get pullsArtifacts(): boolean | undefined {
    return this.inner.pullsArtifacts;
  }

  call<Op extends LinkOp>(op: Op, req?: DeviceRequest<Op>): Promise<DeviceResponse<Op>> {
    return this.logged(op, () => this.inner.call(op, req));
  }

  /** One entry for the whole upload (its chunks would push everything else out of the log). */
  upload(artifact: Uint8Array | string, signed: SignedManifest, opts?: LinkUploadOptions): Promise<UploadStatus> {
    return this.logged('upload', () => this.inner.upload(artifact, signed, opts));
  }

  close(): void | Promise<void> {
    return this.inner.close();
  }

  private async logged<T>(op: string, run: () => Promise<T>): Promise<T> {
    const started = Date.now();
    const entry = (error: unknown) => ({ at: new Date(started).toISOString(), op, where: this.inner.where, ok: error === null, durationMs: Date.now() - started, error: error === null ? null : toErrorData(error) });
    try {
      const result = await run();
      appendExchange(this.home, this.deviceId, entry(null));
      return result;
    } catch (err) {
      appendExchange(this.home, this.deviceId, entry(err));
      throw err;
    }
  }
}
