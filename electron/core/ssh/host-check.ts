// What a host offers before the agent goes on it: OS, arch, Node, free disk, root, systemd.
import { AppError } from '../api/errors.js';
import type { SshHostCheck, SshServiceMode } from '../api/types.js';
import { sh } from './quote.js';
import type { SshSession } from './ssh-session.js';

/** The agent bundle targets Node 20.19 or later (resources/agent/dist/package.json engines). */
const minNode = [20, 19] as const;
export const minNodeText = `${minNode[0]}.${minNode[1]}`;

const script = [
  'echo "os=$( (. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME") || uname -sr)"',
  'echo "kernel=$(uname -s)"',
  'echo "arch=$(uname -m)"',
  'echo "node=$(node --version 2>/dev/null)"',
  'echo "uid=$(id -u)"',
  'echo "home=$HOME"',
  'echo "systemd=$([ -d /run/systemd/system ] && command -v systemctl >/dev/null && echo yes || echo no)"',
  'echo "usersystemd=$(systemctl --user show-environment >/dev/null 2>&1 && echo yes || echo no)"',
  'echo "setsid=$(command -v setsid >/dev/null && echo yes || echo no)"',
].join('; ');

export interface HostFacts extends SshHostCheck {
  home: string;
  setsid: boolean;
}

function nodeOk(version: string): boolean {
  const m = /^v(\d+)\.(\d+)/.exec(version);
  if (!m) return false;
  const [major, minor] = [Number(m[1]), Number(m[2])];
  return major > minNode[0] || (major === minNode[0] && minor >= minNode[1]);
}

export function archOf(uname: string): string | null {
  return ({ x86_64: 'x64', amd64: 'x64', aarch64: 'arm64', arm64: 'arm64' } as Record<string, string>)[uname] ?? null;
}

export async function checkHost(s: SshSession): Promise<HostFacts> {
  const out = await s.run(script, 'Checking the host');
  const v = Object.fromEntries(out.split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1).trim()]));
  if (v.kernel !== 'Linux') throw new AppError('HOST_UNSUPPORTED', 'Not a Linux host', `${s.label} runs ${v.kernel || 'an unknown system'}; the agent runs on Linux only.`);
  const arch = archOf(v.arch);
  if (!arch) throw new AppError('ARCH_UNSUPPORTED', 'Unsupported CPU architecture', `${s.label} is ${v.arch}; the agent runs on x86_64 and aarch64.`);
  const root = v.uid === '0';
  const systemd = v.systemd === 'yes';
  const mode: SshServiceMode = systemd && root ? 'systemd' : v.usersystemd === 'yes' ? 'systemd-user' : 'background';
  const node = v.node || null;
  return {
    os: v.os,
    arch,
    node,
    runtime: node && nodeOk(node) ? 'system' : 'bundled',
    freeBytes: 0,
    systemd,
    root,
    mode,
    home: v.home,
    setsid: v.setsid === 'yes',
  };
}

/** Free bytes on the file system that will hold `dir` (its nearest existing parent). */
export async function freeBytes(s: SshSession, dir: string): Promise<number> {
  const out = await s.run(`d=${sh(dir)}; while [ ! -d "$d" ]; do d=$(dirname "$d"); done; df -Pk "$d" | tail -1`, 'Measuring free disk');
  const kb = Number(out.trim().split(/\s+/)[3]);
  return Number.isFinite(kb) ? kb * 1024 : 0;
}
