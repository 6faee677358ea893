// Content-addressed model files: <home>/artifacts/sha256/<first 2 hex>/<sha256>.
// The file is hashed while it is copied to a temporary file beside its final place, then fsynced and
// renamed into place under its hash; an existing artifact is kept and the copy dropped.
import { createHash } from 'node:crypto';
import { createReadStream, promises as fsp } from 'node:fs';
import path from 'node:path';
import type { JobProgress } from '../api/types.js';
import { throwIfCancelled } from '../jobs/task-types.js';
import { fsyncDir, tmpPathFor } from '../util/atomic-write.js';
import { privateDirMode, privateFileMode } from './home-modes.js';

export interface StoredArtifact {
  sha256: string;
  sizeBytes: number;
  path: string;
}

export interface StoreOptions {
  progress?: (p: JobProgress) => void;
  signal?: AbortSignal;
}

export function artifactsRoot(home: string): string {
  return path.join(home, 'artifacts', 'sha256');
}

export function artifactPath(home: string, sha256: string): string {
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error(`artifactPath: not a sha256 hex digest: ${sha256}`);
  return path.join(artifactsRoot(home), sha256.slice(0, 2), sha256);
}

export async function storeArtifact(home: string, srcPath: string, opts: StoreOptions = {}): Promise<StoredArtifact> {
  const root = artifactsRoot(home);
  await fsp.mkdir(root, { recursive: true, mode: privateDirMode });
  const { size: totalBytes } = await fsp.stat(srcPath);
  const tmp = tmpPathFor(path.join(root, 'incoming'));
  const hash = createHash('sha256');
  let bytes = 0;
  let lastReport = 0;
  const out = await fsp.open(tmp, 'wx', privateFileMode);
  try {
    try {
      for await (const chunk of createReadStream(srcPath, { highWaterMark: 1 << 20 })) {
        if (opts.signal) throwIfCancelled(opts.signal);
        const buf = chunk as Buffer;
        hash.update(buf);
        await out.write(buf);
        bytes += buf.length;
        if (opts.progress && (bytes - lastReport >= 8 << 20 || bytes === totalBytes)) {
          lastReport = bytes;
          opts.progress({ phase: 'reading', bytes, totalBytes, fraction: totalBytes > 0 ? bytes / totalBytes : null });
        }
      }
      await out.sync();
    } finally {
      await out.close();
    }
    const sha256 = hash.digest('hex');
    const final = artifactPath(home, sha256);
    await fsp.mkdir(path.dirname(final), { recursive: true, mode: privateDirMode });
    if (await exists(final)) {
      await fsp.rm(tmp, { force: true });
    } else {
      await fsp.rename(tmp, final);
      await fsyncDir(path.dirname(final));
    }
    return { sha256, sizeBytes: bytes, path: final };
  } catch (err) {
    await fsp.rm(tmp, { force: true });
    throw err;
  }
}

export async function removeArtifact(home: string, sha256: string): Promise<void> {
  await fsp.rm(artifactPath(home, sha256), { force: true });
}

async function exists(p: string): Promise<boolean> {
  try {
    await fsp.access(p);
    return true;
  } catch {
    return false;
  }
}
