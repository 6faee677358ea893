// Upgrades the agent itself from a staged agent build (an upload whose signed manifest is named
// agentBuildArtifactName: the .tar.gz of `edgefleet agent build`), when activate is sent for it.
// The checks, all before anything changes: the upload's sha256 (the upload store, against the signed
// upload manifest); the release counter (release-guard); the build's MANIFEST.json signed by the console
// key this device pinned at pairing; every file against MANIFEST.json, nothing more (no links); the
// architecture; its agentVersion equal to the upload manifest's and not older than the running one
// unless the upload manifest is a downgrade signed for this device. Then, in an order that survives
// kill -9 anywhere: unpack into releases/.incoming-*, rename it to releases/<version>-<sha12>, write the
// trial marker, point `previous` at the running release, point `current` at the new one (a new symlink
// renamed over the old one), and exit: run.sh starts the new build and reverts it if it stops or does
// not confirm itself before the deadline (upgrade-trial.ts). Releases other than the new and the
// previous one are removed after the switch.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { AppError } from '../../../electron/core/api/errors.js';
import { compareVersions } from '../../../electron/core/util/compare-versions.js';
import { signedAgentBuildSchema, verifyAgentBuild, type AgentBuildManifest } from '../../../electron/core/agent-build/build-manifest.js';
import { fsyncDir } from '../../../electron/core/util/atomic-write.js';
import { sha256File } from '../../../electron/core/util/hash-file.js';
import type { HealthReport, SignedManifest } from '../../device-protocol/messages.js';
import type { KeyObject } from 'node:crypto';
import { installLayout, runningAgentVersion } from './agent-install.js';
import { crashPoint } from './crash-points.js';
import { writeMarker, writeResult } from './upgrade-trial.js';

/** Seconds the new build has to confirm itself when activate's healthyWindowSec is 0. */
export const defaultTrialSec = 60;

export interface UpgradeRequest {
  staged: { signed: SignedManifest; path: string };
  consoleKey: KeyObject | null;
  trialSec: number;
}

function refused(code: string, title: string, detail: string): AppError {
  return new AppError(code, title, `${detail} The agent keeps running the build it runs; the staged build was discarded.`);
}

async function walk(dir: string, base = dir): Promise<string[]> {
  const out: string[] = [];
  for (const e of await fsp.readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    const rel = path.relative(base, full).split(path.sep).join('/');
    if (e.isDirectory()) out.push(...(await walk(full, base)));
    else if (e.isFile()) out.push(rel);
    else throw refused('AGENT_BUILD_INVALID', 'Agent build holds a link or special file', `${rel} is not a plain file; a build from edgefleet agent build holds only files and folders.`);
  }
  return out;
}

async function checkFiles(dir: string, manifest: AgentBuildManifest): Promise<void> {
  const present = (await walk(dir)).filter((f) => f !== 'MANIFEST.json').sort();
  const listed = manifest.files.map((f) => f.path).sort();
  const extra = present.filter((f) => !listed.includes(f));
  const missing = listed.filter((f) => !present.includes(f));
  if (extra.length || missing.length) {
    throw refused('AGENT_BUILD_INVALID', 'Agent build does not match its manifest', `${missing.length ? `missing: ${missing.slice(0, 5).join(', ')}` : ''}${extra.length ? ` not listed: ${extra.slice(0, 5).join(', ')}` : ''}.`);
  }
  for (const f of manifest.files) {
    const file = path.join(dir, f.path);
    if ((await fsp.stat(file)).size !== f.size || (await sha256File(file)) !== f.sha256) {
      throw refused('AGENT_BUILD_INVALID', 'Agent build does not match its manifest', `${f.path} differs from the sha256 MANIFEST.json gives for it.`);
    }
  }
}

/** Unpacks with the system tar (GNU tar refuses members with `..`); links are refused afterwards by walk(). */
async function unpack(archive: string, into: string): Promise<string> {
  await fsp.rm(into, { recursive: true, force: true });
  await fsp.mkdir(into, { recursive: true });
  try {
    await promisify(execFile)('tar', ['-xzf', archive, '-C', into, '--no-same-owner']);
  } catch (err) {
    throw refused('AGENT_BUILD_INVALID', 'Agent build does not unpack', `tar could not unpack it: ${(err as Error).message.split('\n')[0]}.`);
  }
  const top = await fsp.readdir(into);
  if (top.length !== 1) throw refused('AGENT_BUILD_INVALID', 'Agent build has an unexpected layout', 'A build unpacks into exactly one folder.');
  return path.join(into, top[0]);
}

