// Reading a site bundle, shared by the site console's import and a device installing with no console:
// every part checked against SHA256SUMS before a byte is unpacked; then the tar stream in order, header
// and TUF metadata first (verified with tuf-js against the trusted root before any payload is read),
// every payload file hashed while it streams into a staging folder and checked against its signed length
// and sha256. The caller commits what it needs from staging; a refusal leaves nothing behind.
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, promises as fsp } from 'node:fs';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tarStream from 'tar-stream';
import { AppError } from '../api/errors.js';
import { privateDirMode } from '../registry/home-modes.js';
import { headerPath, headerSchema, planPath, tufPrefix, type BundleHeader } from './bundle-contents.js';
import { checkParts, readParts } from './bundle-parts.js';
import { parseFrozenPlan, type BundlePlan } from './bundle-plan.js';
import { verifyMetadata, type VerifiedMetadata } from './bundle-trust.js';

export interface ReceiveOptions {
  /** Where the trust state lives (<home>/bundles/trust) and staging goes: a console home or an agent's data dir. */
  home: string;
  dir: string;
  trustRoot?: string;
  clockFromBundle?: boolean;
  now?: Date;
}

export interface ReceivedBundle {
  header: BundleHeader;
  plan: BundlePlan | null;
  verified: VerifiedMetadata;
  /** Verified payload files in staging, by their path in the bundle. */
  files: Map<string, string>;
  /** Removes staging and the unused trust scratch (after a commit or a refusal). */
  cleanup(): Promise<void>;
}

const metadataCap = 1 << 20;
const err = (code: string, title: string, detail: string) => new AppError(code, title, detail);

async function readSmall(entry: AsyncIterable<Buffer>, name: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of entry) {
    n += c.length;
    if (n > metadataCap) throw err('BUNDLE_METADATA_INVALID', 'The bundle’s metadata is too large', `${name} is over ${metadataCap} bytes; it was not made by \`edgefleet bundle create\`.`);
    chunks.push(c);
  }
  return Buffer.concat(chunks);
}

/** Streams one entry into `file`, refusing it as soon as it passes its signed length, then checks its hash. */
async function receive(entry: NodeJS.ReadableStream, file: string, name: string, want: { length: number; sha256: string }): Promise<void> {
  const hash = createHash('sha256');
  let n = 0;
  const check = new Transform({
    transform(chunk: Buffer, _enc, done) {
      n += chunk.length;
      if (n > want.length) return done(err('BUNDLE_FILE_MISMATCH', 'A file in the bundle does not match its signature', `${name} is longer than the ${want.length} bytes its signed metadata gives.`));
      hash.update(chunk);
      done(null, chunk);
    },
  });
  await pipeline(entry, check, createWriteStream(file, { flags: 'wx', mode: 0o600 }));
  const got = hash.digest('hex');
  if (n !== want.length || got !== want.sha256) {
    throw err('BUNDLE_FILE_MISMATCH', 'A file in the bundle does not match its signature', `${name}: ${n} bytes with sha256 ${got.slice(0, 16)}…, signed as ${want.length} bytes with ${want.sha256.slice(0, 16)}…. The bundle was changed after it was signed; get it again from the connected console.`);
  }
}

async function checkSpace(home: string, bytes: number): Promise<void> {
  mkdirSync(home, { recursive: true });
  const st = await fsp.statfs(home);
  const free = st.bavail * st.bsize;
  const need = Math.ceil(bytes * 1.1);
  if (free < need) {
    const mb = (x: number) => `${(x / 1e6).toFixed(0)} MB`;
    throw err('BUNDLE_NO_SPACE', 'Not enough disk space to import the bundle', `Importing needs about ${mb(need)} free beside ${home}; ${mb(free)} are free. Free some space (old models: \`edgefleet models remove\`) and import again.`);
  }
}

interface Received {
  header: BundleHeader | null;
  plan: BundlePlan | null;
  files: Map<string, string>;
}

/** Staging and scratch folders a killed import left behind (an hour old: never one in progress). */
async function removeStale(dir: string): Promise<void> {
  for (const e of await fsp.readdir(dir, { withFileTypes: true })) {
    if (!e.isDirectory() || !/^\.(incoming|verify)-/.test(e.name)) continue;
    const full = path.join(dir, e.name);
    const st = await fsp.stat(full).catch(() => null);
    if (st && Date.now() - st.mtimeMs > 3_600_000) await fsp.rm(full, { recursive: true, force: true });
  }
}

