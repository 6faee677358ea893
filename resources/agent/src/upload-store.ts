// A resumable upload into staging/. The durable offset is the size of artifact.part: every chunk is
// appended and fsynced before it is acknowledged, and whatever prefix of a chunk a killed process
// managed to write is still a correct prefix of the artifact. The last chunk triggers the sha256
// check; a verified artifact is renamed to artifact.ready.
import { createHash, type KeyObject } from 'node:crypto';
import { createReadStream, existsSync, promises as fsp } from 'node:fs';
import path from 'node:path';
import { AppError } from '../../../electron/core/api/errors.js';
import { canonicalJson } from '../../../electron/core/device-protocol/canonical-json.js';
import { signedManifestSchema, verifyManifest, type SignedManifest, type UploadStatus } from '../../../electron/core/device-protocol/messages.js';
import { fsyncDir, writeFileAtomic } from '../../../electron/core/util/atomic-write.js';
import { crashPoint } from './crash-points.js';

export class UploadStore {
  private upload: SignedManifest | null = null;
  private offset = 0;
  private complete = false;

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

  async begin(signed: SignedManifest, consoleKey: KeyObject | null): Promise<UploadStatus> {
    if (!consoleKey || !verifyManifest(consoleKey, signed.manifest, signed.signature)) {
      await this.clear();
      throw new AppError('MANIFEST_SIGNATURE_INVALID', 'Manifest signature does not verify', 'The manifest is unsigned, was changed after signing, or was signed by a console this device is not paired with. Nothing was stored.');
    }
    // The same signed manifest again is a resume: keep what is already here.
    if (this.upload && canonicalJson(this.upload) === canonicalJson(signed)) return this.status()!;
    await this.clear();
    await writeFileAtomic(this.metaPath, `${JSON.stringify(signed, null, 2)}\n`);
    crashPoint('upload:meta-written');
    this.upload = signed;
    this.offset = 0;
    this.complete = false;
    if (signed.manifest.size === 0) await this.finish();
    return this.status()!;
  }

  async chunk(offset: number, data: Uint8Array): Promise<UploadStatus> {
    if (!this.upload) {
      throw new AppError('UPLOAD_NOT_STARTED', 'No upload in progress', 'Send upload-begin with a signed manifest first.');
    }
    if (this.complete) return this.status()!;
    if (offset !== this.offset) {
      throw new AppError('UPLOAD_OFFSET_MISMATCH', 'Chunk at the wrong offset', `The device holds ${this.offset} bytes but the chunk starts at ${offset}. Ask upload-status and resume from its offset.`);
    }
    const size = this.upload.manifest.size;
    if (offset + data.byteLength > size) {
      await this.clear();
      throw new AppError('UPLOAD_TOO_LONG', 'Artifact longer than its manifest', `The manifest says ${size} bytes but the chunk ends at ${offset + data.byteLength}. The upload was discarded.`);
    }
    const fh = await fsp.open(this.partPath, 'a');
    try {
      await fh.write(data);
      await fh.datasync();
    } finally {
      await fh.close();
    }
    this.offset += data.byteLength;
    crashPoint('upload:chunk-written');
    if (this.offset === size) await this.finish();
    return this.status()!;
  }

  async clear(): Promise<void> {
    this.upload = null;
    this.offset = 0;
    this.complete = false;
    for (const f of [this.metaPath, this.partPath, this.readyPath]) await fsp.rm(f, { force: true });
    await fsyncDir(this.dir);
  }

  private async finish(): Promise<void> {
    const { manifest } = this.upload!;
    if (!existsSync(this.partPath)) await fsp.writeFile(this.partPath, new Uint8Array());
    const actual = await sha256File(this.partPath);
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
    this.offset = existsSync(this.partPath) ? (await fsp.stat(this.partPath)).size : 0;
    if (this.offset > size) {
      await this.clear();
      return;
    }
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

function sha256File(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(file)
      .on('data', (c) => hash.update(c))
      .on('end', () => resolve(hash.digest('hex')))
      .on('error', reject);
  });
}
