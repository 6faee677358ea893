// Runs the agent on a host as a systemd service (system when root, --user otherwise) or, where no
// systemd runs (containers, minimal images), as a background process kept alive by a small shell
// supervisor whose pid (= its process group) is in <install>/agent.pid.
import type { SshServiceMode } from '../api/types.js';
import { sh } from './quote.js';
import type { SshSession } from './ssh-session.js';

export const unitName = 'edgefleet-agent.service';

export interface ServiceSpec {
  mode: SshServiceMode;
  installDir: string;
  dataDir: string;
  /** The full command line of the agent, already quoted for sh. */
  command: string;
  home: string;
  setsid: boolean;
}

function unitPath(spec: Pick<ServiceSpec, 'mode' | 'home'>): string {
  return spec.mode === 'systemd' ? `/etc/systemd/system/${unitName}` : `${spec.home}/.config/systemd/user/${unitName}`;
}

function systemctl(mode: SshServiceMode): string {
  return mode === 'systemd' ? 'systemctl' : 'systemctl --user';
}

export function unitText(spec: ServiceSpec): string {
  return `# Written by EdgeFleet provisioning; removed by \`edgefleet ssh uninstall\`.
[Unit]
Description=EdgeFleet device agent
Wants=network-online.target
After=network-online.target

[Service]
Type=simple
WorkingDirectory=${spec.installDir}
ExecStart=${spec.command}
KillSignal=SIGTERM
TimeoutStopSec=10
Restart=always
RestartSec=2
NoNewPrivileges=yes

[Install]
WantedBy=${spec.mode === 'systemd' ? 'multi-user.target' : 'default.target'}
`;
}

export function supervisorText(spec: ServiceSpec): string {
  return `#!/bin/sh
# Written by EdgeFleet provisioning: keeps the agent running on a host without systemd.
# Stop it with: kill -TERM -- -$(cat ${spec.installDir}/agent.pid)
cd ${sh(spec.installDir)} || exit 1
child=
trap '[ -n "$child" ] && kill -TERM "$child" 2>/dev/null; wait "$child" 2>/dev/null; exit 0' TERM INT
while :; do
  ${spec.command} &
  child=$!
  wait "$child"
  sleep 2
done
`;
}

/** The definition file (unit or supervisor script) and where it goes. */
export function serviceFile(spec: ServiceSpec): { path: string; text: string } {
  return spec.mode === 'background' ? { path: `${spec.installDir}/supervise.sh`, text: supervisorText(spec) } : { path: unitPath(spec), text: unitText(spec) };
}

export async function isRunning(s: SshSession, spec: Pick<ServiceSpec, 'mode' | 'installDir'>): Promise<boolean> {
  const cmd =
    spec.mode === 'background'
      ? `p=$(cat ${sh(`${spec.installDir}/agent.pid`)} 2>/dev/null) && [ -n "$p" ] && kill -0 "$p" 2>/dev/null`
      : `${systemctl(spec.mode)} is-active --quiet ${unitName}`;
  return (await s.exec(cmd)).code === 0;
}

/** Starts the agent, or restarts it when `restart` (new files or definition). */
export async function startService(s: SshSession, spec: ServiceSpec, restart: boolean): Promise<void> {
  if (spec.mode !== 'background') {
    const ctl = systemctl(spec.mode);
    await s.run(`${ctl} daemon-reload && ${ctl} enable ${unitName} && ${ctl} ${restart ? 'restart' : 'start'} ${unitName}`, 'Starting the agent service');
    if (spec.mode === 'systemd-user') await s.exec('loginctl enable-linger "$(id -un)" 2>/dev/null');
    return;
  }
  const running = await isRunning(s, spec);
  if (running && !restart) return;
  if (running) await stopService(s, spec);
  const dir = sh(spec.installDir);
  const launch = spec.setsid ? `setsid sh ${dir}/supervise.sh` : `nohup sh ${dir}/supervise.sh`;
  // Only the launch goes to the background, as one simple command: then $! is the supervisor itself in
  // every sh (bash would otherwise background a subshell that holds the SSH channel open and whose pid
  // is not the supervisor's).
  await s.run(`cd ${dir} && { ${launch} >>${dir}/agent.log 2>&1 </dev/null & echo $! > ${dir}/agent.pid; }`, 'Starting the agent');
}

export async function stopService(s: SshSession, spec: Pick<ServiceSpec, 'mode' | 'installDir' | 'home'>): Promise<void> {
  if (spec.mode !== 'background') {
    await s.exec(`${systemctl(spec.mode)} disable --now ${unitName}`);
    return;
  }
  const pidFile = sh(`${spec.installDir}/agent.pid`);
  // The supervisor leads its own process group (setsid): one signal stops it and the agent.
  await s.exec(
    `p=$(cat ${pidFile} 2>/dev/null); if [ -n "$p" ]; then kill -TERM -- -"$p" 2>/dev/null || kill -TERM "$p" 2>/dev/null; ` +
      `i=0; while kill -0 "$p" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.2; i=$((i+1)); done; rm -f ${pidFile}; fi`,
  );
}

/** Removes the service definition (the unit file; the supervisor script goes with the install folder). */
export async function removeService(s: SshSession, spec: Pick<ServiceSpec, 'mode' | 'home'>): Promise<void> {
  if (spec.mode === 'background') return;
  await s.exec(`rm -f ${sh(unitPath(spec))} && ${systemctl(spec.mode)} daemon-reload`);
}
