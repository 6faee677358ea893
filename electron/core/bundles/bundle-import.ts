// `bundle import`: every part is checked against SHA256SUMS before a byte is unpacked; the tar stream is
// then read in order: header and TUF metadata first (verified with tuf-js against the trusted root
// before any payload is read), every payload file hashed while it streams into a staging folder and
// checked against its signed length and sha256. Only when everything matched do the models enter the
// registry (with their lineage), the trusted metadata advance and the bundle get recorded; a refusal
// leaves the console as it was.
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, promises as fsp } from 'node:fs';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tarStream from 'tar-stream';
import { AppError } from '../api/errors.js';
import type { AuditLog } from '../audit/audit-store.js';
import { inspectFile } from '../inspect/inspect.js';
import { artifactPath, artifactsRoot } from '../registry/artifact-store.js';
import { privateDirMode } from '../registry/home-modes.js';
import type { Registry } from '../registry/registry.js';
import { fsyncDir } from '../util/atomic-write.js';
import { headerPath, headerSchema, modelMetaSchema, planPath, tufPrefix, type BundleHeader, type ModelMeta } from './bundle-contents.js';
import { checkParts, readParts } from './bundle-parts.js';
import { parseFrozenPlan, type BundlePlan } from './bundle-plan.js';
import { BundleStore, type BundleRecord, type ImportedAgent, type ImportedModel } from './bundle-store.js';
import { verifyMetadata, type VerifiedMetadata } from './bundle-trust.js';

export interface ImportOptions {
  home: string;
  registry: Registry;
  audit: AuditLog;
  actor: string;
  dir: string;
  trustRoot?: string;
  clockFromBundle?: boolean;
  now?: Date;
}

export interface ImportResult {
  bundle: BundleRecord;
  /** True when this bundle was imported before: nothing changed. */
  already: boolean;
  clockFromBundle: boolean;
}

const metadataCap = 1 << 20;
const err = (code: string, title: string, detail: string) => new AppError(code, title, detail);

async function readSmall(entry: AsyncIterable<Buffer>, name: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of entry) {
    n += c.length;
    if (n > metadataCap) throw err('BUNDLE_METADATA_INVALID', 'The bundle’s metadata is too large', `${name} is over ${metadataCap} bytes; it was not made by \`edgefleet bundle create\`.`);
    chunks.push(c);
  }
  return Buffer.concat(chunks);
}

/** Streams one entry into `file`, refusing it as soon as it passes its signed length, then checks its hash. */
async function receive(entry: NodeJS.ReadableStream, file: string, name: string, want: { length: number; sha256: string }): Promise<void> {
  const hash = createHash('sha256');
  let n = 0;
  const check = new Transform({
    transform(chunk: Buffer, _enc, done) {
      n += chunk.length;
      if (n > want.length) return done(err('BUNDLE_FILE_MISMATCH', 'A file in the bundle does not match its signature', `${name} is longer than the ${want.length} bytes its signed metadata gives.`));
      hash.update(chunk);
      done(null, chunk);
    },
  });
  await pipeline(entry, check, createWriteStream(file, { flags: 'wx', mode: 0o600 }));
  const got = hash.digest('hex');
  if (n !== want.length || got !== want.sha256) {
    throw err('BUNDLE_FILE_MISMATCH', 'A file in the bundle does not match its signature', `${name}: ${n} bytes with sha256 ${got.slice(0, 16)}…, signed as ${want.length} bytes with ${want.sha256.slice(0, 16)}…. The bundle was changed after it was signed; get it again from the connected console.`);
  }
}

async function checkSpace(home: string, bytes: number): Promise<void> {
  mkdirSync(home, { recursive: true });
  const st = await fsp.statfs(home);
  const free = st.bavail * st.bsize;
  const need = Math.ceil(bytes * 1.1);
  if (free < need) {
    const mb = (x: number) => `${(x / 1e6).toFixed(0)} MB`;
    throw err('BUNDLE_NO_SPACE', 'Not enough disk space to import the bundle', `Importing needs about ${mb(need)} free beside ${home}; ${mb(free)} are free. Free some space (old models: \`edgefleet models remove\`) and import again.`);
  }
}

