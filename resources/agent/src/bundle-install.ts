// Installing from a site bundle with no console at all (as Mender's standalone mode): from a folder on a
// USB stick, `edgefleet-agent install DIR`, or a folder the agent watches. The bundle is verified exactly
// as the site console verifies it (bundle-receive.ts: every part, then TUF against the root this device
// pinned), then the model this device should run goes into the inactive slot with the usual trial, health
// check and automatic revert. The result, with the device's signed report, is written beside the bundle.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, promises as fsp } from 'node:fs';
import path from 'node:path';
import { AppError } from '../../../electron/core/api/errors.js';
import { modelMetaSchema, modelMetaPath, type ModelMeta } from '../../../electron/core/bundles/bundle-contents.js';
import { materializeModel } from '../../../electron/core/bundles/bundle-delta.js';
import { receiveBundle } from '../../../electron/core/bundles/bundle-receive.js';
import type { PlanWave } from '../../../electron/core/bundles/bundle-plan.js';
import { writeFileAtomic } from '../../../electron/core/util/atomic-write.js';
import type { SignedReport } from '../../device-protocol/device-report.js';
import type { HealthReport } from '../../device-protocol/messages.js';
import type { Deployment } from './deployment.js';
import { crashPoint } from './crash-points.js';
import { makeReport } from './device-report.js';
import type { Identity } from './identity.js';
import type { SlotStore } from './slot-store.js';
import type { UploadStore } from './upload-store.js';

export interface InstallParts {
  dataDir: string;
  identity: Identity;
  store: SlotStore;
  uploads: UploadStore;
  deployment: Deployment;
}

export interface InstallOptions {
  dir: string;
  trustRoot?: string;
  clockFromBundle?: boolean;
  /** NAME or NAME@VERSION, when the plan names no wave for this device. */
  model?: string;
  /** Healthy seconds before the trial confirms itself. */
  trialSec: number;
}

export interface InstallResult {
  format: 'edgefleet-standalone-install-1';
  bundleId: string;
  site: string;
  deviceId: string;
  model: { name: string; version: number; sha256: string } | null;
  outcome: 'installed' | 'reverted' | 'already-running' | 'already-installed';
  detail: string;
  health: HealthReport | null;
  at: string;
  report: SignedReport;
  /** Where the result was written. */
  writtenTo?: string;
}

const installError = (code: string, title: string, detail: string) => new AppError(code, title, detail);

/** The wave of the plan that names this device (device:ID or all); tags and groups are the console's. */
function waveFor(waves: PlanWave[], deviceId: string): PlanWave | null {
  return waves.find((w) => w.selector.split(',').map((s) => s.trim()).some((s) => s === 'all' || s === `device:${deviceId}`)) ?? null;
}

async function chooseModel(o: InstallOptions, metas: ModelMeta[], waves: PlanWave[], deviceId: string): Promise<ModelMeta> {
  if (o.model) {
    const at = /^(.+)@(\d+)$/.exec(o.model);
    const m = metas.filter((x) => x.name === (at ? at[1] : o.model) && (!at || x.version === Number(at[2]))).sort((a, b) => b.version - a.version)[0];
    if (!m) throw installError('BUNDLE_MODEL_NOT_FOUND', 'The bundle has no such model', `--model ${o.model}: the bundle carries ${metas.map((x) => `${x.name}@${x.version}`).join(', ') || 'no model'}.`);
    return m;
  }
  const wave = waveFor(waves, deviceId);
  if (wave) return metas.find((m) => m.sha256 === wave.model.sha256)!;
  if (metas.length === 1) return metas[0];
  throw installError('BUNDLE_MODEL_AMBIGUOUS', 'Which model should this device run?', `No wave of the bundle's plan names this device (device:${deviceId} or all), and it carries ${metas.length} models: give --model NAME[@VERSION] (${metas.map((x) => `${x.name}@${x.version}`).join(', ')}).`);
}

/** Installed bundles, so a watched folder is not installed twice. */
const installedFile = (dataDir: string) => path.join(dataDir, 'bundles', 'installed.json');
async function installedIds(dataDir: string): Promise<string[]> {
  return existsSync(installedFile(dataDir)) ? (JSON.parse(await fsp.readFile(installedFile(dataDir), 'utf8')) as string[]) : [];
}

async function writeResult(dir: string, dataDir: string, result: InstallResult): Promise<string> {
  const text = `${JSON.stringify(result, null, 1)}\n`;
  const name = `${result.deviceId}-${result.bundleId}.json`;
  // Beside the bundle, so the stick carries it back; a read-only stick keeps it in the data dir.
  for (const folder of [path.join(dir, 'reports'), path.join(dataDir, 'bundles', 'reports')]) {
    try {
      mkdirSync(folder, { recursive: true });
      await writeFileAtomic(path.join(folder, name), text);
      return path.join(folder, name);
    } catch {
      // next place
    }
  }
  throw installError('BUNDLE_REPORT_UNWRITABLE', 'The install result could not be written', `Neither ${dir}/reports nor the data dir took ${name}.`);
}

