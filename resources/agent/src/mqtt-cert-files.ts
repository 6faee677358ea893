// The files of a certificate rotation in <data dir>/mqtt/: cert-request leaves the new key as
// pending-key.pem (0600), cert-install the certificate and CA as pending-cert.pem and pending-ca.pem.
// Once the broker has taken the new pair they are renamed to key-<serial>.pem, cert-<serial>.pem and
// ca-<serial>.pem, and rotated.json, written last and atomically, names them: a crash at any moment
// leaves either the old pair or the new one in force, never half of each. A later start uses the
// rotated pair instead of --mqtt-cert/--mqtt-key (or the enrolment's files) when it is the newer.
import { X509Certificate } from 'node:crypto';
import { existsSync, promises as fsp, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { fsyncDir, writeFileAtomic } from '../../../electron/core/util/atomic-write.js';

export interface TlsFiles {
  caFile?: string;
  certFile?: string;
  keyFile?: string;
}

export const pendingNames = { key: 'pending-key.pem', cert: 'pending-cert.pem', ca: 'pending-ca.pem' } as const;
const recordName = 'rotated.json';

const recordSchema = z.object({ serial: z.string(), certFile: z.string(), keyFile: z.string(), caFile: z.string(), rotatedAt: z.string() });
export type RotationRecord = z.infer<typeof recordSchema>;

export const pendingPath = (dir: string, which: keyof typeof pendingNames) => path.join(dir, pendingNames[which]);

/** A key or certificate file, 0600 from its first byte, in a 0700 folder. */
export async function writePrivateAtomic(target: string, text: string): Promise<void> {
  await fsp.mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
  await writeFileAtomic(target, text, 0o600);
}

export async function dropPending(dir: string): Promise<void> {
  await Promise.all(Object.values(pendingNames).map((n) => fsp.rm(path.join(dir, n), { force: true })));
}

export function readRotation(dir: string): RotationRecord | null {
  const file = path.join(dir, recordName);
  if (!existsSync(file)) return null;
  try {
    const r = recordSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
    return [r.certFile, r.keyFile, r.caFile].every((f) => existsSync(f)) ? r : null;
  } catch {
    return null;
  }
}

/** Makes the pending pair the one in force; returns its files. Files of an earlier rotation go. */
export async function commitRotation(dir: string, serial: string): Promise<TlsFiles & RotationRecord> {
  const before = readRotation(dir);
  const record: RotationRecord = {
    serial,
    keyFile: path.join(dir, `key-${serial}.pem`),
    certFile: path.join(dir, `cert-${serial}.pem`),
    caFile: path.join(dir, `ca-${serial}.pem`),
    rotatedAt: new Date().toISOString(),
  };
  await fsp.rename(pendingPath(dir, 'key'), record.keyFile);
  await fsp.rename(pendingPath(dir, 'cert'), record.certFile);
  await fsp.rename(pendingPath(dir, 'ca'), record.caFile);
  await fsyncDir(dir);
  await writeFileAtomic(path.join(dir, recordName), `${JSON.stringify(record, null, 2)}\n`);
  if (before && before.serial !== serial) await Promise.all([before.keyFile, before.certFile, before.caFile].map((f) => fsp.rm(f, { force: true })));
  return record;
}

function notBefore(certFile: string): number {
  try {
    return Date.parse(new X509Certificate(readFileSync(certFile)).validFrom);
  } catch {
    return -Infinity;
  }
}

/** The pair to connect with: the rotated one when it is newer than the one given (flags or enrolment). */
export function preferRotated<T extends TlsFiles>(dir: string, given: T, log: (line: string) => void): T {
  const r = readRotation(dir);
  if (!r || !given.certFile) return given;
  if (given.certFile === r.certFile || notBefore(given.certFile) > notBefore(r.certFile)) return given;
  log(`MQTT: using the certificate rotated on ${r.rotatedAt.slice(0, 10)} (serial ${r.serial}, ${r.certFile}) instead of ${given.certFile}`);
  return { ...given, certFile: r.certFile, keyFile: r.keyFile, caFile: r.caFile };
}
