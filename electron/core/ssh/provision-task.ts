// The `ssh.provision` job, run in a worker: check the host, upload the agent bundle (only files that
// differ), install and start it as a service, read its one-time pairing code over SSH and pair with it
// over HTTPS. Repeating it changes nothing that is already right.
import { AppError } from '../api/errors.js';
import type { SshHostCheck, SshInstall } from '../api/types.js';
import { AgentClient } from '../devices/https/agent-client.js';
import type { DeviceResponse } from '../../../resources/device-protocol/messages.js';
import { readConsoleKey } from '../devices/console-key.js';
import { deviceError, isUnreachable } from '../devices/device-errors.js';
import { runPool } from '../devices/pool.js';
import { throwIfCancelled, type TaskContext } from '../jobs/task-types.js';
import { formatBytes } from '../jobs/progress.js';
import { agentFiles, defaultResourcesDir } from '../agent-build/agent-files.js';
import { agentArchSchema } from '../agent-build/build-manifest.js';
import type { BundleFile } from './agent-bundle.js';
import { freeBytes, checkHost, minNodeText } from './host-check.js';
import { isRunning, serviceFile, startService, type ServiceSpec } from './agent-service.js';
import { sh } from './quote.js';
import { currentRelease, pruneInstall, releaseName, releaseVersion, runScript, switchRelease } from './release-layout.js';
import { compareVersions } from '../util/compare-versions.js';
import { appVersion } from '../util/app-root.js';
import { SshSession, type SshTarget } from './ssh-session.js';

export interface ProvisionTaskInput {
  hostId: string;
  target: SshTarget;
  name: string;
  agentPort: number;
  servePort: number;
  mdns: boolean;
  keyPath: string;
  consoleName: string;
  /** Credentials of the agent this host already runs, from the inventory. */
  known: { deviceId: string; fingerprint: string; token: string } | null;
  installDir?: string;
  dataDir?: string;
  /** EdgeFleet's resources folder: the agent bundle and the fetched Node runtimes (resources/agent). */
  resourcesDir?: string;
}

export interface ProvisionTaskResult {
  hostId: string;
  check: SshHostCheck;
  install: SshInstall;
  uploaded: number;
  skipped: number;
  paired: 'new' | 'already';
  device: {
    id: string;
    address: string;
    fingerprint: string;
    token: string;
    info: DeviceResponse<'info'>;
    status: DeviceResponse<'status'>;
  };
}

const steps = ['Checking the host', 'Uploading the agent', 'Installing the service', 'Starting the agent', 'Pairing'] as const;

