// The local inference endpoint for applications on the device: loopback TCP or a unix socket, no
// token (only local processes reach it). POST /infer {inputs: {name: {dims, data: base64 float32}}}.
// Only local programs may use it, and a browser on the device is not one: a foreign Host (DNS
// rebinding) or any Origin (a web page) is refused, and the body must be application/json, which a
// form post cannot send. POST /v1/metrics {metrics: [{name, count} | {name, value}]} takes the
// application's own numbers (app-metrics.ts). Only requests the model actually ran count in
// telemetry, so no stranger's malformed request can make a good model fail its trial.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { promises as fsp } from 'node:fs';
import { AppError } from '../../../electron/core/api/errors.js';
import { badUrl, guardServer, mediaType, readJson, requestUrl } from '../../../electron/core/util/http-guard.js';
import { sendError, sendJson } from './http-util.js';
import type { ModelRunner } from './model-runner.js';
import { feedsFor } from './serve-feeds.js';
import { serveLimits, type ServeLimits } from './serve-limits.js';
import type { DriftWindow } from './drift-window.js';
import { maxSoftmaxConfidence, type Telemetry } from './telemetry.js';
import { parseMetricBatch } from './app-metrics.js';

export interface ServeOptions {
  port?: number;
  socketPath?: string;
  limits?: Partial<ServeLimits>;
  /** Sketches of each successful inference's inputs and outputs (only sketches ever leave the device). */
  drift?: DriftWindow;
}

/** A request body must arrive within this time. */
const bodyDeadlineMs = 30_000;
/** A metrics batch (at most maxMetricsPerBatch entries) is small. */
const metricsBodyBytes = 64 * 1024;

export async function startServeServer(runner: ModelRunner, telemetry: Telemetry, opts: ServeOptions): Promise<{ server: Server; port: number | null; limits: ServeLimits }> {
  const limits = { ...serveLimits(), ...opts.limits };
  let port = 0;
  let inFlight = 0;
  const server = createServer((req, res) => {
    try {
      const url = requestUrl(req, 'http://local');
      if (!url) throw badUrl();
      checkLocal(req, opts.socketPath ? null : port);
      if (req.method === 'GET' && url.pathname === '/health') {
        const m = runner.current?.manifest;
        return sendJson(res, m ? 200 : 503, { ok: !!m, model: m ? { name: m.name, version: m.version, sha256: m.sha256 } : null, inFlight, maxConcurrent: limits.maxConcurrent });
      }
      if (req.method === 'POST' && url.pathname === '/v1/metrics') {
        if (mediaType(req) !== 'application/json') {
          throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send JSON', 'POST /v1/metrics takes a body with Content-Type: application/json.');
        }
        void metrics(runner, telemetry, req, res, limits);
        return;
      }
      if (req.method !== 'POST' || url.pathname !== '/infer') throw new AppError('NOT_FOUND', 'Not found', 'POST /infer, POST /v1/metrics or GET /health.');
      if (mediaType(req) !== 'application/json') {
        throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send JSON', 'POST /infer takes a body with Content-Type: application/json.');
      }
      if (inFlight >= limits.maxConcurrent) {
        throw new AppError('SERVER_BUSY', 'Too many requests at once', `This device serves ${limits.maxConcurrent} inference requests at a time. Retry after a moment.`);
      }
      inFlight++;
      void infer(runner, telemetry, req, res, limits, opts.drift ?? null).finally(() => inFlight--);
    } catch (err) {
      sendError(res, err);
    }
  });
  guardServer(server, { headersTimeoutMs: 10_000, idleTimeoutMs: 60_000 });
  // Nothing upgrades here; an upgrade request is answered and closed.
  server.on('upgrade', (_req, socket) => {
    socket.on('error', () => socket.destroy());
    socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  });
  if (opts.socketPath) {
    await fsp.rm(opts.socketPath, { force: true });
    await listen(server, { path: opts.socketPath });
    return { server, port: null, limits };
  }
  await listen(server, { host: '127.0.0.1', port: opts.port ?? 0 });
  const address = server.address();
  port = typeof address === 'object' && address ? address.port : 0;
  return { server, port, limits };
}

/** Host must name this endpoint on loopback (port null: a unix socket, no Host to check); no Origin at all. */
function checkLocal(req: IncomingMessage, port: number | null): void {
  if (port !== null) {
    const host = (req.headers.host ?? '').toLowerCase();
    if (![`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`].includes(host)) {
      throw new AppError('HOST_REFUSED', 'Wrong host name', `This endpoint answers only to http://127.0.0.1:${port}; the request named "${host || 'no host'}".`);
    }
  }
  if (req.headers.origin !== undefined) {
    throw new AppError('ORIGIN_REFUSED', 'Web pages may not call this endpoint', 'Requests from a browser page are refused. Call the endpoint from a program on the device.');
  }
}

async function infer(runner: ModelRunner, telemetry: Telemetry, req: IncomingMessage, res: ServerResponse, limits: ServeLimits, drift: DriftWindow | null): Promise<void> {
  try {
    const body = await readJson(req, { maxBytes: limits.maxBodyBytes, deadlineMs: bodyDeadlineMs });
    const loaded = runner.current;
    if (!loaded) throw new AppError('NO_MODEL', 'No model deployed', 'This device has no active model yet. Deploy one from the console.');
    const feeds = feedsFor(loaded.session, body);
    const t0 = performance.now();
    let ran;
    try {
      ran = await runner.run(feeds);
    } catch (err) {
      if (err instanceof AppError) throw err;
      // The inputs matched the model's own description, so this is the model failing: it counts.
      telemetry.record(performance.now() - t0, false, null);
      throw new AppError('INFER_FAILED', 'The model failed to run', String(err instanceof Error ? err.message : err).split('\n')[0]!);
    }
    const { outputs, model } = ran;
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
    telemetry.record(latencyMs, true, confidence, model.sha256);
    try {
      drift?.record(feeds, outputs, model.sha256);
    } catch (err) {
      // Sketching is a side job: it must never fail a request the model answered.
      console.error('edgefleet-agent: drift sketch:', err);
    }
    sendJson(res, 200, { outputs: out, latencyMs, confidence, model: { name: model.name, version: model.version, sha256: model.sha256 } });
  } catch (err) {
    sendError(res, err);
  }
}

/** The application's own metrics, credited to the model serving at this moment. */
async function metrics(runner: ModelRunner, telemetry: Telemetry, req: IncomingMessage, res: ServerResponse, limits: ServeLimits): Promise<void> {
  try {
    const body = await readJson(req, { maxBytes: Math.min(limits.maxBodyBytes, metricsBodyBytes), deadlineMs: bodyDeadlineMs });
    const batch = parseMetricBatch(body);
    telemetry.appMetrics.add(batch, runner.current?.manifest.sha256 ?? null);
    sendJson(res, 200, { accepted: batch.length });
  } catch (err) {
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
