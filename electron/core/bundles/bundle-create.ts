// `bundle create`: a release for a site with no network, as files. One tar stream (header, TUF metadata,
// plan, agent builds, models last) cut into parts with a SHA256SUMS list; the TUF targets metadata holds
// the length and sha256 of every file inside, signed by this console's release authority.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, promises as fsp, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { TargetFile } from '@tufjs/models';
import tarStream from 'tar-stream';
import { buildAgentArchive } from '../agent-build/agent-build.js';
import { AppError } from '../api/errors.js';
import type { ModelSummary } from '../api/types.js';
import { loadOrCreateConsoleKey } from '../devices/console-key.js';
import { artifactPath } from '../registry/artifact-store.js';
import type { Registry } from '../registry/registry.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { bestBundleDelta } from './bundle-delta.js';
import { agentPath, bundleFormat, headerPath, modelDeltaPath, modelMetaPath, modelPath, planPath, sitePattern, tufPrefix, type BundleHeader, type ModelMeta, type TargetKind } from './bundle-contents.js';
import { fat32MaxFile, formatSums, sumsFile, writeParts, type BundlePart } from './bundle-parts.js';
import type { BundlePlan } from './bundle-plan.js';
import { nextBundleVersion } from './bundle-version.js';
import { initAuthority, loadAuthority, signBundleMetadata, type Authority } from './tuf-authority.js';

export interface CreateBundleOptions {
  home: string;
  registry: Registry;
  site: string;
  /** Registry models to carry besides the plan's. */
  models: ModelSummary[];
  plan: BundlePlan | null;
  agentArchs: string[];
  expiresInDays: number;
  outDir: string;
  partSize?: number;
  resourcesDir?: string;
  now?: Date;
  /** sha256 of the models the site holds (its last report): models travel as deltas against them where that pays. */
  siteHolds?: ReadonlySet<string>;
}

export interface CreatedBundle {
  dir: string;
  header: BundleHeader;
  parts: BundlePart[];
  /** sha256 of each root version's file: what a site checks before it trusts this authority. */
  rootFingerprints: { version: number; sha256: string }[];
  bytes: number;
}

interface Item {
  path: string;
  kind: TargetKind;
  source: { bytes: Buffer } | { file: string; size: number };
  custom?: Record<string, unknown>;
}

export const infoFile = 'bundle-info.json';

const bundleError = (code: string, title: string, detail: string) => new AppError(code, title, detail);

function checkOptions(o: CreateBundleOptions): void {
  if (!sitePattern.test(o.site)) throw bundleError('BUNDLE_SITE_INVALID', 'Site name not usable', `"${o.site}": use letters, digits, dot, dash or underscore (up to 64), e.g. --site plant-7.`);
  if (!Number.isInteger(o.expiresInDays) || o.expiresInDays < 1 || o.expiresInDays > 365) {
    throw bundleError('BUNDLE_EXPIRY_INVALID', 'Expiry not usable', `--expires-in-days ${o.expiresInDays}: give whole days from 1 to 365 (the time to carry the bundle in and install it).`);
  }
  if (!o.plan && o.models.length === 0 && o.agentArchs.length === 0) {
    throw bundleError('BUNDLE_EMPTY', 'Nothing to put in the bundle', 'Give --plan PLAN.json, --model M or --agent arm64,x64.');
  }
  if (existsSync(o.outDir) && readdirSync(o.outDir).length > 0) {
    throw bundleError('BUNDLE_OUTPUT_NOT_EMPTY', 'Output folder is not empty', `${o.outDir} already holds files; give an empty or new folder so no stale part from an earlier bundle sits beside the new ones.`);
  }
}

