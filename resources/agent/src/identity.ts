// The device's identity: a random id, an ECDSA P-256 key and a self-signed TLS certificate made on
// first start. identity.json is written last, so a start that finds it finds the key and cert too.
import { randomUUID } from 'node:crypto';
import { existsSync, promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { pemFingerprint } from '../../device-protocol/fingerprint.js';
import { writeFileAtomic } from '../../../electron/core/util/atomic-write.js';

export interface Identity {
  deviceId: string;
  keyPem: string;
  certPem: string;
  certFingerprint: string;
}

const identityFile = z.object({ deviceId: z.string().min(1), createdAt: z.string() });

export async function loadOrCreateIdentity(dataDir: string): Promise<Identity> {
  const idPath = path.join(dataDir, 'identity.json');
  const keyPath = path.join(dataDir, 'device-key.pem');
  const certPath = path.join(dataDir, 'device-cert.pem');
  if (existsSync(idPath)) {
    const { deviceId } = identityFile.parse(JSON.parse(await fsp.readFile(idPath, 'utf8')));
    const [keyPem, certPem] = await Promise.all([fsp.readFile(keyPath, 'utf8'), fsp.readFile(certPath, 'utf8')]);
    return { deviceId, keyPem, certPem, certFingerprint: pemFingerprint(certPem) };
  }
  const deviceId = `ef-${randomUUID()}`;
  const notBeforeDate = new Date(Date.now() - 24 * 3600 * 1000);
  // Loaded only here: selfsigned pulls in a large X.509 stack that later starts do not need.
  const { generate } = await import('selfsigned');
  const pems = await generate([{ name: 'commonName', value: deviceId }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate,
    // The console pins the fingerprint rather than trusting a CA, so expiry only gets in the way.
    notAfterDate: new Date(notBeforeDate.getTime() + 30 * 365 * 24 * 3600 * 1000),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 2, value: os.hostname() }, { type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }] },
    ],
  });
  await writeFileAtomic(keyPath, pems.private);
  await fsp.chmod(keyPath, 0o600);
  await writeFileAtomic(certPath, pems.cert);
  await writeFileAtomic(idPath, `${JSON.stringify({ deviceId, createdAt: new Date().toISOString() }, null, 2)}\n`);
  return { deviceId, keyPem: pems.private, certPem: pems.cert, certFingerprint: pemFingerprint(pems.cert) };
}