export async function provisionTask(input: ProvisionTaskInput, ctx: TaskContext): Promise<ProvisionTaskResult> {
  const step = (i: number, fraction: number, extra?: string) =>
    ctx.progress({ phase: 'analysing', fraction, message: `step ${i + 1} of ${steps.length}: ${steps[i]}${extra ? ` (${extra})` : ''}` });
  step(0, 0);
  const s = await SshSession.open(input.target);
  try {
    const facts = await checkHost(s);
    const installDir = input.installDir ?? (facts.root ? '/opt/edgefleet-agent' : `${facts.home}/.local/share/edgefleet-agent`);
    const dataDir = input.dataDir ?? (facts.root ? '/var/lib/edgefleet-agent' : `${facts.home}/.local/state/edgefleet-agent`);
    const bundled = facts.runtime === 'bundled';
    // No usable Node on the host: the pinned runtime for the host's arch goes with the agent, as in a build.
    const why = `On ${s.label} ${facts.node ? `Node ${facts.node} is older than ${minNodeText}` : 'no Node.js is installed'}, so the agent takes its own Node for linux-${facts.arch}.`;
    const resourcesDir = input.resourcesDir ?? defaultResourcesDir();
    const { files: agent } = await agentFiles(agentArchSchema.parse(facts.arch), { resourcesDir, runtime: bundled && why });
    const bundle = [...agent, await runScript(resourcesDir)];
    // An agent the console upgraded since (a newer signed build) stays: provisioning never downgrades it.
    const running = await currentRelease(s, installDir);
    const newer = running !== null && compareVersions(releaseVersion(running), appVersion()) > 0 ? running : null;
    const release = newer ?? releaseName(appVersion(), bundle);
    const releaseDir = `${installDir}/releases/${release}`;
    const total = bundle.reduce((n, f) => n + f.size, 0);
    facts.freeBytes = await freeBytes(s, installDir);
    if (!newer && facts.freeBytes < total * 2) {
      throw new AppError('HOST_DISK_FULL', 'Not enough free disk on the host', `${s.label} has ${formatBytes(facts.freeBytes)} free for ${installDir}; the agent needs about ${formatBytes(total * 2)}. Free some space and provision again.`);
    }
    const check: SshHostCheck = { os: facts.os, arch: facts.arch, node: facts.node, runtime: facts.runtime, freeBytes: facts.freeBytes, systemd: facts.systemd, root: facts.root, mode: facts.mode };
    throwIfCancelled(ctx.signal);

    step(1, 0.05);
    const { uploaded, skipped } = newer
      ? (step(1, 0.8, `keeping agent ${releaseVersion(newer)}, newer than this console's ${appVersion()}`), { uploaded: 0, skipped: 0 })
      : await uploadBundle(s, releaseDir, bundle, (sent) => step(1, 0.05 + 0.75 * (sent / total), `${formatBytes(sent)} of ${formatBytes(total)}`), ctx.signal);

    step(2, 0.82);
    // run.sh takes the release's own Node, or the host's found now (a service's PATH may not have it).
    const hostNode = bundled ? [] : ['--node', (await s.run('command -v node', 'Finding node')).trim() || 'node'];
    const listen = ['127.0.0.1', 'localhost', '::1'].includes(input.target.host) ? ['--host', '127.0.0.1'] : [];
    const args = [`${installDir}/current/run.sh`, ...hostNode, '--data-dir', dataDir, '--port', String(input.agentPort), '--serve-port', String(input.servePort), '--name', input.name, ...listen, ...(input.mdns ? [] : ['--no-mdns'])];
    const spec: ServiceSpec = { mode: facts.mode, installDir, dataDir, command: args.map(sh).join(' '), home: facts.home, setsid: facts.setsid };
    const file = serviceFile(spec);
    const current = await s.exec(`cat ${sh(file.path)} 2>/dev/null`);
    const defChanged = current.stdout !== file.text;
    if (defChanged) {
      await s.run(`mkdir -p ${sh(file.path.slice(0, file.path.lastIndexOf('/')))} && mkdir -p -m 700 ${sh(dataDir)} && chmod 700 ${sh(dataDir)}`, 'Creating folders');
      await s.writeFile(`${file.path}.tmp`, file.text, spec.mode === 'background' ? 0o755 : 0o644);
      await s.run(`mv -f ${sh(`${file.path}.tmp`)} ${sh(file.path)}`, 'Installing the service definition');
      // Provisioning before the pinned runtimes uploaded the console's node to runtime/node: unused now.
      await s.exec(`rm -rf ${sh(`${installDir}/runtime`)}`);
    }
    const { switched } = await switchRelease(s, installDir, release);
    throwIfCancelled(ctx.signal);

    step(3, 0.88, spec.mode === 'background' ? 'no systemd: a supervised background process' : spec.mode);
    const wasRunning = await isRunning(s, spec);
    await startService(s, spec, uploaded > 0 || switched || defChanged || !wasRunning);
    if (switched) await pruneInstall(s, installDir, bundle);
    const install: SshInstall = { mode: spec.mode, installDir, dataDir, agentPort: input.agentPort, runtime: facts.runtime, release, at: new Date().toISOString() };

    step(4, 0.94);
    const address = `${input.target.host.includes(':') ? `[${input.target.host}]` : input.target.host}:${input.agentPort}`;
    const paired = await pairOverSsh(s, input, dataDir, address, ctx.signal);
    ctx.progress({ phase: 'done', fraction: 1 });
    return { hostId: input.hostId, check, install, uploaded, skipped, ...paired };
  } finally {
    s.close();
  }
}

