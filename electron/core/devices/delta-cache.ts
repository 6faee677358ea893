// Model deltas the console has built, kept under <home>/artifacts/deltas/<base>-<target>.efd with a
// sidecar JSON of their size and sha256: a rollout to a thousand devices that run the same model
// builds its delta once. A delta is built from the registry's artifact store (content-addressed by
// sha256) and written atomically; a damaged cache entry is built again.
import { createHash } from 'node:crypto';
import { existsSync, promises as fsp } from 'node:fs';
import path from 'node:path';
import { buildDelta, type DeltaStats } from '../../../resources/device-protocol/delta/build-delta.js';
import { artifactPath } from '../registry/artifact-store.js';
import { privateDirMode, privateFileMode } from '../registry/home-modes.js';
import { writeFileAtomic } from '../util/atomic-write.js';

export interface CachedDelta {
  path: string;
  bytes: number;
  sha256: string;
  base: string;
  target: string;
  kind: DeltaStats['kind'];
}

/**
 * The delta also under its own sha256 in the content-addressed store (a hard link, no copy), so the
 * artifact server and `artifacts export` serve it to devices that pull (MQTT with an artifacts URL).
 */
async function publish(home: string, d: CachedDelta): Promise<void> {
  const dest = artifactPath(home, d.sha256);
  if (existsSync(dest)) return;
  await fsp.mkdir(path.dirname(dest), { recursive: true, mode: privateDirMode });
  await fsp.link(d.path, dest).catch(async (err: NodeJS.ErrnoException) => {
    if (err.code === 'EEXIST') return;
    if (err.code === 'EXDEV' || err.code === 'EPERM') await fsp.copyFile(d.path, dest);
    else throw err;
  });
}

export function deltaCacheDir(home: string): string {
  return path.join(home, 'artifacts', 'deltas');
}

function files(home: string, base: string, target: string): { delta: string; meta: string } {
  const name = `${base}-${target}`;
  return { delta: path.join(deltaCacheDir(home), `${name}.efd`), meta: path.join(deltaCacheDir(home), `${name}.json`) };
}

async function readCached(home: string, base: string, target: string): Promise<CachedDelta | null> {
  const f = files(home, base, target);
  if (!existsSync(f.meta) || !existsSync(f.delta)) return null;
  try {
    const meta = JSON.parse(await fsp.readFile(f.meta, 'utf8')) as CachedDelta;
    if ((await fsp.stat(f.delta)).size !== meta.bytes) return null;
    return { ...meta, path: f.delta };
  } catch {
    return null;
  }
}

/** Builds in progress in this process, so parallel deploys of one pair wait for one build. */
const building = new Map<string, Promise<CachedDelta | null>>();

/**
 * The delta from `base` to `target` (both sha256 of models in the artifact store), built once and
 * cached; null when the base's bytes are not in the store.
 */
export function deltaBetween(home: string, base: string, target: string): Promise<CachedDelta | null> {
  const key = `${home}\0${base}\0${target}`;
  let p = building.get(key);
  if (!p) {
    p = (async () => {
      const cached = await readCached(home, base, target);
      if (cached) {
        await publish(home, cached);
        return cached;
      }
      const basePath = artifactPath(home, base);
      if (!existsSync(basePath)) return null;
      const [baseBytes, targetBytes] = await Promise.all([fsp.readFile(basePath), fsp.readFile(artifactPath(home, target))]);
      const { delta, stats } = buildDelta(baseBytes, targetBytes);
      const f = files(home, base, target);
      await fsp.mkdir(deltaCacheDir(home), { recursive: true, mode: privateDirMode });
      await writeFileAtomic(f.delta, delta, privateFileMode);
      const meta: CachedDelta = { path: f.delta, bytes: delta.byteLength, sha256: createHash('sha256').update(delta).digest('hex'), base, target, kind: stats.kind };
      await writeFileAtomic(f.meta, `${JSON.stringify(meta, null, 2)}\n`, privateFileMode);
      await publish(home, meta);
      return meta;
    })().finally(() => building.delete(key));
    building.set(key, p);
  }
  return p;
}

/** Forgets a cached delta a device found damaged, so the next deploy builds it again. */
export async function dropDelta(home: string, base: string, target: string): Promise<void> {
  const f = files(home, base, target);
  await fsp.rm(f.meta, { force: true });
  await fsp.rm(f.delta, { force: true });
}
