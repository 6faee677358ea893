// Rebuilds a target from a delta file and its base into a new file, op by op: memory holds a few
// 1 MiB blocks (at most 16 MiB each) and the rest stream, never the base or the target. The base is
// hashed before anything is written and the result after, so a wrong base and a damaged delta are
// told apart, and a failed rebuild leaves no file behind.
import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import { AppError } from '../error-data.js';
import { fromPlanes } from './byte-planes.js';
import { deltaBaseMissing, deltaInvalid } from './delta-errors.js';
import { decodeHeader, headerLength, headerProbeBytes, type ParsedDelta } from './delta-format.js';
import { zstdDecompress } from './zstd.js';

export interface ApplyOptions {
  deltaPath: string;
  basePath: string;
  /** Created (it must not exist); removed again when the rebuild fails. */
  outPath: string;
  /** What the signed manifest says: the delta must rebuild exactly this, from exactly this base. */
  expect?: { sha256: string; size: number; base: string };
}

const copyPiece = 4 * 1024 * 1024;

async function readAt(fh: fsp.FileHandle, position: number, length: number, short: () => AppError): Promise<Buffer> {
  const buf = Buffer.allocUnsafe(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await fh.read(buf, done, length - done, position + done);
    if (bytesRead === 0) throw short();
    done += bytesRead;
  }
  return buf;
}

async function fileSha256(fh: fsp.FileHandle, size: number): Promise<string> {
  const hash = createHash('sha256');
  for (let at = 0; at < size; at += copyPiece) {
    hash.update(await readAt(fh, at, Math.min(copyPiece, size - at), () => deltaBaseMissing('The base file ended early.')));
  }
  return hash.digest('hex');
}

/** Reads and checks the delta's header (the whole file length included). */
export async function readDeltaHeader(fh: fsp.FileHandle): Promise<ParsedDelta> {
  const size = (await fh.stat()).size;
  const truncated = () => deltaInvalid(`the file ends early (${size} bytes)`);
  const probe = await readAt(fh, 0, Math.min(size, headerProbeBytes), truncated);
  const total = headerLength(probe);
  if (total > size) throw truncated();
  const header = decodeHeader(await readAt(fh, 0, total, truncated));
  if (size < header.totalBytes) throw deltaInvalid(`the file ends early: ${size} of ${header.totalBytes} bytes`);
  if (size > header.totalBytes) throw deltaInvalid(`it has ${size - header.totalBytes} bytes after its last payload`);
  return header;
}

export async function applyDelta(o: ApplyOptions): Promise<{ sha256: string; size: number }> {
  const delta = await fsp.open(o.deltaPath, 'r');
  let base: fsp.FileHandle | null = null;
  let out: fsp.FileHandle | null = null;
  try {
    const h = await readDeltaHeader(delta);
    if (o.expect && (o.expect.sha256 !== h.target.sha256 || o.expect.size !== h.target.size)) {
      throw deltaInvalid(`it rebuilds ${h.target.sha256.slice(0, 12)}… (${h.target.size} bytes), not the model the manifest names (${o.expect.sha256.slice(0, 12)}…, ${o.expect.size} bytes)`);
    }
    if (o.expect && o.expect.base !== h.base.sha256) throw deltaInvalid(`it was made against ${h.base.sha256.slice(0, 12)}…, not the base the manifest names (${o.expect.base.slice(0, 12)}…)`);
    base = await fsp.open(o.basePath, 'r');
    const baseSize = (await base.stat()).size;
    if (baseSize !== h.base.size || (await fileSha256(base, baseSize)) !== h.base.sha256) {
      throw deltaBaseMissing(`The file that should hold ${h.base.sha256.slice(0, 12)}… does not (its bytes differ: damaged or replaced).`);
    }
    const payloadShort = () => deltaInvalid('a payload ends early');
    const baseShort = () => deltaBaseMissing('The base file ended early.');
    const baseRange = (offset: number, length: number) => readAt(base!, offset, length, baseShort);
    let cursor = h.payloadStart;
    const payload = async (n: number) => {
      const p = await readAt(delta, cursor, n, payloadShort);
      cursor += n;
      return p;
    };
    let rest: Uint8Array = new Uint8Array(0);
    if (h.rest.length > 0) {
      const frame = await payload(h.rest.payload);
      const dict = h.rest.dict.length > 0 ? Buffer.concat(await Promise.all(h.rest.dict.map((r) => baseRange(r.offset, r.length)))) : undefined;
      rest = zstdDecompress(frame, h.rest.length, dict);
    }
    let restAt = 0;
    out = await fsp.open(o.outPath, 'wx');
    const hash = createHash('sha256');
    let written = 0;
    const emit = async (bytes: Uint8Array) => {
      hash.update(bytes);
      let done = 0;
      while (done < bytes.byteLength) {
        const { bytesWritten } = await out!.write(bytes, done, bytes.byteLength - done, written + done);
        done += bytesWritten;
      }
      written += bytes.byteLength;
    };
    for (const op of h.ops) {
      switch (op.type) {
        case 'copy':
          for (let at = 0; at < op.length; at += copyPiece) await emit(await baseRange(op.baseOffset + at, Math.min(copyPiece, op.length - at)));
          break;
        case 'rest':
          await emit(rest.subarray(restAt, restAt + op.length));
          restAt += op.length;
          break;
        case 'raw':
          await emit(zstdDecompress(await payload(op.payload), op.length));
          break;
        case 'patch':
          await emit(zstdDecompress(await payload(op.payload), op.length, await baseRange(op.baseOffset, op.baseLength)));
          break;
        case 'xor': {
          const diff = fromPlanes(zstdDecompress(await payload(op.payload), op.length), op.planes);
          const b = await baseRange(op.baseOffset, op.length);
          for (let i = 0; i < diff.byteLength; i++) diff[i] ^= b[i];
          await emit(diff);
          break;
        }
      }
    }
    await out.datasync();
    const sha256 = hash.digest('hex');
    if (sha256 !== h.target.sha256) throw deltaInvalid(`the rebuilt model hashes to ${sha256.slice(0, 12)}…, not ${h.target.sha256.slice(0, 12)}…`);
    return { sha256, size: written };
  } catch (err) {
    if (out) {
      await out.close().catch(() => undefined);
      out = null;
      await fsp.rm(o.outPath, { force: true });
    }
    throw err;
  } finally {
    await out?.close();
    await base?.close();
    await delta.close();
  }
}
