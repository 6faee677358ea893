// Starts device agents as child processes: from the bundle (resources/agent/dist/agent.js) when it
// was built, else from the sources through tsx. Every child is killed when this process exits.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { AppError } from '../api/errors.js';
import { appRoot } from '../util/app-root.js';

export interface RunningAgent {
  proc: ChildProcess;
  dataDir: string;
  deviceId: string;
  port: number;
  servePort: number;
  certFingerprint: string;
  pairingCode: string | null;
  stop(): Promise<void>;
}

export function agentBundlePath(root = appRoot()): string {
  return path.join(root, 'resources', 'agent', 'dist', 'agent.js');
}

/** The node command line of the agent, or null when neither the bundle nor the sources are here. */
export function agentCommand(root = appRoot()): string[] | null {
  const bundle = agentBundlePath(root);
  if (existsSync(bundle)) return [bundle];
  const source = path.join(root, 'resources', 'agent', 'src', 'main.ts');
  if (existsSync(source) && existsSync(path.join(root, 'node_modules', 'tsx'))) return ['--import', 'tsx', source];
  return null;
}

/** Environment for a child that must run as plain Node even when this process is Electron. */
export function nodeEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, ...(process.versions.electron ? { ELECTRON_RUN_AS_NODE: '1' } : {}), ...extra };
}

const children = new Set<ChildProcess>();
let exitHookInstalled = false;

function track(proc: ChildProcess): void {
  children.add(proc);
  proc.once('exit', () => children.delete(proc));
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    // 'exit' handlers run synchronously: kill() sends the signal before this process is gone.
    process.once('exit', () => {
      for (const c of children) c.kill('SIGKILL');
    });
  }
}

export async function launchAgent(opts: { dataDir: string; args: string[]; readyTimeoutMs?: number }): Promise<RunningAgent> {
  const root = appRoot();
  const command = agentCommand(root);
  if (!command) throw new AppError('AGENT_MISSING', 'Device agent not found', 'Neither resources/agent/dist/agent.js nor the agent sources are here: run `npm run build`.');
  const proc = spawn(process.execPath, [...command, '--data-dir', opts.dataDir, ...opts.args], { cwd: root, env: nodeEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  track(proc);
  let out = '';
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const ready = await new Promise<Record<string, unknown>>((resolve, reject) => {
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new AppError('AGENT_START_TIMEOUT', 'The device agent did not start', `No ready line within ${(opts.readyTimeoutMs ?? 60_000) / 1000} s. Output:\n${out.slice(-2000)}`));
    }, opts.readyTimeoutMs ?? 60_000);
    proc.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /^EDGEFLEET_AGENT_READY (.*)$/m.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(JSON.parse(m[1]) as Record<string, unknown>);
      }
    });
    proc.stderr!.on('data', (c: Buffer) => (out += c.toString()));
    void exited.then(() => {
      clearTimeout(timer);
      reject(new AppError('AGENT_EXITED', 'The device agent stopped at start', out.trim().split('\n').slice(-3).join(' ') || `exit code ${proc.exitCode}`));
    });
  });
  // Keep draining output so a chatty agent never blocks on a full pipe.
  proc.stdout!.resume();
  proc.stderr!.resume();
  return {
    proc,
    dataDir: opts.dataDir,
    deviceId: String(ready.deviceId),
    port: Number(ready.port),
    servePort: Number(ready.servePort),
    certFingerprint: String(ready.certFingerprint),
    pairingCode: typeof ready.pairingCode === 'string' ? ready.pairingCode : null,
    stop: async () => {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill('SIGTERM');
      const hard = setTimeout(() => proc.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(hard);
    },
  };
}
