// The local inference endpoint for applications on the device: loopback TCP or a unix socket, no
// token (only local processes reach it). POST /infer {inputs: {name: {dims, data: base64 float32}}}.
import { createServer, type Server } from 'node:http';
import { promises as fsp } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { z } from 'zod';
import { AppError } from '../../../electron/core/api/errors.js';
import { readJson, sendError, sendJson } from './http-util.js';
import type { ModelRunner } from './model-runner.js';
import { maxSoftmaxConfidence, type Telemetry } from './telemetry.js';

const tensorSchema = z.object({
  dims: z.array(z.number().int().nonnegative()).max(8),
  type: z.literal('float32').default('float32'),
  /** base64 of little-endian float32 values. */
  data: z.string(),
});
const inferSchema = z.object({ inputs: z.record(z.string(), tensorSchema) });

export interface ServeOptions {
  port?: number;
  socketPath?: string;
}

export async function startServeServer(runner: ModelRunner, telemetry: Telemetry, opts: ServeOptions): Promise<{ server: Server; port: number | null }> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://local');
    if (req.method === 'GET' && url.pathname === '/health') {
      const m = runner.current?.manifest;
      sendJson(res, m ? 200 : 503, { ok: !!m, model: m ? { name: m.name, version: m.version, sha256: m.sha256 } : null });
      return;
    }
    if (req.method !== 'POST' || url.pathname !== '/infer') {
      sendError(res, new AppError('NOT_FOUND', 'Not found', 'POST /infer or GET /health.'));
      return;
    }
    void infer(runner, telemetry, req, res);
  });
  if (opts.socketPath) {
    await fsp.rm(opts.socketPath, { force: true });
    await listen(server, { path: opts.socketPath });
    return { server, port: null };
  }
  await listen(server, { host: '127.0.0.1', port: opts.port ?? 0 });
  const address = server.address();
  return { server, port: typeof address === 'object' && address ? address.port : null };
}

async function infer(runner: ModelRunner, telemetry: Telemetry, req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse): Promise<void> {
  const t0 = performance.now();
  try {
    const parsed = inferSchema.safeParse(await readJson(req, 64 * 1024 * 1024));
    if (!parsed.success) throw new AppError('INFER_INPUT_INVALID', 'Invalid inference request', parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    const feeds: Record<string, ort.Tensor> = {};
    for (const [name, t] of Object.entries(parsed.data.inputs)) {
      const bytes = Buffer.from(t.data, 'base64');
      const count = t.dims.reduce((a, b) => a * b, 1);
      if (bytes.length !== count * 4) {
        throw new AppError('INFER_INPUT_INVALID', 'Input size does not match its dims', `Input "${name}" has ${bytes.length} bytes; dims [${t.dims.join(', ')}] need ${count * 4}.`);
      }
      // Copy into an aligned buffer: a base64-decoded Buffer may start at any byte offset.
      const data = new Float32Array(count);
      new Uint8Array(data.buffer).set(bytes);
      feeds[name] = new ort.Tensor('float32', data, t.dims);
    }
    const { outputs, model } = await runner.run(feeds).catch((err: unknown) => {
      if (err instanceof AppError) throw err;
      // onnxruntime's own message names the input and the shape it wanted.
      throw new AppError('INFER_INPUT_INVALID', 'The model refused the input', String(err instanceof Error ? err.message : err).split('\n')[0]);
    });
    const out: Record<string, { dims: readonly number[]; type: string; data: string }> = {};
    let confidence: number | null = null;
    for (const [name, tensor] of Object.entries(outputs)) {
      const data = tensor.data;
      if (data instanceof Float32Array || data instanceof Float64Array) {
        confidence ??= maxSoftmaxConfidence(data, tensor.dims);
      }
      const raw = ArrayBuffer.isView(data) ? Buffer.from(data.buffer, data.byteOffset, data.byteLength) : Buffer.from(JSON.stringify(data));
      out[name] = { dims: tensor.dims, type: tensor.type, data: raw.toString('base64') };
    }
    const latencyMs = performance.now() - t0;
    telemetry.record(latencyMs, true, confidence);
    sendJson(res, 200, { outputs: out, latencyMs, confidence, model: { name: model.name, version: model.version, sha256: model.sha256 } });
  } catch (err) {
    telemetry.record(performance.now() - t0, false, null);
    sendError(res, err);
  }
}

function listen(server: Server, where: { host?: string; port?: number; path?: string }): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(where, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
