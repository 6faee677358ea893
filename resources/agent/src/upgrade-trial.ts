// The trial of an agent upgrade, in files of the install folder that the agent and run.sh (its
// watchdog) share:
//   upgrade-trial.json    written by the old build before it switches `current`: one line of JSON with
//                         fixed keys (run.sh reads them with sed): from, to (release folders), fromVersion,
//                         toVersion, deadline (Unix seconds).
//   upgrade-trial.started run.sh's note that it has started the new build once; found again after that
//                         build stopped, it means the build failed, and run.sh switches back.
//   upgrade-result.json   the last outcome (upgraded / reverted with a reason), what status reports.
// The new build confirms itself (removes the marker) once its servers listen and its active model
// loaded: no round trip to the console, so a device that lost its console still settles.
import { existsSync, promises as fsp } from 'node:fs';
import path from 'node:path';
import { agentUpgradeSchema, type AgentUpgradeInfo } from '../../device-protocol/messages.js';
import { writeFileAtomic } from '../../../electron/core/util/atomic-write.js';
import type { InstallLayout } from './agent-install.js';

export interface TrialMarker {
  from: string;
  to: string;
  fromVersion: string;
  toVersion: string;
  deadline: number;
}

export const markerFile = (installDir: string) => path.join(installDir, 'upgrade-trial.json');
const startedFile = (installDir: string) => path.join(installDir, 'upgrade-trial.started');
const resultFile = (installDir: string) => path.join(installDir, 'upgrade-result.json');

export async function writeMarker(installDir: string, m: TrialMarker): Promise<void> {
  await fsp.rm(startedFile(installDir), { force: true });
  const line = JSON.stringify({ from: m.from, to: m.to, fromVersion: m.fromVersion, toVersion: m.toVersion, deadline: m.deadline });
  await writeFileAtomic(markerFile(installDir), `${line}\n`);
}

export async function writeResult(installDir: string, r: AgentUpgradeInfo): Promise<void> {
  await writeFileAtomic(resultFile(installDir), `${JSON.stringify(r)}\n`);
}

async function readJson(file: string): Promise<unknown> {
  try {
    return JSON.parse(await fsp.readFile(file, 'utf8'));
  } catch {
    return null;
  }
}

export async function readResult(installDir: string): Promise<AgentUpgradeInfo | null> {
  const parsed = agentUpgradeSchema.safeParse(await readJson(resultFile(installDir)));
  return parsed.success ? parsed.data : null;
}

/**
 * At start, once the servers listen: the build the marker names as `to` confirms itself; the build it
 * names as `from` runs because the switch never happened (killed in between), which is a revert too.
 * Returns the outcome to report (null on an install that never upgraded).
 */
export async function settleUpgrade(layout: InstallLayout): Promise<AgentUpgradeInfo | null> {
  const { installDir } = layout;
  const m = (await readJson(markerFile(installDir))) as TrialMarker | null;
  if (m && typeof m.to === 'string') {
    const at = new Date().toISOString();
    const result: AgentUpgradeInfo =
      layout.release === m.to
        ? { outcome: 'upgraded', from: m.fromVersion, to: m.toVersion, reason: null, at }
        : { outcome: 'reverted', from: m.fromVersion, to: m.toVersion, reason: 'the upgrade stopped before the new build was switched in', at };
    await writeResult(installDir, result);
    await fsp.rm(markerFile(installDir), { force: true });
    await fsp.rm(startedFile(installDir), { force: true });
    return result;
  }
  return existsSync(resultFile(installDir)) ? readResult(installDir) : null;
}