interface Received {
  header: BundleHeader | null;
  plan: BundlePlan | null;
  files: Map<string, string>;
}

export async function importBundle(o: ImportOptions): Promise<ImportResult> {
  const parts = await checkParts(o.dir);
  await checkSpace(o.home, parts.reduce((s, p) => s + p.size, 0));
  const bundlesDir = path.join(o.home, 'bundles');
  mkdirSync(bundlesDir, { recursive: true, mode: privateDirMode });
  const staging = path.join(bundlesDir, `.incoming-${randomBytes(6).toString('hex')}`);
  mkdirSync(staging, { mode: privateDirMode });
  const tuf = new Map<string, Buffer>();
  const got: Received = { header: null, plan: null, files: new Map() };
  let verified: VerifiedMetadata | null = null;
  let headerBytes: Buffer | null = null;
  const store = new BundleStore(o.registry.db);
  try {
    const extract = tarStream.extract();
    const reading = pipeline(readParts(o.dir, parts), extract);
    // Leaving the loop early (a refusal) destroys the extractor: that rejection is the refusal's echo.
    reading.catch(() => undefined);
    for await (const entry of extract) {
      const name = entry.header.name;
      if (entry.header.type !== 'file' || name.includes('..') || name.startsWith('/')) {
        throw err('BUNDLE_LAYOUT', 'The bundle holds an entry it should not', `"${name}" (${entry.header.type}) is not a file of a site bundle.`);
      }
      if (!verified && name === headerPath) {
        headerBytes = await readSmall(entry as unknown as AsyncIterable<Buffer>, name);
        continue;
      }
      if (!verified && name.startsWith(tufPrefix)) {
        tuf.set(name.slice(tufPrefix.length), await readSmall(entry as unknown as AsyncIterable<Buffer>, name));
        continue;
      }
      if (!verified) verified = await verifyMetadata({ home: o.home, files: tuf, trustRoot: o.trustRoot, clockFromBundle: o.clockFromBundle, now: o.now });
      const target = verified.targets.get(name);
      if (!target) throw err('BUNDLE_LAYOUT', 'The bundle holds a file its signature does not list', `${name} is not among the signed targets; the bundle was changed after it was signed.`);
      if (got.files.has(name)) throw err('BUNDLE_LAYOUT', 'The bundle holds a file twice', `${name} comes twice in the archive.`);
      const file = path.join(staging, `f${got.files.size}`);
      await receive(entry as unknown as NodeJS.ReadableStream, file, name, { length: target.length, sha256: target.hashes.sha256 ?? '' });
      got.files.set(name, file);
    }
    await reading;
    if (!verified) {
      if (!tuf.size) throw err('BUNDLE_LAYOUT', 'The bundle has no signed metadata', 'No tuf/ files were found at the start of the archive; it was not made by `edgefleet bundle create`.');
      verified = await verifyMetadata({ home: o.home, files: tuf, trustRoot: o.trustRoot, clockFromBundle: o.clockFromBundle, now: o.now });
    }
    const v = verified;
    // The header came before the metadata: check it against its signed hash now.
    const headerTarget = v.targets.get(headerPath);
    if (!headerBytes || !headerTarget || createHash('sha256').update(headerBytes).digest('hex') !== headerTarget.hashes.sha256) {
      throw err('BUNDLE_FILE_MISMATCH', 'The bundle’s header does not match its signature', `${headerPath} is missing or was changed after signing.`);
    }
    const missing = [...v.targets.keys()].filter((p) => p !== headerPath && !got.files.has(p));
    if (missing.length) throw err('BUNDLE_INCOMPLETE', 'The bundle is missing files its signature lists', `${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ` and ${missing.length - 5} more` : ''}. The archive was cut short; copy the bundle again.`);
    const header = headerSchema.parse(JSON.parse(headerBytes.toString('utf8'))) as BundleHeader;
    if (store.has(header.id)) {
      await v.discard();
      return { bundle: store.get(header.id)!, already: true, clockFromBundle: false };
    }
    const planFile = got.files.get(planPath);
    const plan = planFile ? parseFrozenPlan(await fsp.readFile(planFile)) : null;
    const record = await commit(o, v, header, plan, got.files);
    return { bundle: record, already: false, clockFromBundle: v.clock.clockBehindDays > 1 };
  } catch (e) {
    await verified?.discard();
    o.audit.append({ actor: o.actor, action: 'bundle.import', target: `bundle:${path.basename(o.dir)}`, params: { dir: o.dir }, outcome: 'failed', detail: e instanceof AppError ? `${e.title}: ${e.detail}` : String(e) });
    throw e;
  } finally {
    await fsp.rm(staging, { recursive: true, force: true });
  }
}

