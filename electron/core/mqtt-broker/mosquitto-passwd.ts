// Mosquitto password file entries made in Node: `user:$7$ITERATIONS$SALT$HASH`, the PBKDF2-SHA512
// format mosquitto_passwd writes and Mosquitto 2.0 reads (12-byte salt, 64-byte hash, both standard
// base64). Enrolment passwords are 256 random bits, so the iteration count guards nothing a guess
// could find; it stays modest because the broker pays it on every enrolment login.
import { pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, promises as fsp } from 'node:fs';
import { AppError } from '../api/errors.js';
import { writeFileAtomic } from '../util/atomic-write.js';

export const passwdIterations = 1000;
const saltBytes = 12;
const hashBytes = 64;

/** A `$7$` hash of the password; `salt` only for tests that compare with mosquitto_passwd. */
export function passwdHash(password: string, opts: { iterations?: number; salt?: Buffer } = {}): string {
  const iterations = opts.iterations ?? passwdIterations;
  const salt = opts.salt ?? randomBytes(saltBytes);
  const hash = pbkdf2Sync(Buffer.from(password, 'utf8'), salt, iterations, hashBytes, 'sha512');
  return `$7$${iterations}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

/** True when `entry` (a `$7$…` hash) is the hash of `password`. */
export function passwdMatches(password: string, entry: string): boolean {
  const m = /^\$7\$(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/.exec(entry);
  if (!m) return false;
  const want = Buffer.from(m[3], 'base64');
  const got = pbkdf2Sync(Buffer.from(password, 'utf8'), Buffer.from(m[2], 'base64'), Number(m[1]), want.length, 'sha512');
  return want.length === hashBytes && timingSafeEqual(want, got);
}

/** Mosquitto takes a username up to the first ":"; ours never hold one, nor whitespace. */
function checkUser(user: string): void {
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(user)) throw new Error(`"${user}" cannot be a password file user`);
}

/**
 * Adds (or replaces) one user's entry, keeping every other line, and writes the file atomically with
 * `mode` (the broker, dropped to its own user, must be able to read it).
 */
export async function putPasswdEntry(file: string, user: string, hash: string, mode: number, owner?: { uid: number; gid: number }): Promise<void> {
  checkUser(user);
  let text = '';
  if (existsSync(file)) {
    try {
      text = await fsp.readFile(file, 'utf8');
    } catch (err) {
      throw new AppError('BROKER_PASSWD_UNREADABLE', 'Password file unreadable', `${file} could not be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}). Run this as the user that ran \`edgefleet broker init\`.`);
    }
  }
  const lines = text.split('\n').filter((l) => l.trim() !== '' && !l.startsWith(`${user}:`));
  lines.push(`${user}:${hash}`);
  await writeFileAtomic(file, `${lines.join('\n')}\n`);
  await fsp.chmod(file, mode);
  if (owner) await fsp.chown(file, owner.uid, owner.gid);
}

/** Removes one user's entry; nothing happens when it is not there. */
export async function dropPasswdEntry(file: string, user: string, mode: number, owner?: { uid: number; gid: number }): Promise<void> {
  checkUser(user);
  if (!existsSync(file)) return;
  const text = await fsp.readFile(file, 'utf8');
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const kept = lines.filter((l) => !l.startsWith(`${user}:`));
  if (kept.length === lines.length) return;
  await writeFileAtomic(file, kept.length ? `${kept.join('\n')}\n` : '');
  await fsp.chmod(file, mode);
  if (owner) await fsp.chown(file, owner.uid, owner.gid);
}
