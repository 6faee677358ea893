// The ssh.* channels: the SSH host inventory, provisioning the agent, agentless deploys and undo.
import type { Handlers } from '../api/dispatch.js';
import { AppError } from '../api/errors.js';
import type { Job, SshHost, SshProvisionResult } from '../api/types.js';
import type { DeviceContext } from '../devices/device-context.js';
import { statusPatch } from '../devices/status-fields.js';
import type { JobManager } from '../jobs/job-manager.js';
import { artifactPath } from '../registry/artifact-store.js';
import { swapBack } from './agentless-deploy.js';
import { uninstallAgent } from './uninstall.js';
import { newHostId } from './host-store.js';
import { candidateId } from './ssh-discovery.js';
import { passwordKey, type SecretStore } from './secret-store.js';
import { SshContext } from './ssh-context.js';
import { withSession, SshSession } from './ssh-session.js';

type SshChannels = 'ssh.add' | 'ssh.list' | 'ssh.remove' | 'ssh.provision' | 'ssh.deploy' | 'ssh.rollback' | 'ssh.uninstall';

/** `resourcesDir`: EdgeFleet's resources folder where the shell knows it (a packaged app), for the agent files and runtimes. */
export function sshHandlers(deps: { devices: DeviceContext; jobs: JobManager; secrets: SecretStore; resourcesDir?: string }): Pick<Handlers, SshChannels> {
  const ssh = new SshContext(deps.devices, deps.secrets);
  const { hosts } = ssh;
  const { store, changed } = deps.devices;

  /** The host's own inventory row while no agent runs on it (transport ssh, not paired). */
  const hostDevice = (h: SshHost, online: boolean) => {
    store.upsert(h.id, { name: h.name, address: h.address, transport: 'ssh', state: online ? 'online' : 'discovered', lastSeen: online ? new Date().toISOString() : null });
    changed.now(h.id);
  };

  return {
    'ssh.list': () => hosts.list(),
    'ssh.add': async ({ host, port, user, keyPath, password, name }) => {
      const existing = hosts.find(host, port, user);
      const auth = keyPath ? 'key' : 'password';
      if (!keyPath && password === undefined) {
        throw new AppError('SSH_AUTH_MISSING', 'Key or password needed', `Give --key PATH (a private key) or --password-env VAR for ${user}@${host}.`);
      }
      const target = { hostId: existing?.id ?? null, host, port, user, keyPath: keyPath ?? null, password: keyPath ? null : (password ?? null), pinned: existing?.hostKey ?? null };
      // Logs in once: proves the credentials and pins the host key on first use.
      const session = await SshSession.open(target);
      const hostKey = session.hostKey;
      session.close();
      const id = existing?.id ?? newHostId();
      const saved = existing ? hosts.setAuth(id, auth, keyPath ?? null) : hosts.insert(id, { name: name ?? host, host, port, user, auth, keyPath: keyPath ?? null, hostKey });
      if (auth === 'password' && password !== undefined && deps.secrets.persistent) deps.secrets.set(passwordKey(id), password);
      if (auth === 'key') deps.secrets.delete(passwordKey(id));
      // A discovered candidate at this address is now this host.
      if (store.remove(candidateId(host, port))) changed.mark(candidateId(host, port));
      if (saved.deviceId === saved.id) hostDevice(saved, true);
      return hosts.require(id);
    },
    'ssh.remove': ({ id }) => {
      const h = hosts.get(id);
      if (!h) return { removed: false };
      hosts.remove(id);
      deps.secrets.delete(passwordKey(id));
      if (store.remove(h.id)) changed.now(h.id);
      return { removed: true };
    },
    'ssh.provision': async ({ id, password, agentPort, servePort, mdns }): Promise<Job> => {
      const h = hosts.require(id);
      const target = ssh.target(h, password);
      const key = await deps.devices.consoleKey();
      const known = h.deviceId !== h.id ? deps.devices.store.credentials(h.deviceId) : null;
      return deps.jobs.start(
        'ssh.provision',
        {
          hostId: h.id,
          target,
          name: h.name,
          agentPort,
          servePort,
          mdns,
          keyPath: key.privateKeyPath,
          consoleName: deps.devices.consoleName(),
          known: known ? { deviceId: known.id, fingerprint: known.fingerprint, token: known.token } : null,
          resourcesDir: deps.resourcesDir,
        },
        {
          title: `Provision the agent on ${h.address}`,
          onSuccess: (r): SshProvisionResult => {
            const d = r.device;
            store.upsert(d.id, {
              name: d.info.name,
              transport: 'lan',
              address: d.address,
              fingerprint: d.fingerprint,
              token: d.token,
              arch: d.info.arch,
              agentVersion: d.info.agentVersion,
              ...statusPatch(d.status),
            });
            const before = hosts.require(id);
            hosts.setProvisioned(id, d.id, r.install);
            if (before.deviceId === before.id && store.remove(before.id)) changed.mark(before.id);
            changed.now(d.id);
            return { hostId: id, deviceId: d.id, check: r.check, mode: r.install.mode, release: r.install.release!, uploaded: r.uploaded, skipped: r.skipped, paired: r.paired };
          },
        },
      );
    },
    'ssh.deploy': async ({ modelId, hostId, path, restart, password }): Promise<Job> => {
      const h = hosts.require(hostId);
      const model = deps.devices.registry.requireModel(modelId);
      const target = ssh.target(h, password);
      return deps.jobs.start(
        'ssh.deploy',
        {
          hostId: h.id,
          deviceId: h.deviceId,
          name: h.name,
          target,
          artifactPath: artifactPath(deps.devices.home, model.sha256),
          sha256: model.sha256,
          size: model.sizeBytes,
          remotePath: path,
          restart: restart ?? null,
        },
        {
          title: `Deploy ${model.name} v${model.version} to ${h.address}:${path}`,
          onSuccess: (r) => {
            hosts.setLastDeploy(h.id, { path, restart: restart ?? null, modelId: model.id, modelName: `${model.name} v${model.version}`, sha256: model.sha256, previousSha256: r.previousSha256, at: new Date().toISOString(), rolledBack: false });
            if (h.deviceId === h.id) {
              store.upsert(h.id, { state: 'online', activeModel: { name: model.name, version: String(model.version), sha256: model.sha256 }, slotState: 'confirmed', lastSeen: new Date().toISOString() });
              changed.now(h.id);
            }
            return { modelId: model.id, devices: [r.row], restartOutput: r.restartOutput };
          },
        },
      );
    },
    'ssh.rollback': async ({ id, password }) => {
      const h = hosts.require(id);
      const last = h.lastDeploy;
      if (!last) throw new AppError('NOTHING_TO_ROLL_BACK', 'Nothing to roll back', `No agentless deploy to ${h.address} is recorded. Deploy with \`edgefleet ssh deploy MODEL --host ${id} --path PATH\` first.`);
      await withSession(ssh.target(h, password), (s) => swapBack(s, last.path, last.restart));
      const back = hosts.setLastDeploy(id, { ...last, sha256: last.previousSha256 ?? last.sha256, previousSha256: last.sha256, rolledBack: !last.rolledBack, at: new Date().toISOString() });
      if (h.deviceId === h.id) {
        const model = last.previousSha256 ? deps.devices.registry.findBySha256(last.previousSha256) : null;
        store.upsert(h.id, { activeModel: model ? { name: model.name, version: String(model.version), sha256: model.sha256 } : last.previousSha256 ? { name: 'previous file', version: '', sha256: last.previousSha256 } : null, lastSeen: new Date().toISOString() });
        changed.now(h.id);
      }
      return back;
    },
    'ssh.uninstall': async ({ id, password }) => {
      const h = hosts.require(id);
      await withSession(ssh.target(h, password), (s) => uninstallAgent(s, h.provisioned));
      if (h.deviceId !== h.id && store.remove(h.deviceId)) changed.mark(h.deviceId);
      const after = hosts.setProvisioned(id, id, null);
      hostDevice(after, true);
      return after;
    },
  };
}
