// The sending side of upload-begin / upload-chunk / upload-status for a transport that carries
// chunks as requests (serial, MQTT): a few chunks in flight at once to hide the device's fsync, and
// a resync to the device's durable offset when one is refused as out of order.
import { promises as fsp } from 'node:fs';
import { AppError } from './error-data.js';
import type { LinkUploadOptions } from './device-link.js';
import type { SignedManifest, UploadStatus } from './messages.js';

export interface ChunkTransport {
  begin(signed: SignedManifest): Promise<UploadStatus>;
  chunk(offset: number, data: Uint8Array): Promise<UploadStatus>;
  status(): Promise<UploadStatus | null>;
}

export interface ChunkSizing {
  defaultChunk: number;
  maxChunk: number;
  pipelineDepth: number;
}

export async function uploadInChunks(io: ChunkTransport, artifact: Uint8Array | string, signed: SignedManifest, opts: LinkUploadOptions, sizing: ChunkSizing): Promise<UploadStatus> {
  const chunk = Math.max(1024, Math.min(opts.chunkBytes ?? sizing.defaultChunk, sizing.maxChunk));
  const file = typeof artifact === 'string' ? await fsp.open(artifact, 'r') : null;
  try {
    const available = file ? (await file.stat()).size : (artifact as Uint8Array).byteLength;
    const read = async (offset: number, length: number): Promise<Uint8Array> => {
      if (!file) return (artifact as Uint8Array).subarray(offset, offset + length);
      const buf = Buffer.allocUnsafe(length);
      const { bytesRead } = await file.read(buf, 0, length, offset);
      return buf.subarray(0, bytesRead);
    };
    let status = await io.begin(signed);
    opts.onProgress?.(status);
    let next = status.offset;
    const queue: Promise<UploadStatus>[] = [];
    const fill = async () => {
      while (queue.length < sizing.pipelineDepth && next < status.size) {
        const length = Math.min(chunk, status.size - next, available - next);
        if (length <= 0) throw new AppError('ARTIFACT_SHORT', 'Artifact shorter than its manifest', `The manifest says ${status.size} bytes but the artifact ends at ${available}.`);
        const p = io.chunk(next, await read(next, length));
        p.catch(() => undefined); // awaited in order below
        queue.push(p);
        next += length;
        opts.onSent?.(next);
      }
    };
    while (!status.complete) {
      if (opts.signal?.aborted) throw new AppError('CANCELLED', 'Upload cancelled', `Stopped at ${status.offset} of ${status.size} bytes; upload again to resume.`);
      await fill();
      const head = queue.shift();
      if (!head) break;
      try {
        status = await head;
      } catch (err) {
        await Promise.allSettled(queue.splice(0));
        if (!(err instanceof AppError) || err.code !== 'UPLOAD_OFFSET_MISMATCH') throw err;
        const upload = await io.status();
        if (!upload) throw err;
        status = upload;
        next = status.offset;
      }
      opts.onProgress?.(status);
    }
    return status;
  } finally {
    await file?.close();
  }
}