export async function installFromBundle(p: InstallParts, o: InstallOptions): Promise<InstallResult> {
  const got = await receiveBundle({ home: p.dataDir, dir: o.dir, trustRoot: o.trustRoot, clockFromBundle: o.clockFromBundle });
  try {
    const metas: ModelMeta[] = [];
    for (const [name, file] of got.files) if (name.startsWith('models/') && name.endsWith('.json')) metas.push(modelMetaSchema.parse(JSON.parse(await fsp.readFile(file, 'utf8'))) as ModelMeta);
    const chosen = await chooseModel(o, metas, got.plan?.waves ?? [], p.identity.deviceId);
    const base = { format: 'edgefleet-standalone-install-1' as const, bundleId: got.header.id, site: got.header.site, deviceId: p.identity.deviceId, model: { name: chosen.name, version: chosen.version, sha256: chosen.sha256 } };
    const finish = async (outcome: InstallResult['outcome'], detail: string, health: HealthReport | null): Promise<InstallResult> => {
      const report = await makeReport({ dataDir: p.dataDir, identity: p.identity, store: p.store, events: p.store.events, nonce: `bundle-${randomBytes(12).toString('base64url')}` });
      const result: InstallResult = { ...base, outcome, detail, health, at: new Date().toISOString(), report };
      result.writtenTo = await writeResult(o.dir, p.dataDir, result);
      // Attempted once: a watched folder does not install the same bundle again (a person can, by hand).
      const ids = await installedIds(p.dataDir);
      await writeFileAtomic(installedFile(p.dataDir), `${JSON.stringify([...ids.filter((x) => x !== got.header.id), got.header.id].slice(-100))}\n`);
      return result;
    };
    const s = p.store.state;
    if (s.active && s.slots[s.active]?.sha256 === chosen.sha256 && !s.trial) {
      await got.verified.commit();
      return await finish('already-running', `${chosen.name} ${chosen.version} already runs here.`, null);
    }
    // A delta is rebuilt against this device's own slot holding its base, and checked.
    const file = await materializeModel(chosen, got.files, (sha) => p.store.fileOf(sha), path.dirname(got.files.get(modelMetaPath(chosen.sha256))!));
    // The bundle's signature stands in for the console's; the release goes above the device's so a
    // console that pairs later sees a counter to continue from.
    const manifest = { name: chosen.name, version: String(chosen.version), sha256: chosen.sha256, size: chosen.sizeBytes, created: got.header.createdAt, release: s.release + 1 };
    await p.uploads.stageVerified({ manifest, signature: `tuf-bundle:${got.header.id}` }, file);
    crashPoint('bundle:staged');
    // Trusted from here: a later bundle must be newer than this one, whatever the trial's outcome.
    await got.verified.commit();
    crashPoint('bundle:trusted');
    const { outcome, health } = await p.deployment.activate({ healthyWindowSec: o.trialSec, maxLatencyMs: 5000, selfTestRuns: 3 }, p.identity.deviceId);
    if (outcome === 'reverted') return await finish('reverted', `${chosen.name} ${chosen.version} failed its health check and the device went back: ${health.reason ?? ''}`.trim(), health);
    // The trial confirms itself after trialSec healthy seconds (or reverts); wait for it.
    const deadline = Date.now() + (o.trialSec + 30) * 1000;
    while (p.store.state.trial && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    const after = p.store.state;
    const ok = after.active !== null && after.slots[after.active]?.sha256 === chosen.sha256 && !after.trial;
    return await finish(ok ? 'installed' : 'reverted', ok ? `${chosen.name} ${chosen.version} passed its trial of ${o.trialSec} s and runs.` : (after.lastEvent?.detail ?? 'The trial did not end healthy; the device went back.'), health);
  } finally {
    await got.cleanup();
  }
}

/** Bundle folders under `root` (e.g. /media) not installed yet: each holds SHA256SUMS and bundle-info.json. */
export async function pendingBundles(root: string, dataDir: string): Promise<string[]> {
  const done = new Set(await installedIds(dataDir));
  const out: string[] = [];
  const visit = async (dir: string, depth: number) => {
    const entries = await fsp.readdir(dir, { withFileTypes: true }).catch(() => []);
    if (entries.some((e) => e.name === 'SHA256SUMS') && entries.some((e) => e.name === 'bundle-info.json')) {
      const info = JSON.parse(await fsp.readFile(path.join(dir, 'bundle-info.json'), 'utf8').catch(() => '{}')) as { id?: string };
      if (info.id && !done.has(info.id)) out.push(dir);
      return;
    }
    if (depth > 0) for (const e of entries) if (e.isDirectory() && !e.name.startsWith('.')) await visit(path.join(dir, e.name), depth - 1);
  };
  await visit(root, 3);
  return out;
}