export async function receiveBundle(o: ReceiveOptions): Promise<ReceivedBundle> {
  const parts = await checkParts(o.dir);
  await checkSpace(o.home, parts.reduce((s, p) => s + p.size, 0));
  const bundlesDir = path.join(o.home, 'bundles');
  mkdirSync(bundlesDir, { recursive: true, mode: privateDirMode });
  await removeStale(bundlesDir);
  const staging = path.join(bundlesDir, `.incoming-${randomBytes(6).toString('hex')}`);
  mkdirSync(staging, { mode: privateDirMode });
  const tuf = new Map<string, Buffer>();
  const got: Received = { header: null, plan: null, files: new Map() };
  let verified: VerifiedMetadata | null = null;
  let headerBytes: Buffer | null = null;
  try {
    const extract = tarStream.extract();
    const reading = pipeline(readParts(o.dir, parts), extract);
    // Leaving the loop early (a refusal) destroys the extractor: that rejection is the refusal's echo.
    reading.catch(() => undefined);
    for await (const entry of extract) {
      const name = entry.header.name;
      if (entry.header.type !== 'file' || name.includes('..') || name.startsWith('/')) {
        throw err('BUNDLE_LAYOUT', 'The bundle holds an entry it should not', `"${name}" (${entry.header.type}) is not a file of a site bundle.`);
      }
      if (!verified && name === headerPath) {
        headerBytes = await readSmall(entry as unknown as AsyncIterable<Buffer>, name);
        continue;
      }
      if (!verified && name.startsWith(tufPrefix)) {
        tuf.set(name.slice(tufPrefix.length), await readSmall(entry as unknown as AsyncIterable<Buffer>, name));
        continue;
      }
      if (!verified) verified = await verifyMetadata({ home: o.home, files: tuf, trustRoot: o.trustRoot, clockFromBundle: o.clockFromBundle, now: o.now });
      const target = verified.targets.get(name);
      if (!target) throw err('BUNDLE_LAYOUT', 'The bundle holds a file its signature does not list', `${name} is not among the signed targets; the bundle was changed after it was signed.`);
      if (got.files.has(name)) throw err('BUNDLE_LAYOUT', 'The bundle holds a file twice', `${name} comes twice in the archive.`);
      const file = path.join(staging, `f${got.files.size}`);
      await receive(entry as unknown as NodeJS.ReadableStream, file, name, { length: target.length, sha256: target.hashes.sha256 ?? '' });
      got.files.set(name, file);
    }
    await reading;
    if (!verified) {
      if (!tuf.size) throw err('BUNDLE_LAYOUT', 'The bundle has no signed metadata', 'No tuf/ files were found at the start of the archive; it was not made by `edgefleet bundle create`.');
      verified = await verifyMetadata({ home: o.home, files: tuf, trustRoot: o.trustRoot, clockFromBundle: o.clockFromBundle, now: o.now });
    }
    const v = verified;
    // The header came before the metadata: check it against its signed hash now.
    const headerTarget = v.targets.get(headerPath);
    if (!headerBytes || !headerTarget || createHash('sha256').update(headerBytes).digest('hex') !== headerTarget.hashes.sha256) {
      throw err('BUNDLE_FILE_MISMATCH', 'The bundle’s header does not match its signature', `${headerPath} is missing or was changed after signing.`);
    }
    const missing = [...v.targets.keys()].filter((p) => p !== headerPath && !got.files.has(p));
    if (missing.length) throw err('BUNDLE_INCOMPLETE', 'The bundle is missing files its signature lists', `${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ` and ${missing.length - 5} more` : ''}. The archive was cut short; copy the bundle again.`);
    const header = headerSchema.parse(JSON.parse(headerBytes.toString('utf8'))) as BundleHeader;
    const planFile = got.files.get(planPath);
    const plan = planFile ? parseFrozenPlan(await fsp.readFile(planFile)) : null;
    return {
      header,
      plan,
      verified: v,
      files: got.files,
      cleanup: async () => {
        await v.discard();
        await fsp.rm(staging, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await verified?.discard();
    await fsp.rm(staging, { recursive: true, force: true });
    throw e;
  }
}
