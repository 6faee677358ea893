// The console's own client files for its TLS broker, in <home>/mqtt/ where brokerTls() in
// devices/mqtt/open-mqtt-link.ts reads them: the CA that signed the broker's server certificate, and
// the console's certificate (from the console CA) and key. Each file is written atomically, the key
// in a folder only its owner can enter and with mode 0600.
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { privateDirMode, privateFileMode } from '../registry/home-modes.js';
import { writeFileAtomic } from '../util/atomic-write.js';

export const consoleFileNames = { ca: 'ca.pem', cert: 'console-cert.pem', key: 'console-key.pem' } as const;

export interface ConsoleFiles {
  ca: string;
  cert: string;
  key: string;
}

export function consoleFilesDir(home: string): string {
  return path.join(home, 'mqtt');
}

export async function installConsoleFiles(home: string, pem: { serverCa: string; cert: string; key: string }): Promise<ConsoleFiles> {
  const dir = consoleFilesDir(home);
  await fsp.mkdir(dir, { recursive: true, mode: privateDirMode });
  await fsp.chmod(dir, privateDirMode);
  const files: ConsoleFiles = {
    ca: path.join(dir, consoleFileNames.ca),
    cert: path.join(dir, consoleFileNames.cert),
    key: path.join(dir, consoleFileNames.key),
  };
  // Key before certificate: a crash between the two leaves a pair that fails its TLS handshake and is
  // mended by running init again. The 0700 folder keeps the key private before its chmod.
  await writeFileAtomic(files.key, pem.key);
  await fsp.chmod(files.key, privateFileMode);
  await writeFileAtomic(files.cert, pem.cert);
  await writeFileAtomic(files.ca, pem.serverCa);
  return files;
}
