// `bundle import` on the site console: the bundle is read and verified (bundle-receive.ts); only when
// everything matched do the models enter the registry (with their lineage), the trusted metadata advance
// and the bundle get recorded; a refusal leaves the console as it was.
import { existsSync, promises as fsp } from 'node:fs';
import path from 'node:path';
import { AppError } from '../api/errors.js';
import type { AuditLog } from '../audit/audit-store.js';
import { inspectFile } from '../inspect/inspect.js';
import { artifactPath, artifactsRoot } from '../registry/artifact-store.js';
import { privateDirMode } from '../registry/home-modes.js';
import type { Registry } from '../registry/registry.js';
import { fsyncDir } from '../util/atomic-write.js';
import { resignAgentBuild } from '../agent-build/resign-build.js';
import { loadOrCreateConsoleKey } from '../devices/console-key.js';
import { modelMetaPath, modelMetaSchema, type BundleHeader, type ModelMeta } from './bundle-contents.js';
import { materializeModel } from './bundle-delta.js';
import type { BundlePlan } from './bundle-plan.js';
import { receiveBundle, type ReceivedBundle } from './bundle-receive.js';
import { BundleStore, type BundleRecord, type ImportedAgent, type ImportedModel } from './bundle-store.js';
import type { VerifiedMetadata } from './bundle-trust.js';


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

export async function importBundle(o: ImportOptions): Promise<ImportResult> {
  const store = new BundleStore(o.registry.db);
  let got: ReceivedBundle | null = null;
  try {
    got = await receiveBundle(o);
    if (store.has(got.header.id)) return { bundle: store.get(got.header.id)!, already: true, clockFromBundle: false };
    const record = await commit(o, got.verified, got.header, got.plan, got.files);
    return { bundle: record, already: false, clockFromBundle: got.verified.clock.clockBehindDays > 1 };
  } catch (e) {
    o.audit.append({ actor: o.actor, action: 'bundle.import', target: `bundle:${path.basename(o.dir)}`, params: { dir: o.dir }, outcome: 'failed', detail: e instanceof AppError ? `${e.title}: ${e.detail}` : String(e) });
    throw e;
  } finally {
    await got?.cleanup();
  }
}

async function commit(o: ImportOptions, v: VerifiedMetadata, header: BundleHeader, plan: BundlePlan | null, files: Map<string, string>): Promise<BundleRecord> {
  const metas: ModelMeta[] = [];
  for (const [name, file] of files) if (name.startsWith('models/') && name.endsWith('.json')) metas.push(modelMetaSchema.parse(JSON.parse(await fsp.readFile(file, 'utf8'))) as ModelMeta);
  // Full files (a delta rebuilt against this console's copy of its base), inspected before anything moves.
  const full = new Map<string, string>();
  const inspects = new Map<string, Awaited<ReturnType<typeof inspectFile>> | null>();
  for (const m of metas) {
    const anyFile = files.get(modelMetaPath(m.sha256))!;
    const file = await materializeModel(m, files, (sha) => (existsSync(artifactPath(o.home, sha)) ? artifactPath(o.home, sha) : null), path.dirname(anyFile));
    full.set(m.sha256, file);
    inspects.set(m.sha256, await inspectFile(file).catch(() => null));
  }
  // Files first (content-addressed: an artifact without a registry row is harmless), then the trusted
  // metadata, then one transaction for the registry and the bundle record.
  await fsp.mkdir(artifactsRoot(o.home), { recursive: true, mode: privateDirMode });
  for (const m of metas) {
    const dest = artifactPath(o.home, m.sha256);
    if (existsSync(dest)) continue;
    await fsp.mkdir(path.dirname(dest), { recursive: true, mode: privateDirMode });
    await fsp.rename(full.get(m.sha256)!, dest);
    await fsyncDir(path.dirname(dest));
  }
  const agents: ImportedAgent[] = [];
  const agentDir = path.join(o.home, 'bundles', header.id, 'agents');
  for (const [name, file] of files) {
    if (!name.startsWith('agents/')) continue;
    const custom = v.targets.get(name)!.custom as { arch?: string; agentVersion?: string };
    await fsp.mkdir(agentDir, { recursive: true, mode: privateDirMode });
    const dest = path.join(agentDir, path.basename(name));
    // This site's devices pinned this console's key: the build (verified against the bundle) is signed with it.
    await resignAgentBuild(file, dest, await loadOrCreateConsoleKey(o.home));
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
