// Runs a .tflite file in the TFLite C library in a child process. The library is a development
// dependency (npm tfjs-tflite-node): where it is not installed the conversion is reported unverified.
import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { ReferenceReply, ReferenceRequest } from './reference-child.js';
import type { NamedTensor } from './tensor-data.js';
import { fromWire, toWire } from './tensor-data.js';

export type ReferenceResult = { ok: true; inputs: NamedTensor[]; outputs: NamedTensor[]; timedMs?: number[] } | { ok: false; reason: string };

export const REFERENCE_NAME = 'TFLite C library (tfjs-tflite-node)';

export async function referenceAvailable(): Promise<{ ok: true; version: string } | { ok: false; reason: string }> {
  try {
    const require = createRequire(import.meta.url);
    require.resolve('tfjs-tflite-node/build/Release/node_tflite_binding.node');
    const pkg = require('tfjs-tflite-node/package.json') as { version: string };
    return { ok: true, version: pkg.version };
  } catch {
    return { ok: false, reason: 'no TFLite runtime on this machine (the development dependency tfjs-tflite-node is not installed or not built)' };
  }
}

function childEntry(): { entry: string; execArgv: string[] } {
  const self = fileURLToPath(import.meta.url);
  if (self.endsWith('.ts')) return { entry: fileURLToPath(new URL('./reference-child.ts', import.meta.url)), execArgv: ['--import', 'tsx'] };
  return { entry: fileURLToPath(new URL('./reference-child.js', import.meta.url)), execArgv: [] };
}

export async function runReference(
  model: string,
  inputs: NamedTensor[] | 'seeded',
  opts: { seed?: number; timeoutMs?: number; timedRuns?: number } = {},
): Promise<ReferenceResult> {
  const available = await referenceAvailable();
  if (!available.ok) return available;
  const { entry, execArgv } = childEntry();
  const req: ReferenceRequest = { model, seed: opts.seed ?? 1, inputs: inputs === 'seeded' ? null : inputs.map(toWire), timedRuns: opts.timedRuns };
  return new Promise((resolve) => {
    const child = fork(entry, [], { execArgv, stdio: ['ignore', 'ignore', 'pipe', 'ipc'], serialization: 'json' });
    let stderr = '';
    let settled = false;
    const done = (r: ReferenceResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      resolve(r);
    };
    const timer = setTimeout(() => done({ ok: false, reason: `the TFLite runtime did not finish within ${(opts.timeoutMs ?? 60_000) / 1000} s` }), opts.timeoutMs ?? 60_000);
    child.stderr?.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-2000)));
    child.once('message', (reply: ReferenceReply) => {
      if (!reply.ok) return done(reply);
      done({ ok: true, inputs: reply.inputs.map(fromWire), outputs: reply.outputs.map(fromWire), ...(reply.timedMs ? { timedMs: reply.timedMs } : {}) });
    });
    child.once('error', (err) => done({ ok: false, reason: `the TFLite runtime could not start (${err.message})` }));
    child.once('exit', (code, signal) => {
      const why = signal ? `crashed on this model (${signal})` : `exited with code ${code}`;
      const last = stderr.trim().split('\n').at(-1);
      done({ ok: false, reason: `the TFLite runtime ${why}${last ? `: ${last.slice(0, 200)}` : ''}` });
    });
    child.send(req);
  });
}
