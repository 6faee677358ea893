// A resumable upload into staging/. Bytes are appended to artifact.part and become durable at a
// checkpoint: the file is fdatasynced, then the durable offset is recorded atomically in
// upload.offset. The recorded offset never runs ahead of what is on disk (it may lag); at start the
// part file is cut back to it. A chunk (the per-message form, for transports that carry one chunk at
// a time) is one checkpoint; a stream (the HTTPS binding) checkpoints every few MB and at its end.
// The sha256 is computed while the bytes arrive (recomputed from the durable prefix after a restart);
// the last byte triggers the check, and a verified artifact is renamed to artifact.ready.
import { createHash, type Hash, type KeyObject } from 'node:crypto';
import { constants, createReadStream, existsSync, promises as fsp } from 'node:fs';
import path from 'node:path';
import { AppError } from '../../../electron/core/api/errors.js';
import { canonicalJson } from '../../device-protocol/canonical-json.js';
import { signedManifestSchema, verifyManifest, type SignedManifest, type UploadStatus } from '../../device-protocol/messages.js';
import { fsyncDir, writeFileAtomic } from '../../../electron/core/util/atomic-write.js';
import { crashPoint } from './crash-points.js';
import { checkRelease, type ReleaseFloor } from './release-guard.js';

/** A stream makes its bytes durable at least this often. */
const checkpointBytes = 4 * 1024 * 1024;
/** Received bytes are gathered into writes of about this size. */
const writeBytes = 1024 * 1024;
/** Receiving waits when this much is queued but not yet written. */
const maxUnwrittenBytes = 8 * 1024 * 1024;

export class UploadStore {
  private upload: SignedManifest | null = null;
  /** Durable offset: fsynced and recorded. */
  private offset = 0;
  private complete = false;
  /** sha256 of the first `offset` bytes; null until recomputed from the part file (after a restart). */
  private hash: Hash | null = null;

  private constructor(private readonly dir: string) {}

  static async open(dataDir: string): Promise<UploadStore> {
    const store = new UploadStore(path.join(dataDir, 'staging'));
    await store.load();
    return store;
  }

  get readyPath(): string {
    return path.join(this.dir, 'artifact.ready');
  }

  private get partPath(): string {
    return path.join(this.dir, 'artifact.part');
  }

  private get metaPath(): string {
    return path.join(this.dir, 'upload.json');
  }

  private get offsetPath(): string {
    return path.join(this.dir, 'upload.offset');
  }

  status(): UploadStatus | null {
    if (!this.upload) return null;
    const { manifest } = this.upload;
    return { manifest, offset: this.offset, size: manifest.size, complete: this.complete };
  }

  /** The verified artifact, or an error saying what is missing. */
  ready(): { signed: SignedManifest; path: string } {
    if (!this.upload || !this.complete) {
      throw new AppError('UPLOAD_INCOMPLETE', 'No complete upload', 'Upload the whole artifact (upload-begin, upload-chunk) before activating it.');
    }
    return { signed: this.upload, path: this.readyPath };
  }

  /** Starts (or resumes) an upload; `floor` is the device's release counter, which the manifest must be above. */
  async begin(signed: SignedManifest, consoleKey: KeyObject | null, floor: ReleaseFloor): Promise<UploadStatus> {
    if (!consoleKey || !verifyManifest(consoleKey, signed.manifest, signed.signature)) {
      await this.clear();
      throw new AppError('MANIFEST_SIGNATURE_INVALID', 'Manifest signature does not verify', 'The manifest is unsigned, was changed after signing, or was signed by a console this device is not paired with. Nothing was stored.');
    }
    // Before anything is stored; a staged upload of a newer release stays as it is.
    checkRelease(signed.manifest, floor);
    // The same signed manifest again is a resume: keep what is already here.
    if (this.upload && canonicalJson(this.upload) === canonicalJson(signed)) return this.status()!;
    await this.clear();
    await writeFileAtomic(this.metaPath, `${JSON.stringify(signed, null, 2)}\n`);
    crashPoint('upload:meta-written');
    this.upload = signed;
    this.offset = 0;
    this.complete = false;
    this.hash = createHash('sha256');
    if (signed.manifest.size === 0) await this.finish();
    return this.status()!;
  }

