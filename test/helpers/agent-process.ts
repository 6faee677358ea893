// Starts a real device agent (resources/agent/src/main.ts through tsx's loader) in a data directory,
// on free ports, and reads its pairing code and ready line from stdout.
import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AgentClient } from '../../electron/core/devices/https/agent-client.js';
import { describeArtifact, signManifest, type Manifest, type SignedManifest } from '../../resources/device-protocol/messages.js';

export const repoRoot = path.resolve(new URL('../..', import.meta.url).pathname);
export const agentMain = path.join(repoRoot, 'resources/agent/src/main.ts');
export const sampleModelPath = path.join(repoRoot, 'resources/models/mobilenetv2-digits/model.onnx');
export const sampleModel = new Uint8Array(readFileSync(sampleModelPath));

export interface StartOptions {
  dataDir?: string;
  name?: string;
  mdns?: boolean;
  args?: string[];
  env?: Record<string, string>;
  readyTimeoutMs?: number;
  /** Runs the agent under this command, e.g. `ip netns exec NS` (which execs it: the pid stays the agent's). */
  prefix?: string[];
  /** Runs this instead of node with tsx and the agent's sources (e.g. a build's own node and agent.js); the agent's options follow it. */
  command?: string[];
}

export interface AgentProcess {
  proc: ChildProcess;
  dataDir: string;
  deviceId: string;
  port: number;
  servePort: number;
  certFingerprint: string;
  pairingCode: string | null;
  output(): string;
  exited: Promise<number | null>;
  kill9(): Promise<void>;
  stop(): Promise<void>;
}

/** The command line that runs the agent: node with tsx's loader, so the pid is the agent itself. */
export function agentCommand(dataDir: string, extra: string[] = []): string[] {
  return [process.execPath, '--import', 'tsx', agentMain, '--data-dir', dataDir, ...extra];
}

export function newDataDir(prefix = 'ef-agent-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

/**
 * Data folders startAgent made itself. Tests restart agents on the same folder after stop(), so they are
 * removed when the test process ends, not when the agent stops.
 */
const ownDataDirs = new Set<string>();
process.once('exit', () => {
  for (const dir of ownDataDirs) rmSync(dir, { recursive: true, force: true });
});

export async function startAgent(opts: StartOptions = {}): Promise<AgentProcess> {
  let dataDir = opts.dataDir;
  if (!dataDir) ownDataDirs.add((dataDir = newDataDir()));
  const args = ['--port', '0', '--serve-port', '0', '--host', '127.0.0.1', '--name', opts.name ?? 'test-device'];
  if (!opts.mdns) args.push('--no-mdns');
  const agentArgs = [...args, ...(opts.args ?? [])];
  const argv = opts.command ? [...opts.command, '--data-dir', dataDir, ...agentArgs] : agentCommand(dataDir, agentArgs);
  const [cmd, ...cmdArgs] = [...(opts.prefix ?? []), ...argv];
  const proc = spawn(cmd, cmdArgs, { cwd: repoRoot, env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const ready = await new Promise<Record<string, unknown>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`agent not ready in time:\n${out}`)), opts.readyTimeoutMs ?? 30_000);
    const onData = (c: Buffer) => {
      out += c.toString();
      const m = /^EDGEFLEET_AGENT_READY (.*)$/m.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(JSON.parse(m[1]) as Record<string, unknown>);
      }
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', (c: Buffer) => (out += c.toString()));
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`agent exited with ${code} before it was ready:\n${out}`));
    });
  });
  const codeLine = /^Pairing code: (\S+)$/m.exec(out);
  return {
    proc,
    dataDir,
    deviceId: String(ready.deviceId),
    port: Number(ready.port),
    servePort: Number(ready.servePort),
    certFingerprint: String(ready.certFingerprint),
    pairingCode: codeLine ? codeLine[1] : null,
    output: () => out,
    exited,
    kill9: async () => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
      await exited;
    },
    stop: async () => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      await exited;
    },
  };
}

export interface Console {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

export function newConsole(): Console {
  return generateKeyPairSync('ed25519');
}

export async function pairWith(agent: AgentProcess, console: Console = newConsole()): Promise<{ client: AgentClient; token: string; console: Console }> {
  if (!agent.pairingCode) throw new Error('agent printed no pairing code');
  const { client, token } = await AgentClient.pair({
    host: '127.0.0.1',
    port: agent.port,
    code: agent.pairingCode,
    consolePublicKey: console.publicKey,
    consoleName: 'test console',
  });
  return { client, token, console };
}

/** A client for an agent that was restarted (new port, same certificate and token). */
export function clientFor(agent: AgentProcess, token: string): AgentClient {
  return new AgentClient({ host: '127.0.0.1', port: agent.port, fingerprint: agent.certFingerprint, token });
}

/** A signed manifest; without `extra.release` it is one from before release counters (release 0). */
export function signed(bytes: Uint8Array, version: string, key: KeyObject, name = 'mobilenetv2-digits', extra: Pick<Manifest, 'release' | 'downgrade'> = {}): SignedManifest {
  const manifest = { ...describeArtifact(bytes, name, version), ...extra };
  return { manifest, signature: signManifest(key, manifest) };
}

export interface InferResult {
  status: number;
  body: { outputs?: Record<string, { dims: number[]; data: string }>; model?: { version: string }; confidence?: number | null; code?: string; title?: string; detail?: string };
}

/** One request to the loopback inference endpoint with a seeded input of the sample model's shape. */
export function infer(servePort: number, seed = 1): Promise<InferResult> {
  const data = new Float32Array(3 * 32 * 32);
  let s = seed;
  for (let i = 0; i < data.length; i++) data[i] = ((s = (s * 1103515245 + 12345) >>> 0) % 1000) / 1000;
  return inferRaw(servePort, { inputs: { input: { dims: [1, 3, 32, 32], data: Buffer.from(data.buffer).toString('base64') } } });
}

export function inferRaw(servePort: number, payload: unknown): Promise<InferResult> {
  return postServe(servePort, '/infer', payload);
}

/** The application's own numbers, as the device's application reports them to the agent. */
export function postMetrics(servePort: number, metrics: ReadonlyArray<{ name: string; count: number } | { name: string; value: number }>): Promise<InferResult> {
  return postServe(servePort, '/v1/metrics', { metrics });
}

/** One JSON POST to the agent's loopback serve endpoint. */
export function postServe(servePort: number, path: string, payload: unknown): Promise<InferResult> {
  const body = JSON.stringify(payload);
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: servePort, method: 'POST', path, headers: { 'Content-Type': 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString()) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

export function decodeFloats(b64: string): Float32Array {
  const bytes = Buffer.from(b64, 'base64');
  const out = new Float32Array(bytes.length / 4);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}