const sizeOf = (s: Item['source']) => ('bytes' in s ? s.bytes.length : s.size);
const sha256Of = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function modelItems(registry: Registry, home: string, models: ModelSummary[], siteHolds: ReadonlySet<string>): Promise<Item[]> {
  // Parents before children, so an importer can link lineage as it registers.
  const bySha = new Map(models.map((m) => [m.sha256, m]));
  const order: ModelSummary[] = [];
  const visit = (m: ModelSummary) => {
    if (order.includes(m)) return;
    const parent = m.parentId ? registry.getModel(m.parentId) : null;
    if (parent && bySha.has(parent.sha256)) visit(bySha.get(parent.sha256)!);
    order.push(m);
  };
  models.forEach(visit);
  const items: Item[] = [];
  for (const m of order) {
    const file = artifactPath(home, m.sha256);
    if (!existsSync(file)) throw bundleError('MODEL_ARTIFACT_MISSING', 'Model file missing', `The registry has ${m.name} v${m.version} but not its file; import the model again.`);
    const detail = registry.getModel(m.id)!;
    const parent = m.parentId ? registry.getModel(m.parentId) : null;
    const delta = await bestBundleDelta(home, registry, m, siteHolds);
    const meta: ModelMeta = {
      sha256: m.sha256,
      name: m.name,
      version: m.version,
      sizeBytes: m.sizeBytes,
      parentSha256: parent?.sha256 ?? null,
      tags: m.tags,
      recipe: detail.recipe ?? null,
      metrics: detail.metrics ?? null,
      calibrationSha256: null,
      ...(delta ? { delta: { base: delta.base, bytes: delta.bytes } } : {}),
    };
    items.push({ path: modelMetaPath(m.sha256), kind: 'model-meta', source: { bytes: Buffer.from(`${JSON.stringify(meta, null, 1)}\n`) }, custom: { kind: 'model-meta' } });
    items.push(
      delta
        ? { path: modelDeltaPath(m.sha256), kind: 'model-delta', source: { file: delta.path, size: delta.bytes }, custom: { kind: 'model-delta', name: m.name, version: m.version, base: delta.base } }
        : { path: modelPath(m.sha256), kind: 'model', source: { file, size: m.sizeBytes }, custom: { kind: 'model', name: m.name, version: m.version } },
    );
  }
  return items;
}

async function agentItems(o: CreateBundleOptions, tmp: string): Promise<Item[]> {
  if (!o.agentArchs.length) return [];
  const key = await loadOrCreateConsoleKey(o.home);
  const out: Item[] = [];
  for (const arch of o.agentArchs) {
    const file = path.join(tmp, `agent-${arch}.tar.gz`);
    const built = await buildAgentArchive({ arch, output: file, key, resourcesDir: o.resourcesDir, created: o.now });
    out.push({ path: agentPath(built.arch), kind: 'agent', source: { file, size: built.archiveBytes }, custom: { kind: 'agent', arch: built.arch, agentVersion: built.signed.manifest.agentVersion } });
  }
  return out;
}

async function targetFileOf(item: Item): Promise<TargetFile> {
  let sha256: string;
  let length: number;
  if ('bytes' in item.source) {
    sha256 = sha256Of(item.source.bytes);
    length = item.source.bytes.length;
  } else {
    const h = createHash('sha256');
    for await (const c of createReadStream(item.source.file, { highWaterMark: 1 << 20 })) h.update(c as Buffer);
    sha256 = h.digest('hex');
    length = item.source.size;
  }
  return new TargetFile({ path: item.path, length, hashes: { sha256 }, unrecognizedFields: { custom: (item.custom ?? { kind: item.kind }) as never } });
}

/** Streams the entries into a tar, in order, while the parts writer reads it. */
async function packInto(entries: { name: string; source: { bytes: Buffer } | { file: string; size: number } }[], write: (source: AsyncIterable<Uint8Array>) => Promise<BundlePart[]>, mtime: Date): Promise<BundlePart[]> {
  const pack = tarStream.pack();
  const feeding = (async () => {
    for (const e of entries) {
      const header = { name: e.name, mode: 0o644, mtime, uid: 0, gid: 0, uname: 'root', gname: 'root' };
      const src = e.source;
      if ('bytes' in src) {
        await new Promise<void>((resolve, reject) => pack.entry(header, src.bytes, (err) => (err ? reject(err) : resolve())));
      } else {
        const sink = pack.entry({ ...header, size: src.size });
        await pipeline(createReadStream(src.file, { highWaterMark: 1 << 20 }), sink);
      }
    }
    pack.finalize();
  })();
  const [parts] = await Promise.all([write(pack as AsyncIterable<Uint8Array>), feeding.catch((err) => { pack.destroy(err as Error); throw err; })]);
  return parts;
}

