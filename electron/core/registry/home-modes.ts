// The home holds device tokens, the console's private key and SSH secrets: only its owner may read it.
// New entries are made 0700 (folders) and 0600 (files) where they are written; makeHomePrivate fixes
// homes made before that, once per open. Only the entries the core itself writes are walked, so a home
// pointed at a folder that also holds the user's own files (--home ~) leaves those files alone.
import { lstatSync, mkdirSync, readdirSync, chmodSync, type Stats } from 'node:fs';
import path from 'node:path';
import { AppError } from '../api/errors.js';

export const privateDirMode = 0o700;
export const privateFileMode = 0o600;

/**
 * What the core writes at the top of a home (SQLite's -wal/-shm/-journal beside registry.db; the tmp
 * files of secrets.json). A new top-level entry belongs here too.
 */
const homeEntries = [
  /^registry\.db(-wal|-shm|-journal)?$/,
  /^secrets\.json(\.tmp)?$/,
  /^(keys|artifacts|tmp|uploads|demo|mqtt-ca|mqtt-console-ca|mqtt|logs)$/,
];

function isHomeEntry(name: string): boolean {
  return homeEntries.some((re) => re.test(name));
}

/** Creates the home if missing and takes group and other access away from it and everything the core keeps in it. */
export function makeHomePrivate(home: string): void {
  makeHomeFolder(home);
  if (process.platform === 'win32') return; // Modes mean little there; the per-user profile folder is private already.
  const st = lstatSync(home);
  if (st.mode & 0o1000) {
    throw new AppError(
      'HOME_SHARED',
      'Home folder is shared',
      `${home} is a shared folder (sticky bit, like /tmp) and cannot hold device tokens and keys privately. Choose a folder of your own with --home or EDGEFLEET_HOME.`,
    );
  }
  restrict(home, st, privateDirMode);
  for (const entry of readdirSync(home, { withFileTypes: true })) {
    if (isHomeEntry(entry.name)) walk(path.join(home, entry.name));
  }
}

/** The home folder itself 0700 when new; folders above it are made as usual. */
export function makeHomeFolder(home: string): void {
  mkdirSync(path.dirname(home), { recursive: true });
  mkdirSync(home, { recursive: true, mode: privateDirMode });
}

function walk(p: string): void {
  const st = lstatSync(p);
  if (st.isSymbolicLink()) return; // chmod would follow it out of the home.
  if (st.isDirectory()) {
    restrict(p, st, privateDirMode);
    for (const name of readdirSync(p)) walk(path.join(p, name));
  } else if (st.isFile()) {
    // Group and other lose everything; an executable stays executable for its owner.
    restrict(p, st, st.mode & 0o100 ? privateDirMode : privateFileMode);
  }
}

function restrict(p: string, st: Stats, mode: number): void {
  if ((st.mode & 0o7777) === mode) return;
  try {
    chmodSync(p, mode);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EPERM' && code !== 'EACCES') throw err;
    throw new AppError(
      'HOME_NOT_PRIVATE',
      'Home folder cannot be made private',
      `${p} belongs to another user (uid ${st.uid}), so EdgeFleet cannot take other users' access to it away. Give it back to your user (chown) or choose another home with --home.`,
    );
  }
}
