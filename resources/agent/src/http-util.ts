// Small helpers shared by the agent's two HTTP servers.
import type { ServerResponse } from 'node:http';
import { toErrorData } from '../../../electron/core/api/errors.js';
import { closeIfUnread } from '../../../electron/core/util/http-guard.js';

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store' });
  res.end(text);
}

/** HTTP status for an error code: client mistakes 4xx, the rest 500. */
const statusOf: Record<string, number> = {
  UNAUTHORIZED: 401,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  BODY_TOO_LARGE: 413,
  REQUEST_INVALID: 400,
  REQUEST_TIMEOUT: 408,
  HOST_REFUSED: 421,
  ORIGIN_REFUSED: 403,
  UNSUPPORTED_MEDIA_TYPE: 415,
  SERVER_BUSY: 503,
  INFER_FAILED: 500,
  PAIRING_CODE_INVALID: 403,
  PAIRING_RATE_LIMITED: 429,
  PAIRING_KEY_INVALID: 400,
  MANIFEST_SIGNATURE_INVALID: 403,
  RELEASE_COUNTER_REPLAY: 409,
  DOWNGRADE_WRONG_DEVICE: 403,
  ARTIFACT_HASH_MISMATCH: 422,
  UPLOAD_TOO_LONG: 422,
  UPLOAD_OFFSET_MISMATCH: 409,
  UPLOAD_NOT_STARTED: 409,
  UPLOAD_INCOMPLETE: 409,
  TRIAL_IN_PROGRESS: 409,
  NOT_IN_TRIAL: 409,
  NO_PREVIOUS_MODEL: 409,
  PREVIOUS_MODEL_UNLOADABLE: 409,
  NO_MODEL: 503,
  INFER_INPUT_INVALID: 400,
};

/**
 * Answers with ErrorData. When the request's body was left unread, the connection closes after the
 * answer, unless `drain` (a paired console's refused upload: take its bytes so it reads the answer).
 */
export function sendError(res: ServerResponse, err: unknown, opts: { drain?: boolean } = {}): void {
  const data = toErrorData(err);
  if (res.headersSent) return void res.destroy();
  if (opts.drain && !res.req.complete && !res.req.destroyed) res.req.resume();
  else closeIfUnread(res.req, res);
  if (data.code === 'SERVER_BUSY') res.setHeader('Retry-After', '1');
  const retryAfterMs = (data as { retryAfterMs?: unknown }).retryAfterMs;
  if (typeof retryAfterMs === 'number') res.setHeader('Retry-After', String(Math.max(1, Math.ceil(retryAfterMs / 1000))));
  sendJson(res, statusOf[data.code] ?? 500, data);
}
