// A connection to one device, whatever carries the message model: the HTTPS binding (AgentClient),
// the serial link protocol, later MQTT or a bundle on a USB stick. Console code that works on a
// device (deploy, confirm, rollback, profile, rollouts) talks to this and nothing narrower.
import type { DeviceOp, DeviceRequest, DeviceResponse, SignedManifest, UploadStatus } from './messages.js';

/** Operations a paired link carries with call(); pairing and raw chunks have their own paths. */
export type LinkOp = Exclude<DeviceOp, 'pair' | 'upload-chunk'>;

export interface LinkUploadOptions {
  /** Most bytes per upload-chunk request; the transport picks a size when absent. */
  chunkBytes?: number;
  /** What the device reports as durably stored. */
  onProgress?: (status: UploadStatus) => void;
  /** Bytes handed to the transport so far (ahead of onProgress, not yet durable). */
  onSent?: (offset: number) => void;
  signal?: AbortSignal;
}

export interface DeviceLink {
  /** Where the device is, for messages: host:port, a serial port path. */
  readonly where: string;
  /**
   * The device checks the preconditions of activate, confirm and rollback (expectStagedSha256, …): true where every
   * agent the binding reaches has them (MQTT). Older HTTPS and serial agents refuse the fields, so they go without.
   */
  readonly preconditions?: boolean;
  /**
   * The device pulls artifacts itself over HTTP (upload-fetch from the artifacts URL, MQTT): the console
   * then sends no delta, which would have to go through the broker instead.
   */
  readonly pullsArtifacts?: boolean;
  call<Op extends LinkOp>(op: Op, req?: DeviceRequest<Op>): Promise<DeviceResponse<Op>>;
  /**
   * Uploads an artifact (bytes or a file path) under its signed manifest. Calling it again after a
   * failure resumes from the offset the device reports as durably stored.
   */
  upload(artifact: Uint8Array | string, signed: SignedManifest, opts?: LinkUploadOptions): Promise<UploadStatus>;
  /**
   * Releases the connection; the link may be used again (it reconnects) unless the transport says otherwise.
   * A transport that lets go asynchronously (a serial port closing) returns a promise: await it before the
   * thread ends or the port is opened again.
   */
  close(): void | Promise<void>;
}
