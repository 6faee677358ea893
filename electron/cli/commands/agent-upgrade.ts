// `edgefleet agent upgrade --device ID [--device ID …] | --target SELECTOR [--stages 5,25,100] [--build FILE.tar.gz]
// [--trial S] [--allow-downgrade] [--json] [--home DIR]`: upgrades the agent on paired devices, in waves with
// --stages (see core/devices/agent-upgrade.ts). Without --build it makes a
// build of this console's own agent for each device's arch, once, under <home>/agent-builds/ (made
// again when the agent bundle is newer than it). The audit log records one entry per device.
import { existsSync, mkdirSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AppError } from '../../core/api/errors.js';
import { buildAgentArchive } from '../../core/agent-build/agent-build.js';
import { AuditLog } from '../../core/audit/audit-store.js';
import { agentBundlePath } from '../../core/devices/agent-launcher.js';
import { upgradeAgents, type AgentUpgradeProgress } from '../../core/devices/agent-upgrade.js';
import { DeviceContext } from '../../core/devices/device-context.js';
import { resolveTargets } from '../../core/rollouts/selector.js';
import { parseStagePercents } from '../../core/rollouts/stages.js';
import { appVersion } from '../../core/util/app-root.js';
import { openCore } from '../context.js';
import { printJson, UsageError } from '../output.js';
import type { ParsedArgs } from './command.js';

function line(p: AgentUpgradeProgress): string {
  const who = `${p.name} (${p.deviceId})`;
  switch (p.phase) {
    case 'upload':
      return `${who}: uploading ${p.to} (${Math.round((100 * p.bytes) / Math.max(1, p.totalBytes))}%)`;
    case 'switch':
      return `${who}: switching ${p.from} → ${p.to}`;
    case 'waiting':
      return `${who}: waiting for ${p.to} to confirm itself`;
    case 'upgraded':
      return `${who}: upgraded ${p.from} → ${p.to}`;
    case 'reverted':
      return `${who}: reverted: ${p.error?.detail ?? ''}`;
    case 'refused':
      return `${who}: refused: ${p.error?.title}: ${p.error?.detail}`;
    case 'held':
      return `${who}: held back: ${p.error?.detail ?? ''}`;
    default:
      return `${who}: ${p.phase}`;
  }
}

export async function runAgentUpgrade({ values, positionals }: ParsedArgs): Promise<void> {
  if (positionals.length > 1) throw new UsageError('agent upgrade takes no arguments besides its options');
  for (const only of ['arch', 'output', 'format', 'agent-version']) if (values[only] !== undefined) throw new UsageError(`--${only} belongs to agent build`);
  const listed = (values.device as string[] | undefined) ?? [];
  const target = values.target as string | undefined;
  if (listed.length === 0 && target === undefined) throw new UsageError('agent upgrade needs at least one --device ID or --target SELECTOR');
  let stages: number[] | undefined;
  try {
    stages = values.stages === undefined ? undefined : parseStagePercents(String(values.stages));
  } catch (err) {
    throw new UsageError(`--stages: ${(err as AppError).detail}`);
  }
  const build = values.build as string | undefined;
  if (build !== undefined && !existsSync(build)) throw new UsageError(`--build ${build}: no such file (make one with edgefleet agent build --arch arm64|x64 -o FILE)`);
  const trialSec = values.trial === undefined ? 60 : Number(values.trial);
  if (!Number.isInteger(trialSec) || trialSec < 5 || trialSec > 3600) throw new UsageError(`--trial must be whole seconds from 5 to 3600, got "${String(values.trial)}"`);
  const json = Boolean(values.json);
  const core = openCore(values.home as string | undefined);
  try {
    const ctx = new DeviceContext(core.home, core.registry, core.bus);
    let deviceIds = listed;
    if (target !== undefined) {
      const inventory = ctx.store.list();
      const paired = new Set(inventory.filter((d) => d.paired).map((d) => d.id));
      const matched = resolveTargets(target, inventory).filter((id) => paired.has(id));
      if (matched.length === 0 && listed.length === 0) throw new UsageError(`--target ${target} names no paired device (see edgefleet devices)`);
      deviceIds = [...new Set([...listed, ...matched])];
    }
    const made = new Map<string, Promise<string>>();
    const buildFor = (arch: string): Promise<string> => {
      if (build) return Promise.resolve(path.resolve(build));
      const cached = made.get(arch);
      if (cached) return cached;
      const p = (async () => {
        const dir = path.join(core.home, 'agent-builds');
        mkdirSync(dir, { recursive: true });
        const out = path.join(dir, `edgefleet-agent-${appVersion()}-linux-${arch}.tar.gz`);
        const bundle = agentBundlePath();
        if (existsSync(out) && existsSync(bundle) && statSync(out).mtimeMs >= statSync(bundle).mtimeMs) return out;
        if (!json) process.stderr.write(`Building the agent for linux-${arch} (${out})…\n`);
        await buildAgentArchive({ arch, output: out, key: await ctx.consoleKey() });
        return out;
      })();
      made.set(arch, p);
      return p;
    };
    const last = new Map<string, string>();
    const rows = await upgradeAgents(ctx, {
      deviceIds,
      buildFor,
      trialSec,
      allowDowngrade: Boolean(values['allow-downgrade']),
      ...(stages ? { stages } : {}),
      onProgress: (p) => {
        if (json || !process.stderr.isTTY) return;
        const text = line(p);
        if (last.get(p.deviceId) !== p.phase || p.phase !== 'upload') process.stderr.write(`${text}\n`);
        last.set(p.deviceId, p.phase);
      },
    });
    const audit = new AuditLog(core.registry.db);
    for (const r of rows) {
      audit.append({
        actor: `user:${os.userInfo().username}@cli`,
        action: 'devices.agentUpgrade',
        target: `device:${r.deviceId}`,
        params: { from: r.from, to: r.to, build: build ?? null, trialSec, allowDowngrade: Boolean(values['allow-downgrade']), target: target ?? null, stages: stages ?? null, wave: r.wave },
        outcome: r.phase === 'upgraded' ? 'succeeded' : r.phase === 'refused' || r.phase === 'held' ? 'refused' : 'failed',
        detail: r.phase === 'upgraded' ? `upgraded ${r.from} → ${r.to}` : `${r.phase}: ${r.error?.detail ?? ''}`,
      });
    }
    if (json) printJson({ devices: rows.map((r) => ({ deviceId: r.deviceId, name: r.name, outcome: r.phase, from: r.from, to: r.to, error: r.error, ...(stages ? { wave: r.wave } : {}) })) });
    else process.stdout.write(`${rows.map(line).join('\n')}\n`);
    const failed = rows.filter((r) => r.phase !== 'upgraded');
    if (failed.length) {
      if (json) for (const r of failed) process.stderr.write(`edgefleet: ${line(r)}\n`);
      const held = failed.filter((r) => r.phase === 'held').length;
      throw new AppError('AGENT_UPGRADE_FAILED', 'Agent upgrade failed on some devices', `${failed.length - held} of ${rows.length} devices were reverted or refused${held ? `, ${held} held back` : ''}; each keeps the agent it ran.`);
    }
  } finally {
    await core.close();
  }
}
