// Two private network namespaces joined by a veth pair: a LAN of two hosts that never touches this
// machine's own network (the veth is created inside the first namespace, its peer moved straight into
// the second). Needs root. Each side may or may not have a multicast route (224.0.0.0/4).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { repoRoot } from './agent-process.js';

export interface NetnsHost {
  /** Namespace name, for `ip netns exec`. */
  ns: string;
  iface: string;
  address: string;
  /** `ip netns exec NS`: a prefix for a command line that runs inside this host. */
  prefix: string[];
  /** Runs `ip ARGS` inside this host (throws with ip's message when it fails). */
  ip(...args: string[]): void;
}

export interface NetnsLink {
  a: NetnsHost;
  b: NetnsHost;
  destroy(): void;
}

let counter = 0;

function ip(args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** Creates the pair; multicast says which sides get `ip route add 224.0.0.0/4 dev IFACE`. */
export function createLink(multicast: { a: boolean; b: boolean }): NetnsLink {
  const tag = `${process.pid % 100000}x${counter++}`;
  const subnet = `10.${200 + (counter % 50)}.${process.pid % 250}`;
  const made: string[] = [];
  const host = (side: 'a' | 'b', octet: number): NetnsHost => {
    const ns = `ef-mdns-${tag}-${side}`;
    return {
      ns,
      iface: `efv${tag}${side}`.slice(0, 15),
      address: `${subnet}.${octet}`,
      prefix: ['ip', 'netns', 'exec', ns],
      ip: (...args: string[]) => ip(['-n', ns, ...args]),
    };
  };
  const a = host('a', 1);
  const b = host('b', 2);
  const destroy = () => {
    // Deleting a namespace removes its end of the veth, and with it the peer.
    for (const ns of made.splice(0)) {
      try {
        ip(['netns', 'delete', ns]);
      } catch {
        // already gone
      }
    }
  };
  try {
    for (const h of [a, b]) {
      ip(['netns', 'add', h.ns]);
      made.push(h.ns);
      h.ip('link', 'set', 'lo', 'up');
    }
    a.ip('link', 'add', a.iface, 'type', 'veth', 'peer', 'name', b.iface, 'netns', b.ns);
    for (const h of [a, b]) {
      h.ip('addr', 'add', `${h.address}/24`, 'dev', h.iface);
      h.ip('link', 'set', h.iface, 'up');
      if (multicast[h === a ? 'a' : 'b']) h.ip('route', 'add', '224.0.0.0/4', 'dev', h.iface);
    }
  } catch (err) {
    destroy();
    throw err;
  }
  return { a, b, destroy };
}

export interface Spawned {
  proc: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

/** Spawns a command inside a host, in the repository root, collecting stdout and stderr. */
export function spawnIn(h: NetnsHost, cmd: string[], env: Record<string, string> = {}): Spawned {
  const [bin, ...args] = [...h.prefix, ...cmd];
  const proc = spawn(bin, args, { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  proc.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  return { proc, output: () => out, exited };
}