/** Uploads the files whose remote sha256 differs, each to NAME.tmp then renamed into place. */
async function uploadBundle(s: SshSession, dir: string, files: BundleFile[], onSent: (bytes: number) => void, signal: AbortSignal): Promise<{ uploaded: number; skipped: number }> {
  const listed = await s.exec(`cd ${sh(dir)} 2>/dev/null && sha256sum ${files.map((f) => sh(f.remote)).join(' ')} 2>/dev/null`);
  const remote = new Map(
    listed.stdout
      .split('\n')
      .map((l) => /^([0-9a-f]{64})\s+\*?(.+)$/.exec(l))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => [m[2], m[1]]),
  );
  const todo = files.filter((f) => remote.get(f.remote) !== f.sha256);
  const sent = files.filter((f) => !todo.includes(f)).reduce((n, f) => n + f.size, 0);
  onSent(sent);
  const dirs = [...new Set(todo.map((f) => `${dir}/${f.remote}`.replace(/\/[^/]*$/, '')))];
  if (dirs.length) await s.run(`mkdir -p ${dirs.map(sh).join(' ')}`, 'Creating the install folder');
  // A few files at once: most are small, and each costs round trips (open, write, close, rename).
  const progress = new Map<BundleFile, number>();
  await runPool(todo, 4, async (f) => {
    throwIfCancelled(signal);
    const target = `${dir}/${f.remote}`;
    await s.upload(f.local, `${target}.tmp`, (n) => {
      progress.set(f, n);
      onSent(sent + [...progress.values()].reduce((a, b) => a + b, 0));
    }, f.mode);
    await s.rename(`${target}.tmp`, target);
  });
  return { uploaded: todo.length, skipped: files.length - todo.length };
}

/** Pairs with the agent using the code in its data dir, or checks that our stored pairing still works. */
async function pairOverSsh(s: SshSession, input: ProvisionTaskInput, dataDir: string, address: string, signal: AbortSignal): Promise<Pick<ProvisionTaskResult, 'paired' | 'device'>> {
  const [host, port] = [input.target.host, input.agentPort];
  const deadline = Date.now() + 60_000;
  for (;;) {
    throwIfCancelled(signal);
    try {
      const state = await s.exec(`cat ${sh(`${dataDir}/pairing-code`)} 2>/dev/null || { test -f ${sh(`${dataDir}/pairing.json`)} && echo PAIRED; }`);
      const said = state.stdout.trim();
      if (said === 'PAIRED') {
        if (!input.known) {
          throw new AppError(
            'AGENT_PAIRED_ELSEWHERE',
            'The agent on this host is paired with another console',
            `The agent in ${dataDir} on ${s.label} is already paired, and this console holds no credentials for it. Remove it with \`edgefleet ssh uninstall ${input.hostId}\` (which deletes its data) and provision again.`,
          );
        }
        const client = new AgentClient({ host, port, fingerprint: input.known.fingerprint, token: input.known.token, timeoutMs: 10_000 });
        try {
          const [info, status] = await Promise.all([client.info(), client.status()]);
          return { paired: 'already', device: { id: input.known.deviceId, address, fingerprint: input.known.fingerprint, token: input.known.token, info, status } };
        } finally {
          client.close();
        }
      }
      if (/^[A-Z0-9]{4,32}$/.test(said)) {
        const key = readConsoleKey(input.keyPath);
        const { client, deviceId, token, certFingerprint } = await AgentClient.pair({ host, port, code: said, consolePublicKey: key.publicKey, consoleName: input.consoleName, timeoutMs: 30_000 });
        try {
          const [info, status] = await Promise.all([client.info(), client.status()]);
          return { paired: 'new', device: { id: deviceId, address, fingerprint: certFingerprint, token, info, status } };
        } finally {
          client.close();
        }
      }
      if (Date.now() > deadline) throw new AppError('AGENT_NOT_STARTING', 'The agent did not start', `No pairing state appeared in ${dataDir} on ${s.label} within a minute. Look at the agent's log on the host.`);
    } catch (err) {
      // The agent may still be starting (its port not open yet): try again until the deadline.
      if (!isUnreachable(err) || Date.now() > deadline) throw deviceError(err, address);
    }
    await new Promise((r) => setTimeout(r, 300));
  }
}
