// The undo of provisioning: stop the agent, remove its service definition, its install folder and its
// data (identity, pairing, models). Without a record (a provisioning that failed half way) it looks
// in the default places.
import { AppError } from '../api/errors.js';
import type { SshInstall } from '../api/types.js';
import { removeService, stopService } from './agent-service.js';
import { checkHost } from './host-check.js';
import { sh } from './quote.js';
import type { SshSession } from './ssh-session.js';

/** Only folders that provisioning could have made: absolute, at least two levels deep, no "..". */
function safeToRemove(dir: string): boolean {
  return dir.startsWith('/') && !dir.split('/').includes('..') && dir.split('/').filter(Boolean).length >= 2;
}

export async function uninstallAgent(s: SshSession, install: SshInstall | null): Promise<void> {
  const facts = await checkHost(s);
  const installDir = install?.installDir ?? (facts.root ? '/opt/edgefleet-agent' : `${facts.home}/.local/share/edgefleet-agent`);
  const dataDir = install?.dataDir ?? (facts.root ? '/var/lib/edgefleet-agent' : `${facts.home}/.local/state/edgefleet-agent`);
  for (const dir of [installDir, dataDir]) {
    if (!safeToRemove(dir)) throw new AppError('UNSAFE_PATH', 'Refusing to remove that folder', `${dir} on ${s.label} does not look like an agent folder; remove it by hand.`);
  }
  const modes = install ? [install.mode] : (['background', facts.mode] as const);
  for (const mode of new Set(modes)) {
    const spec = { mode, installDir, home: facts.home };
    await stopService(s, spec);
    await removeService(s, spec);
  }
  await s.run(`rm -rf ${sh(installDir)} ${sh(dataDir)}`, 'Removing the agent files');
}
