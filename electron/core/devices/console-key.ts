// The console's identity: an ed25519 key pair made once under <home>/keys/. Devices pin its public
// key at pairing and accept only artifacts whose manifest it signed.
import { generateKeyPairSync, createPrivateKey, createPublicKey, randomBytes, type KeyObject } from 'node:crypto';
import { existsSync, promises as fsp, readFileSync } from 'node:fs';
import path from 'node:path';
import { fsyncDir } from '../util/atomic-write.js';

export interface ConsoleKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  publicKeyPem: string;
  privateKeyPath: string;
}

export function consoleKeyPath(home: string): string {
  return path.join(home, 'keys', 'console-ed25519.pem');
}

/** Loads the console key, making it on first use (private key file 0600, written atomically). */
export async function loadOrCreateConsoleKey(home: string): Promise<ConsoleKey> {
  const file = consoleKeyPath(home);
  if (!existsSync(file)) {
    await fsp.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    const { privateKey } = generateKeyPairSync('ed25519');
    await writePrivateAtomic(file, privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
  }
  return readConsoleKey(file);
}

/** Reads an existing key file (the deploy worker signs with it). */
export function readConsoleKey(file: string): ConsoleKey {
  const privateKey = createPrivateKey(readFileSync(file, 'utf8'));
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(), privateKeyPath: file };
}

// Like writeFileAtomic, but the temporary file is created 0600, so the key is never readable by others;
// 'wx' plus the final link() makes two consoles starting at once keep the first key.
async function writePrivateAtomic(target: string, data: string): Promise<void> {
  const tmp = path.join(path.dirname(target), `.${path.basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const fh = await fsp.open(tmp, 'wx', 0o600);
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await fsp.link(tmp, target).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw err;
    });
  } finally {
    await fsp.rm(tmp, { force: true });
  }
  await fsyncDir(path.dirname(target));
}
