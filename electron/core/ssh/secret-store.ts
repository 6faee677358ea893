// Where SSH passwords may live. The core never writes one to disk itself: the Electron shell binds
// this to the OS keychain (safeStorage, see electron/shell/secret-store.ts); the CLI and the browser
// mode keep them in memory for one process at most and take them per command (--password-env).
export interface SecretStore {
  /** True when secrets survive a restart (an OS keychain); false: memory only. */
  readonly persistent: boolean;
  get(key: string): string | null;
  set(key: string, value: string): void;
  delete(key: string): void;
  has(key: string): boolean;
}

export class MemorySecretStore implements SecretStore {
  readonly persistent = false;
  private readonly values = new Map<string, string>();

  get(key: string): string | null {
    return this.values.get(key) ?? null;
  }

  set(key: string, value: string): void {
    this.values.set(key, value);
  }

  delete(key: string): void {
    this.values.delete(key);
  }

  has(key: string): boolean {
    return this.values.has(key);
  }
}

export function passwordKey(hostId: string): string {
  return `ssh-password:${hostId}`;
}
