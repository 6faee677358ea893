// The release authority's signing keys, one ed25519 key per role and index under <home>/keys/tuf/ (or a
// folder of its own, e.g. removable media kept offline for the root keys). The Update Framework's roles:
// root (a threshold of keys; signs who may sign the others), targets (what is in a bundle), snapshot and
// timestamp (which versions belong together, and until when).
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Key, Signature } from '@tufjs/models';
import { canonicalJson } from '../../../resources/device-protocol/canonical-json.js';
import { writeFileAtomic } from '../util/atomic-write.js';

export type TufRole = 'root' | 'targets' | 'snapshot' | 'timestamp';
export const tufRoles: readonly TufRole[] = ['root', 'targets', 'snapshot', 'timestamp'];

export interface RoleKey {
  role: TufRole;
  /** The file the private key lives in: <role>-<n>.pem. */
  file: string;
  keyId: string;
  key: Key;
  privateKey: KeyObject;
}

export function tufKeyDir(home: string): string {
  return path.join(home, 'keys', 'tuf');
}

/** TUF's public key form: raw ed25519 public key in hex. */
function publicKeyOf(privateKey: KeyObject): { keytype: string; scheme: string; keyval: { public: string } } {
  const der = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
  // An ed25519 SubjectPublicKeyInfo is a 12-byte prefix and the 32-byte key.
  return { keytype: 'ed25519', scheme: 'ed25519', keyval: { public: der.subarray(der.length - 32).toString('hex') } };
}

export function roleKeyFrom(role: TufRole, file: string, privateKey: KeyObject): RoleKey {
  const pub = publicKeyOf(privateKey);
  const keyId = createHash('sha256').update(canonicalJson(pub)).digest('hex');
  const key = new Key({ keyID: keyId, keyType: pub.keytype, scheme: pub.scheme, keyVal: pub.keyval });
  return { role, file, keyId, key, privateKey };
}

/** The keys of one role in a folder, in index order. */
export function readRoleKeys(dir: string, role: TufRole): RoleKey[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((f) => ({ f, m: new RegExp(`^${role}-(\\d+)\\.pem$`).exec(f) }))
    .filter((x): x is { f: string; m: RegExpExecArray } => x.m !== null)
    .sort((a, b) => Number(a.m[1]) - Number(b.m[1]))
    .map(({ f }) => roleKeyFrom(role, path.join(dir, f), createPrivateKey(readFileSync(path.join(dir, f), 'utf8'))));
}

/** Makes a new key for a role, numbered after the ones already in the folder. */
export async function createRoleKey(dir: string, role: TufRole): Promise<RoleKey> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const taken = readRoleKeys(dir, role).map((k) => Number(/-(\d+)\.pem$/.exec(k.file)![1]));
  const n = taken.length ? Math.max(...taken) + 1 : 1;
  const file = path.join(dir, `${role}-${n}.pem`);
  const { privateKey } = generateKeyPairSync('ed25519');
  await writeFileAtomic(file, privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), 0o600);
  return roleKeyFrom(role, file, privateKey);
}

/** A signer for Metadata.sign(): TUF signs the canonical JSON of the `signed` part. */
export function signerFor(k: RoleKey): (data: Buffer) => Signature {
  return (data) => new Signature({ keyID: k.keyId, sig: sign(null, data, k.privateKey).toString('hex') });
}
