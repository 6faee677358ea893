// Where MQTT devices pull artifacts from: <home>/mqtt/artifacts.json {"baseUrl": "https://host:port"}.
// With it the MQTT link sends upload-fetch (the device GETs baseUrl/sha256/<hex>); without it, chunks.
import { existsSync, promises as fsp, readFileSync } from 'node:fs';
import path from 'node:path';
import { AppError } from '../../api/errors.js';
import { privateDirMode } from '../../registry/home-modes.js';
import { writeFileAtomic } from '../../util/atomic-write.js';

export function artifactsUrlPath(home: string): string {
  return path.join(home, 'mqtt', 'artifacts.json');
}

/** A base URL devices can pull from, normalized (no trailing slash); bad input is an AppError. */
export function parseArtifactBaseUrl(text: string): string {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw invalid(`"${text}" is not a URL`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw invalid(`"${text}" is ${u.protocol.replace(':', '')}, not http or https`);
  if (u.search || u.hash) throw invalid(`"${text}" has a query or fragment; devices append /sha256/<hex> to the base URL, so give the folder only`);
  if (u.username || u.password) throw invalid(`"${text}" carries credentials; artifacts are signed and hashed, so serve them for anonymous GET instead`);
  return u.toString().replace(/\/+$/, '');
}

/** The configured base URL, or null when none is set. */
export function readArtifactBaseUrl(home: string): string | null {
  const file = artifactsUrlPath(home);
  if (!existsSync(file)) return null;
  let baseUrl: unknown;
  try {
    baseUrl = (JSON.parse(readFileSync(file, 'utf8')) as { baseUrl?: unknown }).baseUrl;
  } catch (err) {
    throw new AppError('MQTT_ARTIFACTS_URL_INVALID', 'The artifacts URL setting is unreadable', `${file}: ${(err as Error).message}. Set it again with edgefleet mqtt artifacts-url URL, or remove it with edgefleet mqtt artifacts-url --clear.`);
  }
  if (typeof baseUrl !== 'string') throw new AppError('MQTT_ARTIFACTS_URL_INVALID', 'The artifacts URL setting is unreadable', `${file} has no "baseUrl" string. Set it again with edgefleet mqtt artifacts-url URL, or remove it with edgefleet mqtt artifacts-url --clear.`);
  return parseArtifactBaseUrl(baseUrl);
}

/** Sets (or with null removes) the base URL; returns it as stored. */
export async function writeArtifactBaseUrl(home: string, baseUrl: string | null): Promise<string | null> {
  const file = artifactsUrlPath(home);
  if (baseUrl === null) {
    await fsp.rm(file, { force: true });
    return null;
  }
  const url = parseArtifactBaseUrl(baseUrl);
  await fsp.mkdir(path.dirname(file), { recursive: true, mode: privateDirMode });
  await writeFileAtomic(file, `${JSON.stringify({ baseUrl: url }, null, 2)}\n`);
  return url;
}

function invalid(what: string): AppError {
  return new AppError('MQTT_ARTIFACTS_URL_INVALID', 'Invalid artifacts URL', `${what}. Give the http:// or https:// address where devices find /sha256/<hex> files, e.g. https://console.site:8090 (edgefleet serve --artifacts-port 8090) or https://bucket.example.com/edgefleet.`);
}
