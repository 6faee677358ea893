// The SSH host inventory in <home>/registry.db. Holds a private key's path, never key material, and
// never a password: those live in the SecretStore (the OS keychain under Electron) or nowhere.
import { randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import { AppError } from '../api/errors.js';
import type { SshAgentlessDeploy, SshHost, SshInstall } from '../api/types.js';
import type { HostKey } from './host-key.js';

export const sshHostsMigrationSql = `
  CREATE TABLE ssh_hosts (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    host TEXT NOT NULL,
    port INTEGER NOT NULL,
    user TEXT NOT NULL,
    auth TEXT NOT NULL,
    key_path TEXT,
    host_key_type TEXT,
    host_key_fingerprint TEXT,
    device_id TEXT NOT NULL,
    provisioned TEXT,
    last_deploy TEXT,
    created_at TEXT NOT NULL,
    UNIQUE (host, port, user)
  );
`;

interface HostRow {
  id: string;
  name: string;
  host: string;
  port: number;
  user: string;
  auth: SshHost['auth'];
  key_path: string | null;
  host_key_type: string | null;
  host_key_fingerprint: string | null;
  device_id: string;
  provisioned: string | null;
  last_deploy: string | null;
  created_at: string;
}

export interface NewHost {
  name: string;
  host: string;
  port: number;
  user: string;
  auth: SshHost['auth'];
  keyPath: string | null;
  hostKey: HostKey;
}

export function newHostId(): string {
  return `ssh-${randomBytes(5).toString('hex')}`;
}

export class SshHostStore {
  constructor(
    private readonly db: Database.Database,
    private readonly hasPassword: (id: string) => boolean = () => false,
  ) {}

  list(): SshHost[] {
    return (this.db.prepare('SELECT * FROM ssh_hosts ORDER BY name COLLATE NOCASE, id').all() as HostRow[]).map((r) => this.toHost(r));
  }

  get(id: string): SshHost | null {
    const row = this.db.prepare('SELECT * FROM ssh_hosts WHERE id = ?').get(id) as HostRow | undefined;
    return row ? this.toHost(row) : null;
  }

  require(id: string): SshHost {
    const h = this.get(id);
    if (!h) throw new AppError('SSH_HOST_NOT_FOUND', 'SSH host not found', `No SSH host has id ${id}. List them with \`edgefleet ssh list\`.`);
    return h;
  }

  find(host: string, port: number, user: string): SshHost | null {
    const row = this.db.prepare('SELECT * FROM ssh_hosts WHERE host = ? AND port = ? AND user = ?').get(host, port, user) as HostRow | undefined;
    return row ? this.toHost(row) : null;
  }

  insert(id: string, h: NewHost): SshHost {
    this.db
      .prepare(
        `INSERT INTO ssh_hosts (id, name, host, port, user, auth, key_path, host_key_type, host_key_fingerprint, device_id, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(id, h.name, h.host, h.port, h.user, h.auth, h.keyPath, h.hostKey.type, h.hostKey.fingerprint, id, new Date().toISOString());
    return this.require(id);
  }

  /** Changes how the console logs in (the pinned host key stays). */
  setAuth(id: string, auth: SshHost['auth'], keyPath: string | null): SshHost {
    this.db.prepare('UPDATE ssh_hosts SET auth = ?, key_path = ? WHERE id = ?').run(auth, keyPath, id);
    return this.require(id);
  }

  setProvisioned(id: string, deviceId: string, install: SshInstall | null): SshHost {
    this.db.prepare('UPDATE ssh_hosts SET device_id = ?, provisioned = ? WHERE id = ?').run(deviceId, install ? JSON.stringify(install) : null, id);
    return this.require(id);
  }

  setLastDeploy(id: string, d: SshAgentlessDeploy): SshHost {
    this.db.prepare('UPDATE ssh_hosts SET last_deploy = ? WHERE id = ?').run(JSON.stringify(d), id);
    return this.require(id);
  }

  remove(id: string): boolean {
    return this.db.prepare('DELETE FROM ssh_hosts WHERE id = ?').run(id).changes > 0;
  }

  private toHost(r: HostRow): SshHost {
    return {
      id: r.id,
      name: r.name,
      host: r.host,
      port: r.port,
      user: r.user,
      address: `${r.user}@${r.host.includes(':') ? `[${r.host}]` : r.host}${r.port === 22 ? '' : `:${r.port}`}`,
      auth: r.auth,
      keyPath: r.key_path,
      passwordStored: r.auth === 'password' && this.hasPassword(r.id),
      hostKey: r.host_key_type && r.host_key_fingerprint ? { type: r.host_key_type, fingerprint: r.host_key_fingerprint } : null,
      deviceId: r.device_id,
      provisioned: r.provisioned ? (JSON.parse(r.provisioned) as SshInstall) : null,
      lastDeploy: r.last_deploy ? (JSON.parse(r.last_deploy) as SshAgentlessDeploy) : null,
      createdAt: r.created_at,
    };
  }
}
