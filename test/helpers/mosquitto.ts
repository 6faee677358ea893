// Starts a real Mosquitto broker (Debian's mosquitto 2.0) for a test file: its own config in a
// temporary folder, a free loopback port below the ephemeral range, no persistence unless asked.
// restart() brings it back on the same port (a broker restart mid-rollout); kill9() drops it hard.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from './sshd.js';

export interface BrokerOptions {
  /** Lines added to the generated config after the listener (TLS, ACL, limits). */
  extraConfig?: string[];
  /** Replaces the generated config; `{port}` and `{dir}` are filled in. */
  config?: string;
  /** Keep retained messages and sessions across restart() (a persistence file in the folder). */
  persistence?: boolean;
}

export interface Broker {
  port: number;
  url: string;
  dir: string;
  proc: ChildProcess;
  output(): string;
  restart(): Promise<void>;
  kill9(): Promise<void>;
  stop(): Promise<void>;
}

export async function startBroker(opts: BrokerOptions = {}): Promise<Broker> {
  const dir = mkdtempSync(path.join(tmpdir(), 'ef-mosquitto-'));
  // As root the broker drops to user mosquitto, which must be able to write its persistence file.
  chmodSync(dir, 0o777);
  const port = await freePort();
  const conf = path.join(dir, 'mosquitto.conf');
  const text = opts.config
    ? opts.config.replaceAll('{port}', String(port)).replaceAll('{dir}', dir)
    : [
        `listener ${port} 127.0.0.1`,
        'allow_anonymous true',
        `persistence ${opts.persistence ? 'true' : 'false'}`,
        `persistence_location ${dir}/`,
        'log_dest stderr',
        'log_type error',
        'log_type warning',
        'log_type notice',
        'log_type information',
        ...(opts.extraConfig ?? []),
        '',
      ].join('\n');
  writeFileSync(conf, text);
  let out = '';
  const broker: Broker = {
    port,
    url: `mqtt://127.0.0.1:${port}`,
    dir,
    proc: null as unknown as ChildProcess,
    output: () => out,
    restart: async () => {
      await broker.kill9();
      broker.proc = await launch();
    },
    kill9: async () => {
      const p = broker.proc;
      if (p.exitCode !== null || p.signalCode !== null) return;
      const gone = new Promise((r) => p.once('exit', r));
      p.kill('SIGKILL');
      await gone;
    },
    stop: async () => {
      await broker.kill9();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  const launch = async (): Promise<ChildProcess> => {
    const p = spawn('mosquitto', ['-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`mosquitto did not start in 10 s:\n${out}`)), 10_000);
      const onData = (b: Buffer) => {
        out += b.toString();
        if (/mosquitto version \S+ running/.test(out.slice(-2000))) {
          clearTimeout(timer);
          resolve();
        }
      };
      p.stdout!.on('data', onData);
      p.stderr!.on('data', onData);
      p.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`mosquitto exited (${code}) before it ran:\n${out}`));
      });
    });
    p.removeAllListeners('exit');
    return p;
  };
  broker.proc = await launch();
  return broker;
}
