// The connected console's release authority: a TUF repository with no server. Its root files (every
// version, so a site that trusts an old root can walk the chain up) live under <home>/bundles/authority/,
// its keys in a key folder (<home>/keys/tuf/ unless the person chose another, e.g. offline media).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import { Metadata, MetadataKind, MetaFile, Root, Snapshot, Targets, Timestamp, type TargetFile } from '@tufjs/models';
import { AppError } from '../api/errors.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { createRoleKey, readRoleKeys, signerFor, tufKeyDir, tufRoles, type RoleKey, type TufRole } from './tuf-keys.js';

export const tufSpecVersion = '1.0.31';
const rootLifetimeDays = 365;

export interface AuthorityOptions {
  keyDir?: string;
  rootKeys?: number;
  rootThreshold?: number;
  targetsKeys?: number;
  targetsThreshold?: number;
}

export interface Authority {
  dir: string;
  keyDir: string;
  root: Metadata<Root>;
  /** Signed root files, version 1 first. */
  rootFiles: { version: number; bytes: Buffer }[];
  keys: Record<TufRole, RoleKey[]>;
}

export function authorityDir(home: string): string {
  return path.join(home, 'bundles', 'authority');
}

const days = (n: number, from = new Date()) => new Date(from.getTime() + n * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');

function keyError(detail: string): AppError {
  return new AppError('BUNDLE_KEYS', 'The bundle signing keys are not usable', detail);
}

function readConfig(dir: string): { keyDir: string } | null {
  const file = path.join(dir, 'config.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { keyDir: string }) : null;
}

function rootFilesIn(dir: string): { version: number; bytes: Buffer }[] {
  const rootDir = path.join(dir, 'root');
  if (!existsSync(rootDir)) return [];
  return readdirSync(rootDir)
    .map((f) => ({ f, m: /^(\d+)\.root\.json$/.exec(f) }))
    .filter((x): x is { f: string; m: RegExpExecArray } => x.m !== null)
    .map(({ f, m }) => ({ version: Number(m[1]), bytes: readFileSync(path.join(rootDir, f)) }))
    .sort((a, b) => a.version - b.version);
}

function checkCount(name: string, n: number, threshold: number): void {
  if (!Number.isInteger(n) || n < 1 || n > 16) throw keyError(`--${name}-keys must be a whole number from 1 to 16 (got ${n}).`);
  if (!Number.isInteger(threshold) || threshold < 1 || threshold > n) {
    throw keyError(`--${name}-threshold must be from 1 to the number of ${name} keys (${n}); got ${threshold}.`);
  }
}

function signRoot(root: Root, signers: RoleKey[]): Metadata<Root> {
  const md = new Metadata(root);
  for (const k of signers) md.sign(signerFor(k));
  return md;
}

async function writeRoot(dir: string, md: Metadata<Root>): Promise<void> {
  mkdirSync(path.join(dir, 'root'), { recursive: true, mode: 0o700 });
  await writeFileAtomic(path.join(dir, 'root', `${md.signed.version}.root.json`), `${JSON.stringify(md.toJSON(), null, 1)}\n`);
}

function rootOf(version: number, keys: Record<TufRole, RoleKey[]>, thresholds: Record<TufRole, number>): Root {
  const all = Object.values(keys).flat();
  // Role is not exported by @tufjs/models: build from the JSON form, which the library validates.
  return Root.fromJSON({
    _type: 'root',
    spec_version: tufSpecVersion,
    version,
    expires: days(rootLifetimeDays),
    consistent_snapshot: false,
    keys: Object.fromEntries(all.map((k) => [k.keyId, k.key.toJSON()])),
    roles: Object.fromEntries(tufRoles.map((r) => [r, { keyids: keys[r].map((k) => k.keyId), threshold: thresholds[r] }])),
  });
}

/** Makes the keys and root version 1. Refuses when an authority exists: rotate keys instead. */
export async function initAuthority(home: string, o: AuthorityOptions = {}): Promise<Authority> {
  const dir = authorityDir(home);
  if (rootFilesIn(dir).length) throw keyError(`This console already has bundle signing keys (${dir}). Rotate a role with \`edgefleet bundle keys rotate --role ROLE\`.`);
  const counts = { root: o.rootKeys ?? 3, targets: o.targetsKeys ?? 1, snapshot: 1, timestamp: 1 };
  const thresholds = { root: o.rootThreshold ?? Math.min(2, counts.root), targets: o.targetsThreshold ?? counts.targets, snapshot: 1, timestamp: 1 };
  checkCount('root', counts.root, thresholds.root);
  checkCount('targets', counts.targets, thresholds.targets);
  const keyDir = path.resolve(o.keyDir ?? tufKeyDir(home));
  for (const r of tufRoles) if (readRoleKeys(keyDir, r).length) throw keyError(`${keyDir} already holds ${r} keys; choose an empty --key-dir.`);
  const keys = {} as Record<TufRole, RoleKey[]>;
  for (const r of tufRoles) {
    keys[r] = [];
    for (let i = 0; i < counts[r]; i++) keys[r].push(await createRoleKey(keyDir, r));
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  await writeFileAtomic(path.join(dir, 'config.json'), `${JSON.stringify({ keyDir }, null, 1)}\n`);
  await writeRoot(dir, signRoot(rootOf(1, keys, thresholds), keys.root));
  return loadAuthority(home)!;
}

/** The authority with its keys; null when this console never made one. */
export function loadAuthority(home: string): Authority | null {
  const dir = authorityDir(home);
  const rootFiles = rootFilesIn(dir);
  const config = readConfig(dir);
  if (!rootFiles.length || !config) return null;
  const root = Metadata.fromJSON(MetadataKind.Root, JSON.parse(rootFiles[rootFiles.length - 1].bytes.toString('utf8')));
  const keys = {} as Record<TufRole, RoleKey[]>;
  for (const r of tufRoles) {
    const want = new Set(root.signed.roles[r].keyIDs);
    keys[r] = readRoleKeys(config.keyDir, r).filter((k) => want.has(k.keyId));
  }
  return { dir, keyDir: config.keyDir, root, rootFiles, keys };
}

/** The signers a role needs, or a clear error naming the missing key files (e.g. offline media not mounted). */
export function signersFor(a: Authority, role: TufRole): RoleKey[] {
  const need = a.root.signed.roles[role].threshold;
  if (a.keys[role].length < need) {
    throw keyError(`Signing needs ${need} ${role} key(s) and ${a.keys[role].length} are readable in ${a.keyDir}. Mount the media that holds the ${role} keys, or point --key-dir at it.`);
  }
  return a.keys[role].slice(0, need);
}

/**
 * Replaces a role's keys with new ones in root version N+1, signed by a threshold of the old root keys and
 * of the new ones (TUF's rule), so a site that trusts version N accepts N+1. Old key files are kept
 * under retired/ rather than deleted: the person decides when to destroy them.
 */
export async function rotateRole(home: string, role: TufRole): Promise<Authority> {
  const a = loadAuthority(home);
  if (!a) throw keyError('This console has no bundle signing keys yet; `edgefleet bundle keys init` makes them.');
  const oldSigners = signersFor(a, 'root');
  const fresh: RoleKey[] = [];
  for (let i = 0; i < a.root.signed.roles[role].keyIDs.length; i++) fresh.push(await createRoleKey(a.keyDir, role));
  const keys = { ...a.keys, [role]: fresh };
  const thresholds = Object.fromEntries(tufRoles.map((r) => [r, a.root.signed.roles[r].threshold])) as Record<TufRole, number>;
  const next = rootOf(a.root.signed.version + 1, keys, thresholds);
  const signers = role === 'root' ? [...oldSigners, ...fresh.slice(0, thresholds.root)] : oldSigners;
  await writeRoot(a.dir, signRoot(next, signers));
  const retired = path.join(a.keyDir, 'retired');
  mkdirSync(retired, { recursive: true, mode: 0o700 });
  for (const k of a.keys[role]) renameSync(k.file, path.join(retired, `${path.basename(k.file, '.pem')}-root${a.root.signed.version}.pem`));
  return loadAuthority(home)!;
}

export interface SignedSet {
  targets: Buffer;
  snapshot: Buffer;
  timestamp: Buffer;
}

/** targets, snapshot and timestamp of one bundle, all at `version` and expiring at `expires`. */
export function signBundleMetadata(a: Authority, targetFiles: TargetFile[], version: number, expires: string, custom: Record<string, unknown>): SignedSet {
  const json = (md: Metadata<Targets | Snapshot | Timestamp>) => Buffer.from(`${JSON.stringify(md.toJSON(), null, 1)}\n`);
  const targets = new Metadata(
    new Targets({ version, specVersion: tufSpecVersion, expires, targets: Object.fromEntries(targetFiles.map((t) => [t.path, t])), unrecognizedFields: { 'x-edgefleet': custom as never } }),
  );
  for (const k of signersFor(a, 'targets')) targets.sign(signerFor(k));
  const targetsBytes = json(targets);
  const snapshot = new Metadata(new Snapshot({ version, specVersion: tufSpecVersion, expires, meta: { 'targets.json': new MetaFile({ version }) } }));
  for (const k of signersFor(a, 'snapshot')) snapshot.sign(signerFor(k));
  const snapshotBytes = json(snapshot);
  const hash = (b: Buffer) => ({ sha256: createHashHex(b) });
  const timestamp = new Metadata(
    new Timestamp({ version, specVersion: tufSpecVersion, expires, snapshotMeta: new MetaFile({ version, length: snapshotBytes.length, hashes: hash(snapshotBytes) }) }),
  );
  for (const k of signersFor(a, 'timestamp')) timestamp.sign(signerFor(k));
  return { targets: targetsBytes, snapshot: snapshotBytes, timestamp: json(timestamp) };
}

function createHashHex(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex');
}
