// Hosts that advertise _ssh._tcp or _workstation._tcp on the LAN appear in the inventory as
// 'discovered' devices with transport ssh: candidates to add with credentials and provision.
import type { Bonjour, Browser, Service } from 'bonjour-service';
import type { DeviceContext } from '../devices/device-context.js';
import { formatAddress } from '../devices/address.js';

export interface SshCandidate {
  id: string;
  name: string;
  host: string;
  port: number;
  /** host:port, the address shown until the host is added with a user. */
  address: string;
}

/** The inventory id of a discovered, not yet added host. */
export function candidateId(host: string, port: number): string {
  return `ssh-lan-${host.replace(/[^0-9a-z]/gi, '-')}-${port}`;
}

/** What an _ssh._tcp / _workstation._tcp answer says; null without a usable IPv4 address. */
export function readSshAdvert(s: Pick<Service, 'name' | 'type' | 'port' | 'addresses' | 'referer' | 'host'>): SshCandidate | null {
  const v4 = (s.addresses ?? []).filter((a) => /^\d+\.\d+\.\d+\.\d+$/.test(a));
  const host = s.referer?.address && (v4.length === 0 || v4.includes(s.referer.address)) ? s.referer.address : v4[0];
  if (!host) return null;
  // _workstation._tcp announces a machine (its port is 9, discard); SSH itself is on 22 there.
  const port = s.type === 'ssh' && s.port ? s.port : 22;
  const name = (s.name || s.host || host).replace(/\s*\[[0-9a-f:]{17}\]$/i, '');
  return { id: candidateId(host, port), name, host, port, address: formatAddress(host, port) };
}

/** Browses both types and records candidates; a host already added over SSH is left alone. */
export function browseSshHosts(bonjour: Bonjour, ctx: DeviceContext): Browser[] {
  const hostKnown = (c: SshCandidate) =>
    (ctx.registry.db.prepare('SELECT 1 FROM ssh_hosts WHERE host = ? AND port = ?').get(c.host, c.port) as unknown) !== undefined;
  const seen = (s: Service) => {
    const c = readSshAdvert(s);
    if (!c || hostKnown(c)) return;
    const known = ctx.store.get(c.id);
    if (known && known.state !== 'discovered' && known.state !== 'offline') return;
    ctx.store.upsert(c.id, { name: c.name, address: c.address, transport: 'ssh', state: 'discovered', lastSeen: new Date().toISOString() });
    ctx.changed.mark(c.id);
  };
  return ['ssh', 'workstation'].map((type) => {
    const b = bonjour.find({ type });
    b.on('up', seen);
    return b;
  });
}