async function switchLink(installDir: string, name: string, target: string): Promise<void> {
  const tmp = path.join(installDir, `${name}.new`);
  await fsp.rm(tmp, { force: true });
  await fsp.symlink(target, tmp);
  await fsp.rename(tmp, path.join(installDir, name));
}

/**
 * Keeps the new and the previous release only. A supervisor still running an older release's run.sh
 * keeps reading its open script (Linux keeps a removed file's inode while it is open).
 */
async function pruneReleases(installDir: string, keep: string[]): Promise<void> {
  const dir = path.join(installDir, 'releases');
  for (const name of await fsp.readdir(dir)) {
    if (!keep.includes(name) && !name.startsWith('.')) await fsp.rm(path.join(dir, name), { recursive: true, force: true }).catch(() => undefined);
  }
}

export interface UpgradeOutcome {
  from: string;
  to: string;
  release: string;
  health: HealthReport;
}

/** Checks and installs the staged build and switches to it; the caller then exits so run.sh starts it. */
export async function upgradeAgent(req: UpgradeRequest): Promise<UpgradeOutcome> {
  const layout = installLayout();
  if (!layout) {
    throw refused(
      'AGENT_UPGRADE_UNSUPPORTED',
      'This install cannot upgrade itself',
      'The agent runs from a flat install folder (`install.sh --layout flat`, or SSH provisioning by an older EdgeFleet) or from source. Provision it again over SSH, or install the self-contained build with `install.sh` (the release layout) once; later upgrades then come from the console.',
    );
  }
  const { installDir } = layout;
  const incoming = path.join(installDir, 'releases', `.incoming-${process.pid}`);
  try {
    const top = await unpack(req.staged.path, incoming);
    const text = await fsp.readFile(path.join(top, 'MANIFEST.json'), 'utf8').catch(() => '');
    if (!req.consoleKey || !verifyAgentBuild(req.consoleKey, text)) {
      throw refused('AGENT_BUILD_SIGNATURE_INVALID', 'Agent build signature does not verify', 'Its MANIFEST.json is missing, was changed after signing, or was signed by a console this device is not paired with.');
    }
    const { manifest } = signedAgentBuildSchema.parse(JSON.parse(text));
    const upload = req.staged.signed.manifest;
    if (manifest.arch !== process.arch) throw refused('AGENT_BUILD_ARCH', 'Agent build for another architecture', `The build is for linux-${manifest.arch}; this device is linux-${process.arch}: send edgefleet agent build --arch ${process.arch}.`);
    if (manifest.agentVersion !== upload.version) throw refused('AGENT_BUILD_INVALID', 'Agent build and its upload disagree', `The signed upload names version ${upload.version}, the build's MANIFEST.json ${manifest.agentVersion}.`);
    const from = runningAgentVersion();
    if (compareVersions(manifest.agentVersion, from) < 0 && !upload.downgrade) {
      throw refused('AGENT_DOWNGRADE', 'Older agent refused', `This device runs agent ${from}; ${manifest.agentVersion} is older. To go back on purpose, the console signs a downgrade for this device (edgefleet agent upgrade --allow-downgrade).`);
    }
    await checkFiles(top, manifest);
    const release = `${manifest.agentVersion}-${createHash('sha256').update(text).digest('hex').slice(0, 12)}`;
    if (release === layout.release) throw refused('AGENT_UPGRADE_SAME', 'This build already runs', `The device runs release ${release} already.`);
    const target = path.join(installDir, 'releases', release);
    await fsp.rm(target, { recursive: true, force: true });
    await fsp.rename(top, target);
    await fsyncDir(path.dirname(target));
    crashPoint('agent-upgrade:unpacked');
    // The marker first: killed after it and before the switch, the old build starts, finds itself
    // named as `from`, and reports the upgrade as reverted (upgrade-trial.ts).
    await writeMarker(installDir, { from: layout.release, to: release, fromVersion: from, toVersion: manifest.agentVersion, deadline: Math.ceil(Date.now() / 1000) + req.trialSec });
    await writeResult(installDir, { outcome: 'trial', from, to: manifest.agentVersion, reason: null, at: new Date().toISOString() });
    crashPoint('agent-upgrade:marker-written');
    await switchLink(installDir, 'previous', `releases/${layout.release}`);
    await switchLink(installDir, 'current', `releases/${release}`);
    await fsyncDir(installDir);
    crashPoint('agent-upgrade:switched');
    await pruneReleases(installDir, [release, layout.release]);
    const checkedAt = new Date().toISOString();
    const health: HealthReport = { ok: true, loaded: true, finite: true, runs: 0, latencyMs: null, maxLatencyMs: 0, reason: null, checkedAt };
    return { from, to: manifest.agentVersion, release, health };
  } finally {
    await fsp.rm(incoming, { recursive: true, force: true });
  }
}
