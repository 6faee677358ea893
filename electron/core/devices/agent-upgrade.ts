// `edgefleet agent upgrade`: puts a signed agent build on devices through the same path models take
// (a signed upload manifest under the console's release counter, the resumable upload, activate on
// trial), then waits for each device to settle: the new build confirms itself once it is up, or the
// device's watchdog (run.sh) reverts it (see resources/agent/src/agent-upgrade.ts). It runs in the
// calling process, not as a job: an upgrade is an operator's act on a few devices, and the CLI waits
// for it anyway. Each device ends upgraded, reverted or refused; one failing never stops the others.
import { statSync } from 'node:fs';
import { AppError, toErrorData } from '../api/errors.js';
import type { ErrorData } from '../../../resources/device-protocol/error-data.js';
import { verifyAgentBuild } from '../agent-build/build-manifest.js';
import { readBuildManifest } from '../agent-build/read-build-manifest.js';
import { sha256File } from '../util/hash-file.js';
import { agentBuildArtifactName, agentUpgradeCapability, type DeviceStatus, type Manifest } from '../../../resources/device-protocol/messages.js';
import type { ConsoleKey } from './console-key.js';
import type { DeviceContext } from './device-context.js';
import { deviceError, isUnreachable } from './device-errors.js';
import { openLink } from './open-link.js';
import { planStages } from '../rollouts/stages.js';
import { runPool } from './pool.js';
import { nextRelease, observeRelease, signFor } from './release-counter.js';
import { statusPatch } from './status-fields.js';

export interface AgentUpgradeRequest {
  deviceIds: string[];
  /** The build for each device's arch: a given file, or made on demand (the CLI builds one from this console's agent). */
  buildFor: (arch: string) => Promise<string>;
  /** Seconds the new build has to confirm itself on the device (default 60). */
  trialSec?: number;
  allowDowngrade?: boolean;
  concurrency?: number;
  /**
   * Waves by cumulative share of the devices (5,25,100), in the rollout engine's seeded order: each wave
   * starts only when every device of the one before upgraded; otherwise the rest are held, untouched.
   */
  stages?: readonly number[];
  /** Orders the devices into waves (default: the device ids, so the same fleet gets the same waves). */
  seed?: string;
  onProgress?: (p: AgentUpgradeProgress) => void;
}

/** held: not tried, because a wave before it did not upgrade (or no wave reached it). */
export type AgentUpgradePhase = 'queued' | 'upload' | 'switch' | 'waiting' | 'upgraded' | 'reverted' | 'refused' | 'held';

export interface AgentUpgradeProgress {
  deviceId: string;
  name: string;
  phase: AgentUpgradePhase;
  from: string | null;
  to: string | null;
  bytes: number;
  totalBytes: number;
  /** reverted: the device's reason; refused: the error; held: why it was not tried. */
  error: ErrorData | null;
  /** With stages: the wave (1-based) the device is in; null when no wave reached it. */
  wave: number | null;
}

const pollMs = 500;
/** Beyond the trial window: time for the old build to stop and the new one to start. */
const settleMarginSec = 90;

async function settled(link: ReturnType<typeof openLink>, to: string, deadline: number): Promise<{ status: DeviceStatus; version: string } | null> {
  while (Date.now() < deadline) {
    try {
      const status = await link.call('status');
      const u = status.agentUpgrade;
      if (u && u.to === to && u.outcome !== 'trial') return { status, version: (await link.call('info')).agentVersion };
    } catch (err) {
      if (!isUnreachable(err)) throw err; // restarting: it answers again in a moment
    }
    await new Promise((r) => setTimeout(r, pollMs));
  }
  return null;
}

