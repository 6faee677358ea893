// The core's SecretStore and TokenSealer bound to Electron's safeStorage (the OS keychain: Keychain,
// DPAPI, libsecret/kwallet): SSH passwords are kept encrypted in <home>/secrets.json and device tokens
// sealed in registry.db, never in plain text. Where the OS offers no encryption (safeStorage falls back
// to a fixed key on Linux without a keyring), no passwords are kept and tokens rely on the home's modes.
import { safeStorage } from 'electron';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TokenSealer } from '../core/registry/token-seal.js';
import type { SecretStore } from '../core/ssh/secret-store.js';

const usable = () => safeStorage.isEncryptionAvailable() && (process.platform !== 'linux' || safeStorage.getSelectedStorageBackend() !== 'basic_text');

/** Call after app 'ready'; undefined where safeStorage has no real keychain behind it. */
export function safeStorageTokenSealer(): TokenSealer | undefined {
  if (!usable()) return undefined;
  return {
    id: 'electron-safestorage',
    seal: (plain) => safeStorage.encryptString(plain),
    open: (sealed) => safeStorage.decryptString(Buffer.from(sealed)),
  };
}

export function safeStorageSecretStore(home: string): SecretStore {
  const file = join(home, 'secrets.json');
  const read = (): Record<string, string> => (existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>) : {});
  const write = (all: Record<string, string>) => {
    writeFileSync(`${file}.tmp`, JSON.stringify(all), { mode: 0o600 });
    renameSync(`${file}.tmp`, file);
  };
  return {
    get persistent() {
      return usable();
    },
    get(key) {
      const sealed = read()[key];
      if (!sealed || !usable()) return null;
      try {
        return safeStorage.decryptString(Buffer.from(sealed, 'base64'));
      } catch {
        return null;
      }
    },
    set(key, value) {
      if (!usable()) return;
      write({ ...read(), [key]: safeStorage.encryptString(value).toString('base64') });
    },
    delete(key) {
      const all = read();
      if (!(key in all)) return;
      delete all[key];
      write(all);
    },
    has(key) {
      return key in read();
    },
  };
}
