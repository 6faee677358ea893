// What the ssh.* handlers share: the host store, the secrets, and how a host becomes an SSH target.
import { AppError } from '../api/errors.js';
import type { SshHost } from '../api/types.js';
import type { DeviceContext } from '../devices/device-context.js';
import { SshHostStore } from './host-store.js';
import { passwordKey, type SecretStore } from './secret-store.js';
import { targetLabel, type SshTarget } from './ssh-session.js';

export class SshContext {
  readonly hosts: SshHostStore;

  constructor(
    readonly devices: DeviceContext,
    readonly secrets: SecretStore,
  ) {
    this.hosts = new SshHostStore(devices.registry.db, (id) => secrets.has(passwordKey(id)));
  }

  /** How to reach a known host; a password comes from the call, else the keychain, else it is refused. */
  target(host: SshHost, password?: string): SshTarget {
    const pw = host.auth === 'password' ? (password ?? this.secrets.get(passwordKey(host.id))) : null;
    const target: SshTarget = { hostId: host.id, host: host.host, port: host.port, user: host.user, keyPath: host.keyPath, password: pw, pinned: host.hostKey };
    if (host.auth === 'password' && pw === null) {
      throw new AppError(
        'SSH_PASSWORD_REQUIRED',
        'Password required',
        `${targetLabel(target)} logs in with a password, which ${this.secrets.persistent ? 'is not in the keychain' : 'this console does not keep'}. Give it with --password-env VAR (an environment variable holding it) or --ask-password.`,
      );
    }
    return target;
  }
}