async function upgradeOne(ctx: DeviceContext, key: ConsoleKey, req: AgentUpgradeRequest, row: AgentUpgradeProgress, report: () => void): Promise<void> {
  const set = (patch: Partial<AgentUpgradeProgress>) => {
    Object.assign(row, patch);
    report();
  };
  const device = ctx.credentials(row.deviceId);
  const link = openLink(device, 120_000);
  try {
    const info = await link.call('info');
    set({ from: info.agentVersion });
    if (!info.capabilities?.includes(agentUpgradeCapability)) {
      throw new AppError(
        'AGENT_UPGRADE_UNSUPPORTED',
        'This device cannot upgrade its agent',
        `${device.name} runs agent ${info.agentVersion} without the ${agentUpgradeCapability} capability: it was installed flat (\`install.sh --layout flat\`, or SSH provisioning by an older EdgeFleet) or is older. Provision it again with \`edgefleet ssh provision\` or install a build once with \`install.sh\` (the release layout); later upgrades then come from here.`,
      );
    }
    const file = await req.buildFor(info.arch);
    const { signed: build, text } = await readBuildManifest(file);
    if (!verifyAgentBuild(key.publicKey, text)) {
      throw new AppError('AGENT_BUILD_SIGNATURE_INVALID', 'Agent build not signed by this console', `${file} was signed by another console (key ${build.keySha256.slice(0, 16)}…); the device pins this console's key and would refuse it. Build it here: edgefleet agent build --arch ${info.arch} -o FILE.`);
    }
    if (build.manifest.arch !== info.arch) {
      throw new AppError('AGENT_BUILD_ARCH', 'Agent build for another architecture', `${file} is for linux-${build.manifest.arch}; ${device.name} is linux-${info.arch}.`);
    }
    const before = await link.call('status');
    const manifest: Manifest = { name: agentBuildArtifactName, version: build.manifest.agentVersion, sha256: await sha256File(file), size: statSync(file).size, created: new Date().toISOString(), release: nextRelease(ctx.registry.db) };
    const signed = signFor(key.privateKey, manifest, { deviceId: device.id, status: before, downgrade: Boolean(req.allowDowngrade) });
    set({ phase: 'upload', to: manifest.version, totalBytes: manifest.size });
    await link.upload(file, signed, { onSent: (bytes) => set({ bytes }), onProgress: (s) => set({ bytes: s.offset }) });
    set({ phase: 'switch', bytes: manifest.size });
    const trialSec = req.trialSec ?? 60;
    const act = await link.call('activate', { healthyWindowSec: trialSec, ...(link.preconditions ? { expectStagedSha256: manifest.sha256 } : {}) });
    if (act.outcome !== 'trial') throw new AppError('AGENT_UPGRADE_FAILED', 'The device did not start the upgrade', act.health.reason ?? 'It answered without starting the new build.');
    set({ phase: 'waiting' });
    const end = await settled(link, manifest.version, Date.now() + (trialSec + settleMarginSec) * 1000);
    if (!end) throw new AppError('AGENT_UPGRADE_SILENT', 'The device did not come back', `${device.name} did not answer with the outcome of the upgrade to ${manifest.version} within ${trialSec + settleMarginSec} s. Its watchdog reverts a build that does not confirm itself; ask again later with \`edgefleet devices\`.`);
    observeRelease(ctx.registry.db, end.status);
    ctx.store.upsert(device.id, statusPatch(end.status));
    const u = end.status.agentUpgrade!;
    if (u.outcome === 'upgraded') set({ phase: 'upgraded', to: end.version, error: null });
    else set({ phase: 'reverted', error: { code: 'AGENT_UPGRADE_REVERTED', title: `Upgrade to ${u.to} reverted`, detail: `${u.reason ?? 'The new build failed.'} The device runs ${end.version} again.` } });
  } catch (err) {
    set({ phase: 'refused', error: toErrorData(err instanceof AppError ? err : deviceError(err, link.where)) });
  } finally {
    await link.close();
  }
}

/** Upgrades each device; never throws for one device's failure (its row says why). */
export async function upgradeAgents(ctx: DeviceContext, req: AgentUpgradeRequest): Promise<AgentUpgradeProgress[]> {
  const key = await ctx.consoleKey();
  const ids = [...new Set(req.deviceIds)];
  const rows: AgentUpgradeProgress[] = ids.map((id) => ({ deviceId: id, name: ctx.store.get(id)?.name ?? id, phase: 'queued', from: null, to: null, bytes: 0, totalBytes: 0, error: null, wave: null }));
  for (const id of ids) ctx.credentials(id); // an unknown device is bad input: refuse before anything is sent
  const concurrency = req.concurrency ?? 4;
  const byId = new Map(rows.map((r) => [r.deviceId, r]));
  const waves = req.stages ? planStages(req.seed ?? ids.join(','), ids, { kind: 'percentages', percents: req.stages }, concurrency) : null;
  const groups = waves ? waves.stages.map((st) => st.deviceIds.map((id) => byId.get(id)!)) : [rows];
  groups.forEach((g, k) => g.forEach((r) => (r.wave = waves ? k + 1 : null)));
  const hold = (held: AgentUpgradeProgress[], detail: string) => {
    for (const r of held) {
      Object.assign(r, { phase: 'held', error: { code: 'AGENT_UPGRADE_HELD', title: 'Held back', detail } });
      req.onProgress?.({ ...r });
    }
  };
  for (const [k, group] of groups.entries()) {
    await runPool(group, concurrency, (row) => upgradeOne(ctx, key, req, row, () => req.onProgress?.({ ...row })));
    const bad = group.filter((r) => r.phase !== 'upgraded');
    const rest = groups.slice(k + 1).flat();
    if (bad.length && rest.length) {
      const names = bad.slice(0, 3).map((r) => `${r.name} ${r.phase}`).join(', ');
      hold(rest, `Wave ${k + 1} of ${groups.length}: ${bad.length} of ${group.length} devices did not upgrade (${names}${bad.length > 3 ? ', …' : ''}), so the ${rest.length} left were not touched. Fix the cause, then upgrade the held devices (agent upgrade --device ID …).`);
      break;
    }
  }
  if (waves?.leftOut.length) hold(waves.leftOut.map((id) => byId.get(id)!), `No wave reaches it: the stages end at ${req.stages![req.stages!.length - 1]} %.`);
  ctx.changed.now(...ids);
  return rows;
}
