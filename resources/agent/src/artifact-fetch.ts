// The device pulls a staged upload's bytes itself (upload-fetch): a GET with `Range: bytes=<durable
// offset>-`, the body streamed into the UploadStore as the HTTPS binding streams a pushed upload, so
// the same checkpoints and the same sha256 check at the end apply. A connection that drops mid-body
// is resumed from the new durable offset a few times, with backoff, before the request fails. The
// caller has run upload-begin's checks (signature, release floor, device binding) before this runs.
import { promises as fsp } from 'node:fs';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { rootCertificates } from 'node:tls';
import { AppError } from '../../../electron/core/api/errors.js';
import type { UploadStatus } from '../../device-protocol/messages.js';
import type { UploadStore } from './upload-store.js';

export interface FetchOptions {
  /** Extra CA certificates (PEM) trusted for https:// besides Node's default store (--artifact-ca). */
  ca?: Buffer | null;
  /** Attempts in a row that may end without new durable bytes (default 4). */
  attempts?: number;
  /** First wait between attempts, doubled each time (default 500 ms). */
  backoffMs?: number;
  /** Silence on the socket after which an attempt is given up (default 30 s). */
  idleMs?: number;
}

const maxRedirects = 5;
/** However often bytes arrive, at most this many attempts in one request. */
const maxTotalAttempts = 20;

/** A network failure worth another attempt from the durable offset. */
class Transient extends Error {}

export async function fetchIntoUpload(uploads: UploadStore, url: string, o: FetchOptions = {}): Promise<UploadStatus> {
  const shown = redact(url);
  const ca = o.ca ? [...rootCertificates, o.ca.toString('utf8')] : undefined;
  const attempts = o.attempts ?? 4;
  let fruitless = 0;
  let lastError = '';
  for (let total = 0; total < maxTotalAttempts; total++) {
    const status = uploads.status();
    if (!status) throw new AppError('UPLOAD_NOT_STARTED', 'No upload in progress', 'upload-fetch lost its upload (replaced by another upload-begin). Send upload-fetch again.');
    if (status.complete) return status;
    const before = status.offset;
    try {
      return await attempt(uploads, url, shown, before, status.size, ca, o.idleMs ?? 30_000);
    } catch (err) {
      if (!(err instanceof Transient)) throw err;
      lastError = err.message;
    }
    const after = uploads.status()?.offset ?? 0;
    fruitless = after > before ? 0 : fruitless + 1;
    if (fruitless >= attempts) break;
    await new Promise((r) => setTimeout(r, (o.backoffMs ?? 500) * 2 ** Math.max(0, fruitless - 1)));
  }
  const at = uploads.status();
  throw fetchFailed(shown, `${lastError}; ${at?.offset ?? 0} of ${at?.size ?? '?'} bytes are stored and a later upload-fetch resumes from there`, 'Check that the artifact server runs and that this device can reach it (address, port, firewall, proxy).');
}

/** One GET from `offset`, following redirects, streamed into the upload. */
async function attempt(uploads: UploadStore, url: string, shown: string, offset: number, size: number, ca: string[] | undefined, idleMs: number): Promise<UploadStatus> {
  let res: IncomingMessage;
  let where = url;
  for (let hop = 0; ; hop++) {
    res = await get(where, offset, ca, idleMs);
    const location = res.headers.location;
    if (![301, 302, 303, 307, 308].includes(res.statusCode ?? 0) || !location) break;
    res.resume();
    if (hop >= maxRedirects) throw fetchFailed(shown, `more than ${maxRedirects} redirects`, 'Point the artifact URL at the object itself, or fix the redirect loop on the server.');
    where = new URL(location, where).toString();
    if (!/^https?:$/.test(new URL(where).protocol)) throw fetchFailed(shown, `a redirect to ${redact(where)}, which is not http or https`, 'Fix the redirect on the server.');
  }
  const code = res.statusCode ?? 0;
  let skip = 0;
  if (code === 206) {
    const m = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(String(res.headers['content-range'] ?? ''));
    if (!m || Number(m[1]) !== offset) {
      res.resume();
      throw fetchFailed(shown, `a 206 answer whose Content-Range "${res.headers['content-range'] ?? ''}" does not start at the asked byte ${offset}`, 'The server or a proxy mishandles Range requests; serve the file from a server that supports them (or one that ignores Range and sends it whole).');
    }
    if (m[3] !== '*' && Number(m[3]) !== size) {
      res.resume();
      throw sizeMismatch(shown, Number(m[3]), size);
    }
  } else if (code === 200) {
    // The server ignored the Range: keep the durable bytes and skip as many from the start of the body.
    const length = res.headers['content-length'];
    if (length !== undefined && Number(length) !== size) {
      res.resume();
      throw sizeMismatch(shown, Number(length), size);
    }
    skip = offset;
  } else {
    res.resume();
    if (code === 416) throw fetchFailed(shown, `416 (range not satisfiable) for bytes ${offset}-: the file there is shorter than the ${size} bytes the manifest names`, 'Serve the artifact the manifest names at this URL (edgefleet artifacts export, or edgefleet serve --artifacts-port).');
    if (code === 404) throw fetchFailed(shown, '404 (not found)', 'Put the artifact there (edgefleet artifacts export DIR, then copy DIR to the server), or set the console\'s artifacts URL to a server that has it (edgefleet mqtt artifacts-url URL).');
    if (code >= 500) throw new Transient(`the server answered ${code} ${res.statusMessage ?? ''}`.trim());
    throw fetchFailed(shown, `${code} ${res.statusMessage ?? ''}`.trim(), code === 401 || code === 403 ? 'The server refuses this device: allow anonymous GET of /sha256/* (the artifact is signed and hashed), or use a fresh pre-signed URL.' : 'Serve the artifact with a plain GET at this URL.');
  }
  return uploads.stream(offset, body(res, skip));
}

