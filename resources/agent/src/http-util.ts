// Small helpers shared by the agent's two HTTP servers.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppError, toErrorData } from '../../../electron/core/api/errors.js';

export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(new AppError('BODY_TOO_LARGE', 'Request too large', `The body is over ${limit} bytes.`));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export async function readJson(req: IncomingMessage, limit: number): Promise<unknown> {
  const body = await readBody(req, limit);
  if (body.length === 0) return {};
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new AppError('REQUEST_INVALID', 'Malformed JSON', 'The request body is not valid JSON.');
  }
}

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
  PAIRING_CODE_INVALID: 403,
  PAIRING_KEY_INVALID: 400,
  MANIFEST_SIGNATURE_INVALID: 403,
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

export function sendError(res: ServerResponse, err: unknown): void {
  const data = toErrorData(err);
  if (!res.headersSent) sendJson(res, statusOf[data.code] ?? 500, data);
  else res.destroy();
}
