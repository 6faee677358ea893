// One-time enrolment tokens, the console's side: `<home>/mqtt-enrol/<id>.json` keeps what the
// console checks (the hash of the token's secret, its expiry, the site's listener URLs), and
// `<id>.used` is the used flag: made with link(), which fails when the file exists, so of two
// requests (or two console processes) exactly one claims a token. The broker folder's password file
// gets the token's login; the broker reads it at start and on SIGHUP.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { encodeEnrolToken, enrolVersion, keyFingerprint, tokenIdPattern } from '../../../resources/device-protocol/mqtt/enrol.js';
import { pemFingerprint } from '../../../resources/device-protocol/fingerprint.js';
import { AppError } from '../api/errors.js';
import { loadOrCreateConsoleKey } from '../devices/console-key.js';
import { privateDirMode, privateFileMode } from '../registry/home-modes.js';
import { fsyncDir, tmpPathFor, writeFileAtomic } from '../util/atomic-write.js';
import { BrokerCa } from './broker-ca.js';
import { brokerAccount } from './broker-site.js';
import { brokerFiles } from './mosquitto-config.js';
import { dropPasswdEntry, passwdHash, putPasswdEntry } from './mosquitto-passwd.js';

const siteSchema = z.object({ deviceUrl: z.string(), consoleUrl: z.string(), enrolUrl: z.string() });

export const tokenRecordSchema = z.object({
  v: z.literal(1),
  id: z.string().regex(tokenIdPattern),
  name: z.string().nullable(),
  secretSha256: z.string(),
  createdAt: z.string(),
  expiresAt: z.string(),
  brokerDir: z.string(),
  deviceUrl: z.string(),
  consoleUrl: z.string(),
  enrolUrl: z.string(),
});
export type TokenRecord = z.infer<typeof tokenRecordSchema>;

export const tokenClaimSchema = z.object({ at: z.string(), requestId: z.string(), deviceId: z.string(), csrSha256: z.string() });
export type TokenClaim = z.infer<typeof tokenClaimSchema>;

export const maxTtlMs = 30 * 86_400_000;
/** Logins of used or expired tokens leave the password file this long after (at the next `enrol-token`). */
export const pruneAfterMs = 7 * 86_400_000;

export function tokensDir(home: string): string {
  return path.join(home, 'mqtt-enrol');
}

const file = (home: string, id: string, ext: string) => path.join(tokensDir(home), `${id}.${ext}`);

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** "24h", "30m", "7d", "90s" → milliseconds. */
export function parseTtl(text: string): number {
  const m = /^(\d{1,6})([smhd])$/.exec(text.trim());
  const ms = m ? Number(m[1]) * { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 's' | 'm' | 'h' | 'd'] : NaN;
  if (!m || ms < 1000 || ms > maxTtlMs) {
    throw new AppError('ENROL_BAD_TTL', 'Bad token lifetime', `"${text}" is not a lifetime from 1s to 30d: give a number and a unit, s, m, h or d (e.g. --ttl 24h).`);
  }
  return ms;
}

async function readSite(brokerDir: string): Promise<z.infer<typeof siteSchema>> {
  const f = path.join(brokerDir, brokerFiles.site);
  try {
    return siteSchema.parse(JSON.parse(await fsp.readFile(f, 'utf8')));
  } catch (err) {
    throw new AppError(
      'ENROL_NO_SITE',
      'No enrolment listener',
      `${brokerDir} has no readable ${brokerFiles.site} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}): it was not written by an \`edgefleet broker init\` that knows enrolment. Run \`edgefleet broker init --dir ${brokerDir} --force\` (or give the broker folder with --dir).`,
    );
  }
}

export interface NewToken {
  token: string;
  id: string;
  name: string | null;
  expiresAt: string;
  enrolUrl: string;
  deviceUrl: string;
  passwdFile: string;
  /** Logins of used or expired tokens taken out of the password file while at it. */
  pruned: string[];
}