export async function createBundle(o: CreateBundleOptions): Promise<CreatedBundle> {
  checkOptions(o);
  const now = o.now ?? new Date();
  const authority: Authority = loadAuthority(o.home) ?? (await initAuthority(o.home));
  const planModels = (o.plan?.waves ?? []).map((w) => {
    const m = o.registry.findBySha256(w.model.sha256);
    if (!m) throw bundleError('MODEL_NOT_FOUND', 'Model not found', `The plan's wave "${w.name}" names ${w.model.name} v${w.model.version}, which is no longer in the registry.`);
    return m;
  });
  const models = [...new Map([...o.models, ...planModels].map((m) => [m.sha256, m])).values()];
  const tmp = await fsp.mkdtemp(path.join(os.tmpdir(), 'edgefleet-bundle-'));
  try {
    const payload: Item[] = [
      ...(o.plan ? [{ path: planPath, kind: 'plan', source: { bytes: Buffer.from(`${JSON.stringify(o.plan, null, 1)}\n`) } } satisfies Item] : []),
      ...(await agentItems(o, tmp)),
      ...(await modelItems(o.registry, o.home, models, o.siteHolds ?? new Set())),
    ];
    const version = nextBundleVersion(authority);
    const expires = new Date(now.getTime() + o.expiresInDays * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const id = `${o.site.toLowerCase().replace(/[^a-z0-9-]/g, '-')}-${version}-${randomBytes(3).toString('hex')}`;
    const header: BundleHeader = {
      format: bundleFormat,
      formatVersion: 1,
      id,
      site: o.site,
      createdAt: now.toISOString(),
      expires,
      version,
      contents: payload.map((p) => ({ path: p.path, kind: p.kind, bytes: sizeOf(p.source) })),
    };
    const headerItem: Item = { path: headerPath, kind: 'header', source: { bytes: Buffer.from(`${JSON.stringify(header, null, 1)}\n`) } };
    const targetFiles = await Promise.all([headerItem, ...payload].map(targetFileOf));
    const signed = signBundleMetadata(authority, targetFiles, version, expires, { site: o.site, bundleId: id, createdAt: header.createdAt });
    const metadata = [
      ...authority.rootFiles.map((r) => ({ name: `${tufPrefix}${r.version}.root.json`, source: { bytes: r.bytes } })),
      { name: `${tufPrefix}timestamp.json`, source: { bytes: signed.timestamp } },
      { name: `${tufPrefix}snapshot.json`, source: { bytes: signed.snapshot } },
      { name: `${tufPrefix}targets.json`, source: { bytes: signed.targets } },
    ];
    mkdirSync(o.outDir, { recursive: true });
    const entries = [{ name: headerItem.path, source: headerItem.source }, ...metadata, ...payload.map((p) => ({ name: p.path, source: p.source }))];
    let parts: BundlePart[] = [];
    try {
      parts = await packInto(entries, (source) => writeParts(source, o.outDir, id, o.partSize ?? fat32MaxFile), now);
      await writeFileAtomic(path.join(o.outDir, sumsFile), formatSums(parts));
      await writeFileAtomic(path.join(o.outDir, infoFile), `${JSON.stringify({ ...header, parts }, null, 1)}\n`);
    } catch (err) {
      // A bundle that is not whole must not look like one (a full stick, a pulled cable).
      await Promise.all([...parts.map((p) => p.file), sumsFile, infoFile].map((f) => fsp.rm(path.join(o.outDir, f), { force: true })));
      throw err;
    }
    return {
      dir: o.outDir,
      header,
      parts,
      rootFingerprints: authority.rootFiles.map((r) => ({ version: r.version, sha256: sha256Of(r.bytes) })),
      bytes: parts.reduce((s, p) => s + p.size, 0),
    };
  } finally {
    await fsp.rm(tmp, { recursive: true, force: true });
  }
}
