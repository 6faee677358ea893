// A resumable upload into staging/. Bytes are appended to artifact.part and become durable at a
// checkpoint: the file is fdatasynced, then the durable offset is recorded atomically in
// upload.offset. The recorded offset never runs ahead of what is on disk (it may lag); at start the
// part file is cut back to it. A chunk (the per-message form, for transports that carry one chunk at
// a time) is one checkpoint; a stream (the HTTPS binding) checkpoints every few MB and at its end.
// The sha256 is computed while the bytes arrive (recomputed from the durable prefix after a restart);
// the last byte triggers the check, and a verified artifact is renamed to artifact.ready.
// A delta (manifest.delta) is received the same way; once its own sha256 checks, the model is rebuilt
// from it and the base slot's file into artifact.rebuild, checked against the signed manifest's sha256
// and size, and only then renamed to artifact.ready: activation takes it into the inactive slot as any
// other upload. A missing base or a failed rebuild discards the upload and names why (DELTA_*).
import { createHash, type Hash, type KeyObject } from 'node:crypto';
import { constants, createReadStream, existsSync, promises as fsp } from 'node:fs';
import path from 'node:path';
import { AppError } from '../../../electron/core/api/errors.js';
import { canonicalJson } from '../../device-protocol/canonical-json.js';
import { applyDelta } from '../../device-protocol/delta/apply-delta.js';
import { deltaBaseMissing } from '../../device-protocol/delta/delta-errors.js';
import { deltaFormat } from '../../device-protocol/delta/delta-format.js';
import { signedManifestSchema, uploadBytes, verifyManifest, type SignedManifest, type UploadStatus } from '../../device-protocol/messages.js';
import { fsyncDir, writeFileAtomic } from '../../../electron/core/util/atomic-write.js';
import { crashPoint } from './crash-points.js';
import { checkRelease, type ReleaseFloor } from './release-guard.js';

/** A stream makes its bytes durable at least this often. */
const checkpointBytes = 4 * 1024 * 1024;
/** Received bytes are gathered into writes of about this size. */
const writeBytes = 1024 * 1024;
/** Receiving waits when this much is queued but not yet written. */
const maxUnwrittenBytes = 8 * 1024 * 1024;

/** The file of a model this device holds with this sha256 (a slot's), or null. */
export type FindModel = (sha256: string) => string | null;

export class UploadStore {
  private upload: SignedManifest | null = null;
  /** Durable offset: fsynced and recorded. */
  private offset = 0;
  private complete = false;
  /** sha256 of the first `offset` bytes; null until recomputed from the part file (after a restart). */
  private hash: Hash | null = null;

  private constructor(
    private readonly dir: string,
    private readonly findModel: FindModel,
  ) {}

  /** `findModel` finds the base of a delta among the models the device holds; without it every delta is refused. */
  static async open(dataDir: string, findModel: FindModel = () => null): Promise<UploadStore> {
    const store = new UploadStore(path.join(dataDir, 'staging'), findModel);
    await store.load();
    return store;
  }

  get readyPath(): string {
    return path.join(this.dir, 'artifact.ready');
  }

  private get partPath(): string {
    return path.join(this.dir, 'artifact.part');
  }

  private get rebuildPath(): string {
    return path.join(this.dir, 'artifact.rebuild');
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
    return { manifest, offset: this.offset, size: uploadBytes(manifest), complete: this.complete };
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
    const delta = signed.manifest.delta;
    if (delta && delta.format !== deltaFormat) {
      throw new AppError('DELTA_UNSUPPORTED', 'Delta format not supported', `This agent rebuilds models from deltas in format ${deltaFormat}, not ${delta.format}. Nothing was stored; send the full model.`);
    }
    if (delta && !this.findModel(delta.base)) throw deltaBaseMissing(`No slot of this device holds the model ${delta.base.slice(0, 12)}… the delta builds on.`);
    // The same signed manifest again is a resume: keep what is already here.
    if (this.upload && canonicalJson(this.upload) === canonicalJson(signed)) return this.status()!;
    await this.clear();
    await writeFileAtomic(this.metaPath, `${JSON.stringify(signed, null, 2)}\n`);
    crashPoint('upload:meta-written');
    this.upload = signed;
    this.offset = 0;
    this.complete = false;
    this.hash = createHash('sha256');
    if (uploadBytes(signed.manifest) === 0) await this.finish();
    return this.status()!;
  }

  /**
   * Stages a model that arrived in a site bundle, already checked against the bundle's signed TUF
   * metadata (bundle-install.ts), in place of an upload: `file` is moved in (same file system).
   */
  async stageVerified(signed: SignedManifest, file: string): Promise<UploadStatus> {
    await this.clear();
    await writeFileAtomic(this.metaPath, `${JSON.stringify(signed, null, 2)}\n`);
    await fsp.rename(file, this.readyPath);
    await fsyncDir(this.dir);
    this.upload = signed;
    this.offset = signed.manifest.size;
    this.complete = true;
    this.hash = null;
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
    const size = uploadBytes(this.upload.manifest);
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
    for (const f of [this.metaPath, this.offsetPath, this.partPath, this.rebuildPath, this.readyPath]) await fsp.rm(f, { force: true });
    await fsyncDir(this.dir);
  }

  private async finish(): Promise<void> {
    const { manifest } = this.upload!;
    if (!existsSync(this.partPath)) await fsp.writeFile(this.partPath, new Uint8Array());
    const actual = (this.hash ?? (await this.rehash())).digest('hex');
    this.hash = null;
    const expected = manifest.delta?.sha256 ?? manifest.sha256;
    if (actual !== expected) {
      await this.clear();
      throw new AppError('ARTIFACT_HASH_MISMATCH', 'Artifact does not match its manifest', `The received ${manifest.delta ? 'delta ' : ''}bytes hash to ${actual.slice(0, 16)}… but the signed manifest says ${expected.slice(0, 16)}…. The upload was discarded; upload it again.`);
    }
    if (manifest.delta) {
      await this.rebuild();
      return;
    }
    await fsp.rename(this.partPath, this.readyPath);
    await fsyncDir(this.dir);
    this.complete = true;
  }

  /** The model from the received delta and its base, checked against the signed manifest; on any failure nothing stays. */
  private async rebuild(): Promise<void> {
    const { manifest } = this.upload!;
    const delta = manifest.delta!;
    try {
      const basePath = this.findModel(delta.base);
      if (!basePath) throw deltaBaseMissing(`No slot of this device holds the model ${delta.base.slice(0, 12)}… the delta builds on any more.`);
      await fsp.rm(this.rebuildPath, { force: true });
      await applyDelta({ deltaPath: this.partPath, basePath, outPath: this.rebuildPath, expect: { sha256: manifest.sha256, size: manifest.size, base: delta.base } });
      crashPoint('upload:rebuilt');
      await fsp.rename(this.rebuildPath, this.readyPath);
      await fsp.rm(this.partPath, { force: true });
      await fsyncDir(this.dir);
    } catch (err) {
      await this.clear();
      throw err;
    }
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
    const size = uploadBytes(parsed.data.manifest);
    // A rebuild the agent was killed in is started again from the delta.
    await fsp.rm(this.rebuildPath, { force: true });
    if (existsSync(this.readyPath) && (await fsp.stat(this.readyPath)).size === parsed.data.manifest.size) {
      this.offset = size;
      this.complete = true;
      await fsp.rm(this.partPath, { force: true });
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