function get(url: string, offset: number, ca: string[] | undefined, idleMs: number): Promise<IncomingMessage> {
  const u = new URL(url);
  const lib = u.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = lib.request(u, { method: 'GET', headers: { Range: `bytes=${offset}-`, 'Accept-Encoding': 'identity' }, ...(u.protocol === 'https:' && ca ? { ca } : {}) }, resolve);
    req.setTimeout(idleMs, () => req.destroy(new Error(`no data for ${idleMs / 1000} s`)));
    req.on('error', (err: NodeJS.ErrnoException) => {
      // A certificate the device does not trust is no network blip: say what to do about it.
      if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(err.code ?? '')) {
        reject(fetchFailed(redact(url), `TLS: ${err.message}`, "Give the agent the CA that signed the server's certificate with --artifact-ca FILE, or use a certificate from a public CA."));
      } else reject(new Transient(err.code ? `${err.code}: ${err.message}` : err.message));
    });
    req.end();
  });
}

/** The response body as chunks, with the first `skip` bytes dropped; a broken connection becomes Transient. */
async function* body(res: IncomingMessage, skip: number): AsyncGenerator<Uint8Array> {
  try {
    for await (const chunk of res) {
      let c = chunk as Buffer;
      if (skip > 0) {
        const n = Math.min(skip, c.length);
        skip -= n;
        c = c.subarray(n);
        if (c.length === 0) continue;
      }
      yield c;
    }
  } catch (err) {
    throw new Transient(`the connection broke mid-body (${(err as Error).message})`);
  } finally {
    // Also when the store stops reading (a body longer than the manifest): cut the connection.
    res.destroy();
  }
  if (!res.complete) throw new Transient('the connection closed before the body ended');
  if (skip > 0) throw new Transient('the body ended before the bytes already stored');
}

function fetchFailed(shown: string, what: string, fix: string): AppError {
  return new AppError('ARTIFACT_FETCH_FAILED', 'Could not download the artifact', `GET ${shown}: ${what}. ${fix}`);
}

function sizeMismatch(shown: string, served: number, size: number): AppError {
  return new AppError('ARTIFACT_SIZE_MISMATCH', 'The artifact server has another file', `GET ${shown}: the file there is ${served} bytes but the signed manifest names ${size}. The server holds a different artifact under this name; nothing was taken from it. Re-export the registry's artifacts to it.`);
}

/** The --artifact-ca file, read once at start: a missing or wrong file stops the agent with a clear error. */
export async function readArtifactCa(file: string): Promise<Buffer> {
  const pem = await fsp.readFile(file).catch((err: Error) => {
    throw new AppError('ARTIFACT_CA_UNREADABLE', 'Cannot read --artifact-ca', `${file}: ${err.message}. Give a PEM file with the CA certificate that signed the artifact server's certificate.`);
  });
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new AppError('ARTIFACT_CA_INVALID', '--artifact-ca is not a PEM certificate', `${file} has no "-----BEGIN CERTIFICATE-----" block. Give the CA certificate in PEM form.`);
  return pem;
}

/** The URL without credentials or query (a pre-signed URL's signature is a secret). */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}${u.search ? '?…' : ''}`;
  } catch {
    return '(an invalid URL)';
  }
}
