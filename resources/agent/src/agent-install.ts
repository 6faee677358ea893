// Where the running agent was installed, and which build it is. A self-contained build installed with
// `install.sh` (its default release layout) lives in <install>/releases/<agentVersion>-<sha12 of MANIFEST.json>/
// (SSH provisioning: <sha12 of its file list>), started as <install>/current/run.sh with `current` (and `previous`) symlinks into releases/: only
// such an install can upgrade itself (agent-upgrade.ts). A flat install (install.sh --layout flat, SSH
// provisioning by an older EdgeFleet) and the agent run from source report their version but refuse upgrades.
import { existsSync, lstatSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { agentVersion } from './version.js';

export interface InstallLayout {
  installDir: string;
  /** The folder name under releases/ this process runs from. */
  release: string;
}

/** The folder agent.js runs from (run.sh starts <install>/current/agent.js). */
function buildDir(): string {
  return path.dirname(path.resolve(process.argv[1] ?? '.'));
}

export function installLayout(dir = buildDir()): InstallLayout | null {
  try {
    const real = realpathSync(dir);
    const installDir = path.dirname(path.dirname(real));
    if (path.basename(path.dirname(real)) !== 'releases') return null;
    if (!lstatSync(path.join(installDir, 'current')).isSymbolicLink()) return null;
    return { installDir, release: path.basename(real) };
  } catch {
    return null;
  }
}

/** The agentVersion of the signed build this process runs from (its MANIFEST.json), else the source's. */
export function runningAgentVersion(dir = buildDir()): string {
  const file = path.join(dir, 'MANIFEST.json');
  if (!existsSync(file)) return agentVersion;
  try {
    const v = (JSON.parse(readFileSync(file, 'utf8')) as { manifest?: { agentVersion?: unknown } }).manifest?.agentVersion;
    return typeof v === 'string' && v ? v : agentVersion;
  } catch {
    return agentVersion;
  }
}