export async function createEnrolToken(home: string, o: { brokerDir?: string; ttlMs: number; name?: string }): Promise<NewToken> {
  if (o.name !== undefined && !/^[\p{L}\p{N} ._-]{1,64}$/u.test(o.name)) {
    throw new AppError('ENROL_BAD_NAME', 'Bad token label', `"${o.name}" cannot label a token: use 1–64 letters, digits, spaces, ".", "_" or "-".`);
  }
  const ca = await BrokerCa.open(home);
  const brokerDir = path.resolve(o.brokerDir ?? (await ca.brokerDir()) ?? '');
  if (!o.brokerDir && !(await ca.brokerDir())) {
    throw new AppError('ENROL_NO_SITE', 'No broker folder', `This console (${home}) has not written a site broker yet. Run \`edgefleet broker init --dir DIR\` first, or give the broker folder with --dir.`);
  }
  const site = await readSite(brokerDir);
  const key = await loadOrCreateConsoleKey(home);
  const id = `enrol_${randomBytes(12).toString('hex')}`;
  const pw = randomBytes(32).toString('base64url');
  const secret = randomBytes(32).toString('base64url');
  const now = Date.now();
  const record: TokenRecord = {
    v: 1,
    id,
    name: o.name ?? null,
    secretSha256: sha256Hex(secret),
    createdAt: new Date(now).toISOString(),
    expiresAt: new Date(now + o.ttlMs).toISOString(),
    brokerDir,
    ...site,
  };
  await fsp.mkdir(tokensDir(home), { recursive: true, mode: privateDirMode });
  // The record before the login: a login the console has no record of could never be answered.
  await writeFileAtomic(file(home, id, 'json'), `${JSON.stringify(record, null, 2)}\n`);
  await fsp.chmod(file(home, id, 'json'), privateFileMode);
  const account = brokerAccount();
  const passwdFile = path.join(brokerDir, brokerFiles.passwd);
  const mode = account ? 0o640 : privateFileMode;
  const owner = account ? { uid: 0, gid: account.gid } : undefined;
  await putPasswdEntry(passwdFile, id, passwdHash(pw), mode, owner);
  const pruned: string[] = [];
  for (const r of await listTokenRecords(home)) {
    if (r.id === id || r.brokerDir !== brokerDir) continue;
    // Kept a while after use or expiry, so that a device trying it hears why from the console, not a bare login refusal.
    const ended = Math.min(Date.parse(r.expiresAt), Date.parse((await readClaim(home, r.id))?.at ?? r.expiresAt));
    if (ended + pruneAfterMs < now) {
      await dropPasswdEntry(passwdFile, r.id, mode, owner);
      pruned.push(r.id);
    }
  }
  const token = encodeEnrolToken({ v: enrolVersion, url: site.enrolUrl, id, pw, secret, consoleKey: keyFingerprint(key.publicKey), ca: pemFingerprint(ca.certPem) });
  return { token, id, name: record.name, expiresAt: record.expiresAt, enrolUrl: site.enrolUrl, deviceUrl: site.deviceUrl, passwdFile, pruned };
}

export async function readTokenRecord(home: string, id: string): Promise<TokenRecord | null> {
  if (!tokenIdPattern.test(id)) return null;
  try {
    return tokenRecordSchema.parse(JSON.parse(await fsp.readFile(file(home, id, 'json'), 'utf8')));
  } catch {
    return null;
  }
}

export async function listTokenRecords(home: string): Promise<TokenRecord[]> {
  const names = await fsp.readdir(tokensDir(home)).catch(() => [] as string[]);
  const records = await Promise.all(names.filter((n) => n.endsWith('.json') && !n.startsWith('.')).map((n) => readTokenRecord(home, n.slice(0, -5))));
  return records.filter((r): r is TokenRecord => r !== null);
}

export function secretMatches(record: TokenRecord, secret: string): boolean {
  const a = Buffer.from(sha256Hex(secret), 'hex');
  const b = Buffer.from(record.secretSha256, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Marks the token used for this request; returns the earlier claim instead when it was used already. */
export async function claimToken(home: string, id: string, claim: TokenClaim): Promise<TokenClaim | null> {
  const target = file(home, id, 'used');
  const tmp = tmpPathFor(target);
  await fsp.writeFile(tmp, JSON.stringify(claim), { mode: privateFileMode, flag: 'wx' });
  try {
    await fsp.link(tmp, target);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return (await readClaim(home, id)) ?? claim;
  } finally {
    await fsp.rm(tmp, { force: true });
  }
  await fsyncDir(tokensDir(home));
  return null;
}

export async function readClaim(home: string, id: string): Promise<TokenClaim | null> {
  try {
    return tokenClaimSchema.parse(JSON.parse(await fsp.readFile(file(home, id, 'used'), 'utf8')));
  } catch {
    return null;
  }
}

/** The signed answer given to the claiming request, kept so that the same request asked again gets the same answer. */
export async function saveAnswer(home: string, id: string, answer: string): Promise<void> {
  await writeFileAtomic(file(home, id, 'answer'), answer);
}

export async function readAnswer(home: string, id: string): Promise<string | null> {
  return fsp.readFile(file(home, id, 'answer'), 'utf8').catch(() => null);
}
