// The C reference device (resources/serial-device-c) for tests: built once with its own Makefile, run
// as a separate process on one end of a pty, its stderr kept so tests can wait for what it logs.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from './agent-process.js';

export const cDeviceDir = join(repoRoot, 'resources/serial-device-c');
export const cDeviceBinary = join(cDeviceDir, 'build/edgefleet-c-device');
const run = promisify(execFile);

/** `make` in the device's folder; throws with the compiler's output when the build fails. */
export async function buildCDevice(): Promise<void> {
  await run('make', ['-C', cDeviceDir], { maxBuffer: 16 * 1024 * 1024 });
}

/** `make test`: the C unit tests. Resolves with their output and exit code (never throws on a failed test). */
export async function runCUnitTests(): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run('make', ['-s', '-C', cDeviceDir, 'test'], { maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, output: stdout + stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

export interface CDevice {
  proc: ChildProcess;
  deviceId: string;
  /** The pairing code it printed; null when it was already used. */
  pairingCode: string | null;
  /** Everything it logged so far. */
  log(): string;
  /** Resolves with the first match of `re` in the log (from `from` on), waiting for it up to `ms`. */
  waitFor(re: RegExp, ms?: number, from?: number): Promise<RegExpMatchArray>;
  /** Ends the process with `signal` and waits for it to exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export async function startCDevice(o: { port: string; data: string; baud: number; args?: string[] }): Promise<CDevice> {
  const proc = spawn(cDeviceBinary, ['--port', o.port, '--data', o.data, '--baud', String(o.baud), ...(o.args ?? [])], { stdio: ['ignore', 'ignore', 'pipe'] });
  let text = '';
  const waiters = new Set<() => void>();
  proc.stderr!.on('data', (c: Buffer) => {
    text += c.toString();
    for (const w of waiters) w();
  });
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const waitFor = (re: RegExp, ms = 15_000, from = 0) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const check = () => {
        const m = text.slice(from).match(re);
        if (m) {
          waiters.delete(check);
          clearTimeout(timer);
          resolve(m);
        }
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`the C device did not log ${re} within ${ms} ms; it logged:\n${text}`));
      }, ms);
      waiters.add(check);
      check();
    });
  void exited.then(() => {
    for (const w of waiters) w();
  });
  const id = await waitFor(/device id (\S+)/);
  await waitFor(/serving the EdgeFleet link protocol/);
  return {
    proc,
    deviceId: id[1],
    pairingCode: text.match(/pairing code: (\S+)/)?.[1] ?? null,
    log: () => text,
    waitFor,
    stop: async (signal = 'SIGTERM') => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      await exited;
    },
  };
}
