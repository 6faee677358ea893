// How a device's bearer token is kept in the `token` column of registry.db. Three forms:
//   sealed:<sealer id>:<base64>  sealed by a keychain (the desktop app binds safeStorage, see
//                                electron/shell/secret-store.ts); only a process with that keychain reads it.
//   plain:<token>                written by a process without a keychain (the CLI, the browser mode, an app
//                                on a system without a keyring); kept as is so that process can still use it.
//   <token>                      written before sealing existed; sealed when a process with a keychain opens the home.
// Agent tokens are base64url, so they never contain ':' and the forms cannot be confused.
import type Database from 'better-sqlite3';
import { AppError } from '../api/errors.js';

/** Seals tokens with a keychain that survives a restart. The core never sees the key. */
export interface TokenSealer {
  /** Names the keychain in each sealed value, so a process without it can say where a token belongs. */
  readonly id: string;
  seal(plain: string): Uint8Array;
  /** Throws when the value was not sealed by this keychain (or the keychain is locked). */
  open(sealed: Uint8Array): string;
}

const sealedPrefix = 'sealed:';
const plainPrefix = 'plain:';

/** The column value for a token: sealed when a keychain is at hand, marked plain otherwise. */
export function encodeToken(token: string | null, sealer: TokenSealer | null): string | null {
  if (token === null) return null;
  if (!sealer) return `${plainPrefix}${token}`;
  return `${sealedPrefix}${sealer.id}:${Buffer.from(sealer.seal(token)).toString('base64')}`;
}

/** The token from a column value, or the AppError that says why this process cannot read it. */
export function decodeToken(stored: string, sealer: TokenSealer | null, device: { id: string; name: string }): string | AppError {
  if (stored.startsWith(plainPrefix)) return stored.slice(plainPrefix.length);
  if (!stored.startsWith(sealedPrefix)) return stored;
  const rest = stored.slice(sealedPrefix.length);
  const colon = rest.indexOf(':');
  const by = rest.slice(0, colon);
  const who = `${device.name} (${device.id})`;
  if (!sealer) {
    return new AppError(
      'TOKEN_SEALED',
      'Device token sealed by the desktop app',
      `The token of ${who} is sealed by the desktop app's keychain (${by}); pair again from the CLI or run the command in the app.`,
    );
  }
  if (by !== sealer.id) {
    return new AppError(
      'TOKEN_SEALED',
      'Device token sealed by another keychain',
      `The token of ${who} is sealed by the keychain ${by}, not by this one (${sealer.id}); pair the device again here.`,
    );
  }
  try {
    return sealer.open(Buffer.from(rest.slice(colon + 1), 'base64'));
  } catch (err) {
    return new AppError(
      'TOKEN_UNREADABLE',
      'Device token cannot be unsealed',
      `The keychain (${by}) could not unseal the token of ${who}: ${err instanceof Error ? err.message : String(err)}. Unlock the keychain, or pair the device again.`,
    );
  }
}

/**
 * Seals tokens stored before sealing existed, once, when a home is opened with a keychain; then rewrites the
 * database so no old copy of them is left in free pages or the WAL. Returns how many were sealed.
 */
export function sealLegacyTokens(db: Database.Database, sealer: TokenSealer): number {
  const rows = db
    .prepare(`SELECT id, token FROM devices WHERE token IS NOT NULL AND token NOT LIKE '${sealedPrefix}%' AND token NOT LIKE '${plainPrefix}%'`)
    .all() as { id: string; token: string }[];
  if (rows.length === 0) return 0;
  const update = db.prepare('UPDATE devices SET token = ? WHERE id = ?');
  db.transaction(() => {
    for (const r of rows) update.run(encodeToken(r.token, sealer), r.id);
  })();
  db.exec('VACUUM');
  db.pragma('wal_checkpoint(TRUNCATE)');
  return rows.length;
}