async function commit(o: ImportOptions, v: VerifiedMetadata, header: BundleHeader, plan: BundlePlan | null, files: Map<string, string>): Promise<BundleRecord> {
  const metas: ModelMeta[] = [];
  for (const [name, file] of files) if (name.startsWith('models/') && name.endsWith('.json')) metas.push(modelMetaSchema.parse(JSON.parse(await fsp.readFile(file, 'utf8'))) as ModelMeta);
  const inspects = new Map<string, Awaited<ReturnType<typeof inspectFile>> | null>();
  for (const m of metas) {
    const file = files.get(`models/${m.sha256}`);
    if (!file) throw err('BUNDLE_INCOMPLETE', 'A model in the bundle has no file', `models/${m.sha256} is described but not carried.`);
    inspects.set(m.sha256, await inspectFile(file).catch(() => null));
  }
  // Files first (content-addressed: an artifact without a registry row is harmless), then the trusted
  // metadata, then one transaction for the registry and the bundle record.
  await fsp.mkdir(artifactsRoot(o.home), { recursive: true, mode: privateDirMode });
  for (const m of metas) {
    const dest = artifactPath(o.home, m.sha256);
    if (existsSync(dest)) continue;
    await fsp.mkdir(path.dirname(dest), { recursive: true, mode: privateDirMode });
    await fsp.rename(files.get(`models/${m.sha256}`)!, dest);
    await fsyncDir(path.dirname(dest));
  }
  const agents: ImportedAgent[] = [];
  const agentDir = path.join(o.home, 'bundles', header.id, 'agents');
  for (const [name, file] of files) {
    if (!name.startsWith('agents/')) continue;
    const custom = v.targets.get(name)!.custom as { arch?: string; agentVersion?: string };
    await fsp.mkdir(agentDir, { recursive: true, mode: privateDirMode });
    const dest = path.join(agentDir, path.basename(name));
    await fsp.rename(file, dest);
    agents.push({ arch: custom.arch ?? 'unknown', agentVersion: custom.agentVersion ?? 'unknown', path: dest });
  }
  await v.commit();
  const importedAt = new Date().toISOString();
  const store = new BundleStore(o.registry.db);
  const models = o.registry.db.transaction((): ImportedModel[] => {
    const out: ImportedModel[] = [];
    for (const m of metas) {
      const parent = m.parentSha256 ? o.registry.findBySha256(m.parentSha256) : null;
      const { model, created } = o.registry.addModel({
        name: m.name,
        sha256: m.sha256,
        sizeBytes: m.sizeBytes,
        sourceFile: null,
        inspect: inspects.get(m.sha256) ?? null,
        tags: m.tags,
        parentId: parent?.id ?? null,
        recipe: m.recipe,
        metrics: m.metrics,
        calibrationSha256: m.calibrationSha256,
      });
      out.push({ sha256: m.sha256, id: model.id, name: model.name, version: model.version, created });
    }
    store.insert({ id: header.id, site: header.site, version: header.version, createdAt: header.createdAt, expires: header.expires, importedAt, header, plan, models: out, agents });
    o.audit.append({
      actor: o.actor,
      action: 'bundle.import',
      target: `bundle:${header.id}`,
      params: { site: header.site, version: header.version, models: out.map((x) => `${x.name} v${x.version}`), agents: agents.map((a) => a.arch), waves: plan?.waves.length ?? 0 },
      outcome: 'succeeded',
      detail: v.clock.clockBehindDays > 1 ? `clock ${Math.round(v.clock.clockBehindDays)} days behind; expiry judged against ${v.clock.effective} (--clock-from-bundle)` : null,
    });
    return out;
  })();
  void models;
  return store.get(header.id)!;
}
