// What the recovery-*.test.ts files share: a console core in a temporary home with registered model
// variants, agents restarted on their own data folder and port (the console keeps their address), and
// polling for a state without fixed sleeps.
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Core } from '../../electron/core/core.js';
import { AgentClient } from '../../electron/core/devices/https/agent-client.js';
import type { DeviceStatus } from '../../resources/device-protocol/messages.js';
import { artifactPath } from '../../electron/core/registry/artifact-store.js';
import { DeviceStore } from '../../electron/core/registry/device-store.js';
import { inferRaw, sampleModel, startAgent, type AgentProcess, type InferResult } from './agent-process.js';

type Env = Awaited<ReturnType<Core['call']>>;

export function unwrap<T>(env: Env): T {
  if (!env.ok) throw new Error(`${env.error.code}: ${env.error.title}: ${env.error.detail}`);
  return env.result as T;
}

/** A loadable copy of the sample with its own bytes (an extra doc_string, ModelProto field 6). */
export function variant(tag: string): Uint8Array {
  const text = Buffer.from(`recovery test ${tag}`);
  return Buffer.concat([sampleModel, Buffer.from([0x32, text.length]), text]);
}

/** Puts the bytes in the core's artifact store and registry, as an import would. */
export function register(core: Core, name: string, bytes: Uint8Array): { id: string; sha256: string } {
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const file = artifactPath(core.home, sha256);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(join(core.home, `${name}.onnx`), bytes);
  copyFileSync(join(core.home, `${name}.onnx`), file);
  const { model } = core.registry.addModel({ name, sha256, sizeBytes: bytes.byteLength, sourceFile: null, inspect: null });
  return { id: model.id, sha256 };
}

/** Polls `get` every `everyMs` (each agent `telemetry` call adds a summary to its bounded history: poll agents slowly). */
export async function until<T>(what: string, get: () => T | Promise<T>, ok: (v: T) => boolean, timeoutMs = 60_000, everyMs = 100): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await get();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)?.slice(0, 1500)}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** The agent's own status, over the pairing the console holds. */
export async function agentStatus(core: Core, a: AgentProcess): Promise<DeviceStatus> {
  const creds = new DeviceStore(core.registry.db).credentials(a.deviceId)!;
  const c = new AgentClient({ host: '127.0.0.1', port: a.port, fingerprint: creds.fingerprint, token: creds.token });
  try {
    return await c.call('status');
  } finally {
    c.close();
  }
}

/** Starts the agent again on its data folder and HTTPS port, as a device that rebooted. */
export function restart(a: AgentProcess, args: string[] = []): Promise<AgentProcess> {
  return startAgent({ dataDir: a.dataDir, name: 'restarted', args: [...args, '--port', String(a.port)] });
}

/** One request with every input value the same (the sample model is far less sure on all ones). */
export function inferConstant(servePort: number, value: number): Promise<InferResult> {
  const data = new Float32Array(3 * 32 * 32).fill(value);
  return inferRaw(servePort, { inputs: { input: { dims: [1, 3, 32, 32], data: Buffer.from(data.buffer).toString('base64') } } });
}
