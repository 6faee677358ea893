// The console's release counter, kept in the registry: every manifest it signs carries a release one
// higher than any before, and a device refuses a release at or below the highest it has accepted, so
// an earlier deploy sent again is refused. A device that reports a higher counter than the console's
// (the console's home restored from a backup) gets a release above its own, and the console's counter
// catches up from the statuses it reads (observeRelease).
import type Database from 'better-sqlite3';
import { releaseOf, signManifest, type KeyInput, type Manifest, type SignedManifest } from '../../../resources/device-protocol/manifest.js';
import type { DeviceStatus } from '../../../resources/device-protocol/messages.js';

export const releaseCounterMigrationSql = `
  CREATE TABLE release_counter (id INTEGER PRIMARY KEY CHECK (id = 1), value INTEGER NOT NULL);
  INSERT INTO release_counter (id, value) VALUES (1, 0);
`;

/** A new release, above every one this console signed or saw on a device. */
export function nextRelease(db: Database.Database): number {
  const row = db.prepare('UPDATE release_counter SET value = value + 1 WHERE id = 1 RETURNING value').get() as { value: number };
  return row.value;
}

/** Raises the console's counter to what a device reports having accepted (a no-op for agents without one). */
export function observeRelease(db: Database.Database, status: Pick<DeviceStatus, 'release'> | null | undefined): void {
  const release = status?.release;
  if (release === undefined) return;
  db.prepare('UPDATE release_counter SET value = max(value, ?) WHERE id = 1').run(release);
}

export interface SignFor {
  deviceId: string;
  /** The device's status just before the deploy; null when it could not be read. */
  status: DeviceStatus | null;
  /** An explicit downgrade: the manifest is signed for this device only. */
  downgrade: boolean;
}

/**
 * The manifest one device gets. An agent from before release counters (its status has no `release`)
 * would drop the unknown fields and then fail the signature, so it gets the manifest without them:
 * it has no counter to protect.
 */
export function manifestFor(manifest: Manifest, o: SignFor): Manifest {
  const { release: _release, downgrade: _downgrade, ...plain } = manifest;
  if (o.status && o.status.release === undefined) return plain;
  // A device ahead of this console's counter (its home restored from a backup, or a deploy whose end
  // it did not record) gets the release after the device's; the console records it from the status after.
  const ahead = o.status?.release;
  const release = ahead !== undefined && ahead >= releaseOf(manifest) ? ahead + 1 : releaseOf(manifest);
  return o.downgrade ? { ...plain, release, downgrade: { deviceId: o.deviceId } } : { ...plain, release };
}

export function signFor(key: KeyInput, manifest: Manifest, o: SignFor): SignedManifest {
  const m = manifestFor(manifest, o);
  return { manifest: m, signature: signManifest(key, m) };
}

/**
 * True when deploying `model` to a device that runs `active` goes back in the registry's order: the
 * same model name at a lower version. Another name, or nothing running, is not a downgrade.
 */
export function isDowngrade(model: { name: string; version: number }, active: { name: string; version: string } | null | undefined): boolean {
  if (!active || active.name !== model.name) return false;
  const running = Number(active.version);
  return Number.isFinite(running) && model.version < running;
}