  /** One chunk at `offset`, durable before it is acknowledged. */
  chunk(offset: number, data: Uint8Array): Promise<UploadStatus> {
    return this.append(offset, [data], Infinity);
  }

  /**
   * The bytes of `source` from `offset` on, written as they arrive, with a durable checkpoint every
   * few MB and at the end. When the source fails part-way, what arrived is checkpointed before the
   * error is passed on, so a resume loses nothing that reached the device.
   */
  stream(offset: number, source: AsyncIterable<Uint8Array>): Promise<UploadStatus> {
    return this.append(offset, source, checkpointBytes);
  }

  private async append(offset: number, source: Iterable<Uint8Array> | AsyncIterable<Uint8Array>, every: number): Promise<UploadStatus> {
    if (!this.upload) {
      throw new AppError('UPLOAD_NOT_STARTED', 'No upload in progress', 'Send upload-begin with a signed manifest first.');
    }
    if (this.complete) return this.status()!;
    if (offset !== this.offset) {
      throw new AppError('UPLOAD_OFFSET_MISMATCH', 'Chunk at the wrong offset', `The device holds ${this.offset} bytes but the chunk starts at ${offset}. Ask upload-status and resume from its offset.`);
    }
    const size = this.upload.manifest.size;
    const hash = this.hash ?? (await this.rehash());
    this.hash = null; // valid again once the durable offset and the hashed bytes agree
    const fh = await fsp.open(this.partPath, constants.O_RDWR | constants.O_CREAT);
    // Receiving, writing and checkpointing overlap: bytes are hashed as they arrive and queued for
    // writing in order; a checkpoint waits for the writes queued before it, fdatasyncs, then records.
    let received = this.offset; // hashed and queued for writing
    let written = this.offset; // written (not necessarily durable); a prefix of what was received
    let pending: Uint8Array[] = [];
    let pendingBytes = 0;
    let writing: Promise<void> = Promise.resolve();
    let checkpointing: Promise<void> = Promise.resolve();
    let ioError: unknown = null;
    const flush = () => {
      if (pendingBytes === 0) return;
      const chunks = pending;
      const bytes = pendingBytes;
      const position = received;
      pending = [];
      pendingBytes = 0;
      received += bytes;
      for (const c of chunks) hash.update(c);
      writing = writing.then(async () => {
        if (ioError) return;
        try {
          await writeAll(fh, chunks, position);
          written = position + bytes;
        } catch (err) {
          ioError ??= err;
        }
      });
    };
    const checkpoint = () => {
      checkpointing = checkpointing.then(async () => {
        await writing;
        const target = written;
        if (ioError || target <= this.offset) return;
        try {
          await fh.datasync();
          // The last byte needs no record: finish() renames the verified file, which is the record.
          // Killed before that, the device resumes from the previous checkpoint.
          if (target < size) await writeFileAtomic(this.offsetPath, `${target}\n`);
          this.offset = target;
        } catch (err) {
          ioError ??= err;
          return;
        }
        crashPoint('upload:chunk-written');
      });
    };
    let failure: unknown = null;
    try {
      await fh.truncate(this.offset); // drop bytes past the last checkpoint
      let checkpointFrom = this.offset;
      for await (const data of source) {
        if (received + pendingBytes + data.byteLength > size) {
          failure = new AppError('UPLOAD_TOO_LONG', 'Artifact longer than its manifest', `The manifest says ${size} bytes but the data ends at ${received + pendingBytes + data.byteLength}. The upload was discarded.`);
          break;
        }
        pending.push(data);
        pendingBytes += data.byteLength;
        if (pendingBytes >= writeBytes) flush();
        if (received - checkpointFrom >= every) {
          checkpoint();
          checkpointFrom = received;
        }
        if (received - written > maxUnwrittenBytes) await writing;
        if (ioError) throw ioError;
      }
    } catch (err) {
      failure = err;
    }
    const tooLong = failure instanceof AppError && failure.code === 'UPLOAD_TOO_LONG';
    try {
      if (!tooLong) flush();
      checkpoint(); // after a failure too: what arrived intact is kept
      await checkpointing;
    } finally {
      await fh.close();
    }
    if (tooLong) {
      await this.clear();
      throw failure;
    }
    if (received === this.offset) this.hash = hash;
    if (failure ?? ioError) throw failure ?? ioError;
    if (this.offset === size) await this.finish();
    return this.status()!;
  }

