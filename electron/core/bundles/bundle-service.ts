// The site-bundle operations of one console home, audited once here whichever front end asks (the CLI,
// the app over IPC, the browser mode over HTTP).
import path from 'node:path';
import { AuditLog } from '../audit/audit-store.js';
import type { ModelSummary } from '../api/types.js';
import { AppError } from '../api/errors.js';
import type { DeviceContext } from '../devices/device-context.js';
import type { Registry } from '../registry/registry.js';
import type { RolloutEngine } from '../rollouts/engine.js';
import { createBundle, type CreatedBundle } from './bundle-create.js';
import { importBundle, type ImportResult } from './bundle-import.js';
import { findModel, readPlan, type BundlePlan } from './bundle-plan.js';
import { runPlan } from './bundle-run.js';
import { BundleStore, type BundleRecord } from './bundle-store.js';
import { readTrustedSite, type TrustedSite } from './bundle-trust.js';
import { importSiteReport, type ReportImportResult } from './report-import.js';
import { createSiteReport, type SiteReport } from './site-report.js';

export interface BundleList {
  site: TrustedSite | null;
  bundles: BundleRecord[];
}

export interface CreateInput {
  site: string;
  /** Registry ids, names or NAME@VERSION. */
  models: string[];
  planFile?: string;
  plan?: BundlePlan | null;
  agentArchs: string[];
  expiresInDays: number;
  outDir: string;
  partSize?: number;
  /** Carry full models even where the site's last report shows a base to delta against. */
  noDelta?: boolean;
}

/** The models a site holds by its newest imported report: every device's slots, and the models its plans ran. */
export function siteHoldings(registry: Registry, site: string): Set<string> {
  const row = registry.db.prepare('SELECT body FROM site_reports WHERE site = ? ORDER BY created_at DESC LIMIT 1').get(site) as { body: string } | undefined;
  const out = new Set<string>();
  if (!row) return out;
  const report = JSON.parse(row.body) as SiteReport;
  for (const d of report.devices) for (const slot of [d.signed?.report.slots.a, d.signed?.report.slots.b]) if (slot) out.add(slot.sha256);
  for (const b of report.bundles) for (const w of b.waves) out.add(w.model.sha256);
  return out;
}

export class BundleService {
  readonly audit: AuditLog;
  readonly store: BundleStore;

  constructor(
    private readonly o: { home: string; registry: Registry; devices: DeviceContext; engine: RolloutEngine; actor: string; resourcesDir?: string },
  ) {
    this.audit = new AuditLog(o.registry.db);
    this.store = new BundleStore(o.registry.db);
  }

  async create(input: CreateInput): Promise<CreatedBundle> {
    const models: ModelSummary[] = input.models.map((ref) => {
      const m = findModel(this.o.registry, ref);
      if (!m) throw new AppError('MODEL_NOT_FOUND', 'Model not found', `"${ref}" is not in the registry (an id, a name or NAME@VERSION; see \`edgefleet models list\`).`);
      return m;
    });
    const plan = input.plan ?? (input.planFile ? readPlan(input.planFile, this.o.registry) : null);
    try {
      const siteHolds = input.noDelta ? new Set<string>() : siteHoldings(this.o.registry, input.site);
      const created = await createBundle({ home: this.o.home, registry: this.o.registry, site: input.site, models, plan, agentArchs: input.agentArchs, expiresInDays: input.expiresInDays, outDir: path.resolve(input.outDir), partSize: input.partSize, resourcesDir: this.o.resourcesDir, siteHolds });
      this.audit.append({ actor: this.o.actor, action: 'bundle.create', target: `bundle:${created.header.id}`, params: { site: created.header.site, version: created.header.version, expires: created.header.expires, contents: created.header.contents.map((c) => c.path), dir: created.dir }, outcome: 'succeeded' });
      return created;
    } catch (e) {
      this.audit.append({ actor: this.o.actor, action: 'bundle.create', target: `site:${input.site}`, params: { dir: input.outDir }, outcome: 'failed', detail: e instanceof AppError ? `${e.title}: ${e.detail}` : String(e) });
      throw e;
    }
  }

  import(input: { dir: string; trustRoot?: string; clockFromBundle?: boolean }): Promise<ImportResult> {
    return importBundle({ home: this.o.home, registry: this.o.registry, audit: this.audit, actor: this.o.actor, dir: path.resolve(input.dir), trustRoot: input.trustRoot, clockFromBundle: input.clockFromBundle });
  }

  run(id: string, o: { wait: boolean; proceed?: boolean; onChange?: (r: BundleRecord) => void }): Promise<BundleRecord> {
    return runPlan({ registry: this.o.registry, engine: this.o.engine, audit: this.audit, actor: this.o.actor, bundleId: id, ...o });
  }

  async report(input: { outDir: string; bundleIds?: string[] }): Promise<{ report: SiteReport; dir: string; keySha256: string }> {
    const made = await createSiteReport({ devices: this.o.devices, engine: this.o.engine, outDir: path.resolve(input.outDir), bundleIds: input.bundleIds });
    this.audit.append({ actor: this.o.actor, action: 'bundle.report', target: `site:${made.report.site}`, params: { report: made.report.id, dir: made.dir, devices: made.report.devices.length }, outcome: 'succeeded' });
    return made;
  }

  importReport(input: { dir: string; trustSite?: string }): Promise<ReportImportResult> {
    return importSiteReport({ db: this.o.registry.db, audit: this.audit, actor: this.o.actor, dir: path.resolve(input.dir), trustSite: input.trustSite });
  }

  /** Moves every plan on whose current wave's rollout has settled (a long-running console calls it as rollouts change). */
  async advanceAll(): Promise<void> {
    for (const b of this.store.list()) {
      if (!b.waves.some((w) => w.status === 'running')) continue;
      await this.run(b.id, { wait: false }).catch(() => undefined);
    }
  }

  list(): BundleList {
    return { site: readTrustedSite(this.o.home), bundles: this.store.list() };
  }
}
