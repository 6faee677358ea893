// SSH provisioning installs the agent in the release layout of install.sh --layout releases, so the
// host can upgrade its agent from the console later (resources/agent/src/agent-upgrade.ts):
// <install>/releases/<version>-<sha12 of the file list>/ holds the files with run.sh, `current` (and
// `previous`) are symlinks into releases/, and the service runs <install>/current/run.sh, the watchdog
// that reverts an upgrade that does not confirm itself. A release's name follows from its files, so
// provisioning the same agent again finds the same folder and uploads nothing.
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import path from 'node:path';
import { sha256File } from '../util/hash-file.js';
import type { BundleFile } from './agent-bundle.js';
import { sh } from './quote.js';
import type { SshSession } from './ssh-session.js';

/** The watchdog each release carries (the same script a self-contained build has). */
export async function runScript(resourcesDir: string): Promise<BundleFile> {
  const local = path.join(resourcesDir, 'agent', 'package', 'run.sh');
  return { local, remote: 'run.sh', size: statSync(local).size, sha256: await sha256File(local), mode: 0o755 };
}

export function releaseName(version: string, files: readonly BundleFile[]): string {
  const list = [...files].sort((a, b) => (a.remote < b.remote ? -1 : 1)).map((f) => `${f.sha256}  ${f.remote}\n`);
  return `${version}-${createHash('sha256').update(list.join('')).digest('hex').slice(0, 12)}`;
}

/** The release folder `current` points at, if the install has the release layout. */
export async function currentRelease(s: SshSession, installDir: string): Promise<string | null> {
  const target = (await s.exec(`readlink ${sh(`${installDir}/current`)} 2>/dev/null`)).stdout.trim();
  return /^releases\/[^/]+$/.test(target) ? target.slice('releases/'.length) : null;
}

/** The agent version a release folder is named for (<version>-<12 hex>). */
export function releaseVersion(release: string): string {
  return release.replace(/-[0-9a-f]{12}$/, '');
}

/** Points `<install>/<name>` at `target` with one rename(2) of a new symlink over the old one. */
async function relink(s: SshSession, installDir: string, name: string, target: string): Promise<void> {
  const link = `${installDir}/${name}`;
  await s.run(`ln -sfn ${sh(target)} ${sh(`${link}.new`)}`, `Linking ${name}`);
  await s.rename(`${link}.new`, link);
}

/**
 * Makes `release` current (the one it replaces becomes previous). Returns whether anything changed:
 * a release already current stays as it is, even when an upgrade left a different previous.
 */
export async function switchRelease(s: SshSession, installDir: string, release: string): Promise<{ switched: boolean; previous: string | null }> {
  const target = `releases/${release}`;
  const old = (await s.exec(`readlink ${sh(`${installDir}/current`)} 2>/dev/null`)).stdout.trim() || null;
  if (old === target) return { switched: false, previous: null };
  if (old) await relink(s, installDir, 'previous', old);
  await relink(s, installDir, 'current', target);
  // A trial marker of an upgrade is about builds this install replaces now.
  await s.exec(`rm -f ${sh(`${installDir}/upgrade-trial.json`)} ${sh(`${installDir}/upgrade-trial.started`)}`);
  return { switched: true, previous: old };
}

/**
 * After the switch: releases other than current and previous go, and so do the files of a flat install
 * of an older EdgeFleet (the bundle's top-level names, with agent.js, straight in the install folder).
 */
export async function pruneInstall(s: SshSession, installDir: string, files: readonly BundleFile[]): Promise<void> {
  const dir = sh(installDir);
  // Only inside releases/ and only with a current release known: never a loop over some other folder.
  await s.exec(
    `if cd ${dir}/releases 2>/dev/null; then cur=$(readlink ../current | sed 's|^releases/||'); prev=$(readlink ../previous 2>/dev/null | sed 's|^releases/||'); ` +
      `if [ -n "$cur" ] && [ -d "$cur" ]; then for d in * .incoming-*; do [ -e "$d" ] || continue; [ "$d" = "$cur" ] || [ "$d" = "$prev" ] || rm -rf "./$d"; done; fi; fi`,
  );
  const top = [...new Set([...files.map((f) => f.remote.split('/')[0]), 'runtime'])].filter((n) => !['releases', 'current', 'previous'].includes(n));
  await s.exec(`cd ${dir} && if [ -f agent.js ] && [ -L current ]; then rm -rf ${top.map((n) => sh(`./${n}`)).join(' ')}; fi`);
}