  /** sha256 state of the durable prefix, read back from the part file. */
  private rehash(): Promise<Hash> {
    const hash = createHash('sha256');
    if (this.offset === 0) return Promise.resolve(hash);
    return new Promise((resolve, reject) => {
      createReadStream(this.partPath, { start: 0, end: this.offset - 1, highWaterMark: writeBytes })
        .on('data', (c) => hash.update(c))
        .on('end', () => resolve(hash))
        .on('error', reject);
    });
  }

  /**
   * Moves the verified artifact to `target` (a slot file on the same file system) and forgets the
   * upload: activating takes the bytes where they are instead of copying 5–500 MB and deleting them.
   * Killed after the move, the device restarts with nothing staged and the console uploads again.
   */
  async install(target: string): Promise<void> {
    const { path: ready } = this.ready();
    await fsp.rename(ready, target);
    await fsyncDir(path.dirname(target));
    await this.clear();
  }

  async clear(): Promise<void> {
    this.upload = null;
    this.offset = 0;
    this.complete = false;
    this.hash = null;
    for (const f of [this.metaPath, this.offsetPath, this.partPath, this.readyPath]) await fsp.rm(f, { force: true });
    await fsyncDir(this.dir);
  }

  private async finish(): Promise<void> {
    const { manifest } = this.upload!;
    if (!existsSync(this.partPath)) await fsp.writeFile(this.partPath, new Uint8Array());
    const actual = (this.hash ?? (await this.rehash())).digest('hex');
    this.hash = null;
    if (actual !== manifest.sha256) {
      await this.clear();
      throw new AppError('ARTIFACT_HASH_MISMATCH', 'Artifact does not match its manifest', `The received bytes hash to ${actual.slice(0, 16)}… but the signed manifest says ${manifest.sha256.slice(0, 16)}…. The upload was discarded; upload it again.`);
    }
    await fsp.rename(this.partPath, this.readyPath);
    await fsyncDir(this.dir);
    this.complete = true;
  }

  private async load(): Promise<void> {
    if (!existsSync(this.metaPath)) {
      await this.clear();
      return;
    }
    const parsed = signedManifestSchema.safeParse(JSON.parse(await fsp.readFile(this.metaPath, 'utf8')));
    if (!parsed.success) {
      await this.clear();
      return;
    }
    this.upload = parsed.data;
    const size = parsed.data.manifest.size;
    if (existsSync(this.readyPath) && (await fsp.stat(this.readyPath)).size === size) {
      this.offset = size;
      this.complete = true;
      return;
    }
    await fsp.rm(this.readyPath, { force: true });
    const recorded = existsSync(this.offsetPath) ? Number((await fsp.readFile(this.offsetPath, 'utf8')).trim()) : 0;
    const onDisk = existsSync(this.partPath) ? (await fsp.stat(this.partPath)).size : 0;
    if (!Number.isSafeInteger(recorded) || recorded < 0 || recorded > size || recorded > onDisk) {
      await this.clear();
      return;
    }
    // Bytes past the last checkpoint may be incomplete: they are sent again.
    if (onDisk > recorded) await fsp.truncate(this.partPath, recorded);
    this.offset = recorded;
    if (this.offset === size) {
      // Killed between the last write and the hash check.
      try {
        await this.finish();
      } catch {
        // finish() already discarded the bad upload.
      }
    }
  }
}

/** Writes the chunks in order from `position` in one writev where the system allows (no copy into one buffer). */
async function writeAll(fh: fsp.FileHandle, chunks: Uint8Array[], position: number): Promise<void> {
  let rest = chunks;
  while (rest.length > 0) {
    const { bytesWritten } = await fh.writev(rest, position);
    position += bytesWritten;
    rest = dropBytes(rest, bytesWritten);
  }
}

function dropBytes(chunks: Uint8Array[], n: number): Uint8Array[] {
  let i = 0;
  while (i < chunks.length && n >= chunks[i].byteLength) n -= chunks[i++].byteLength;
  if (i === chunks.length) return [];
  return n > 0 ? [chunks[i].subarray(n), ...chunks.slice(i + 1)] : chunks.slice(i);
}
