// The mDNS socket (UDP 5353, group 224.0.0.251): binds, joins the group on every interface, and sends.
// Multicast goes out once per interface with IP_MULTICAST_IF set to that interface's address: link-local
// multicast sent that way needs no route, so it works on a LAN with no default or multicast route,
// where a send through the routing table fails with ENETUNREACH (Avahi and mDNSResponder do the same).
// No error leaves this class: every failure goes to onError, and a socket that fails is reopened.
import dgram from 'node:dgram';
import os from 'node:os';

export const mdnsGroup = '224.0.0.251';
export const mdnsPort = 5353;

export interface Interfaces {
  /** One IPv4 address per interface: where to join the group and send from. */
  sendFrom: string[];
  ipv4: string[];
  ipv6: string[];
  /** Changes whenever an address appears or goes away. */
  key: string;
}

/**
 * The addresses of the interfaces that are up. Loopback counts only on a host with nothing else (a
 * loopback-only namespace), so that other hosts never get 127.0.0.1 for this one.
 */
export function currentInterfaces(): Interfaces {
  const all = Object.entries(os.networkInterfaces()).flatMap(([name, list]) => (list ?? []).map((a) => ({ name, ...a })));
  const external = all.filter((a) => !a.internal);
  const use = external.length > 0 ? external : all;
  const v4 = use.filter((a) => a.family === 'IPv4');
  const sendFrom = [...new Map(v4.map((a) => [a.name, a.address])).values()];
  const ipv6 = use.filter((a) => a.family === 'IPv6').map((a) => a.address);
  return { sendFrom, ipv4: v4.map((a) => a.address), ipv6, key: JSON.stringify(use.map((a) => `${a.name}/${a.address}`).sort()) };
}

export interface MdnsSocketEvents {
  onMessage(msg: Buffer, from: dgram.RemoteInfo): void;
  /** The socket is bound and in the group (again): time to announce. */
  onReady(): void;
  onError(what: string, err: unknown): void;
}

export class MdnsSocket {
  private socket: dgram.Socket | null = null;
  private joined = new Set<string>();
  private queue: Promise<void> = Promise.resolve();
  private pending = 0;
  private closed = false;

  constructor(private readonly events: MdnsSocketEvents) {}

  get open(): boolean {
    return this.socket !== null;
  }

  /** Binds a new socket; on failure reports and leaves it closed (the caller retries). */
  bind(): void {
    if (this.closed || this.socket) return;
    const socket = dgram.createSocket({ type: 'udp4', reuseAddr: true });
    this.socket = socket;
    socket.on('message', (msg, from) => this.events.onMessage(msg, from));
    socket.on('error', (err) => {
      // With a send callback a send error goes there; what arrives here is the socket itself failing.
      this.events.onError('use UDP port 5353', err);
      this.drop(socket);
    });
    socket.bind(mdnsPort, () => {
      try {
        socket.setMulticastTTL(255);
        socket.setMulticastLoopback(true);
      } catch (err) {
        this.events.onError('set up multicast', err);
        this.drop(socket);
        return;
      }
      this.join(currentInterfaces());
      this.events.onReady();
    });
  }

  /** Joins the group on interfaces not joined yet (an interface that went away leaves by itself). */
  join(ifaces: Interfaces): void {
    if (!this.socket) return;
    for (const addr of [...this.joined]) if (!ifaces.sendFrom.includes(addr)) this.joined.delete(addr);
    for (const addr of ifaces.sendFrom) {
      if (this.joined.has(addr)) continue;
      try {
        this.socket.addMembership(mdnsGroup, addr);
        this.joined.add(addr);
      } catch (err) {
        // EADDRINUSE: already a member (after a rejoin); anything else: that interface cannot receive.
        if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') this.joined.add(addr);
      }
    }
  }

  /**
   * Sends to the group on every interface, or to one host (a unicast answer). Resolves with the first
   * error, or null when every send went out. One send at a time: the multicast interface is per socket.
   */
  send(buf: Buffer, to: { address: string; port: number } | null): Promise<unknown> {
    // Under a flood of queries, answers beyond this are dropped: the querier asks again.
    if (this.pending >= 32) return Promise.resolve(null);
    this.pending++;
    const done = this.queue.then(() => this.sendNow(buf, to));
    this.queue = done.then(() => {
      this.pending--;
    });
    return done;
  }

  private async sendNow(buf: Buffer, to: { address: string; port: number } | null): Promise<unknown> {
    const socket = this.socket;
    if (!socket) return new Error('the mDNS socket is closed');
    const targets = to ? [null] : currentInterfaces().sendFrom;
    if (targets.length === 0) return new Error('no network interface with an IPv4 address is up');
    let first: unknown = null;
    for (const from of targets) {
      const err = await new Promise<unknown>((resolve) => {
        try {
          if (from) socket.setMulticastInterface(from);
          socket.send(buf, to?.port ?? mdnsPort, to?.address ?? mdnsGroup, (e) => resolve(e ?? null));
        } catch (e) {
          resolve(e);
        }
      });
      first ??= err;
    }
    return first;
  }

  private drop(socket: dgram.Socket): void {
    if (this.socket !== socket) return;
    this.socket = null;
    this.joined.clear();
    try {
      socket.close();
    } catch {
      // not bound or already closed
    }
  }

  close(): Promise<void> {
    this.closed = true;
    const socket = this.socket;
    if (!socket) return Promise.resolve();
    return this.queue.then(
      () =>
        new Promise<void>((resolve) => {
          this.socket = null;
          try {
            socket.close(() => resolve());
          } catch {
            resolve();
          }
        }),
    );
  }
}
