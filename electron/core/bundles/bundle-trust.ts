// The site console's side of TUF: which release authority it trusts (a root pinned once by its
// fingerprint), and the newest metadata it accepted, under <home>/bundles/trust/. Verification runs
// tuf-js's client workflow against the metadata a bundle carries (a fetcher that serves it from memory)
// in a scratch copy of the trust folder, so a refused bundle leaves the trusted state as it was.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, promises as fsp, readFileSync } from 'node:fs';
import path from 'node:path';
import { Metadata, MetadataKind, type TargetFile } from '@tufjs/models';
import { BaseFetcher, Updater } from 'tuf-js';
import { DownloadHTTPError } from 'tuf-js/dist/error.js';
import { AppError } from '../api/errors.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { judgeClock, readClock, writeClock, type ClockJudgement } from './bundle-clock.js';

export interface TrustedSite {
  site: string;
  rootSha256: string;
  trustedAt: string;
}

export const trustDir = (home: string) => path.join(home, 'bundles', 'trust');
const siteFile = (home: string) => path.join(trustDir(home), 'site.json');

export function readTrustedSite(home: string): TrustedSite | null {
  return existsSync(siteFile(home)) ? (JSON.parse(readFileSync(siteFile(home), 'utf8')) as TrustedSite) : null;
}

class MemoryFetcher extends BaseFetcher {
  constructor(private readonly files: Map<string, Buffer>) {
    super();
  }
  override async fetch(url: string): Promise<ReadableStream<Uint8Array<ArrayBuffer>>> {
    const name = decodeURIComponent(new URL(url).pathname.split('/').pop() ?? '');
    const bytes = this.files.get(name);
    if (!bytes) throw new DownloadHTTPError(`${name} is not in the bundle`, 404);
    return new Blob([new Uint8Array(bytes)]).stream() as ReadableStream<Uint8Array<ArrayBuffer>>;
  }
}

const sha256Of = (b: Buffer) => createHash('sha256').update(b).digest('hex');

export interface VerifiedMetadata {
  targets: Map<string, TargetFile>;
  site: string;
  bundleId: string;
  createdAt: string;
  expires: string;
  version: number;
  clock: ClockJudgement;
  /** Makes the verified metadata the trusted state (after everything else is in place). */
  commit(): Promise<void>;
  discard(): Promise<void>;
}

export interface VerifyOptions {
  home: string;
  /** The bundle's tuf/ files by name (1.root.json, timestamp.json, ...). */
  files: Map<string, Buffer>;
  /** On first use: the sha256 (or its first 16+ hex digits) of the authority's root file to trust. */
  trustRoot?: string;
  /** Accept a clock behind the bundle's signing time, judging expiry from the signed times instead. */
  clockFromBundle?: boolean;
  now?: Date;
}

function rootsIn(files: Map<string, Buffer>): { version: number; bytes: Buffer; sha256: string }[] {
  return [...files]
    .map(([name, bytes]) => ({ m: /^(\d+)\.root\.json$/.exec(name), bytes }))
    .filter((x): x is { m: RegExpExecArray; bytes: Buffer } => x.m !== null)
    .map(({ m, bytes }) => ({ version: Number(m[1]), bytes, sha256: sha256Of(bytes) }))
    .sort((a, b) => a.version - b.version);
}

function untrusted(files: Map<string, Buffer>, detail: string): AppError {
  const fps = rootsIn(files).map((r) => `root v${r.version}: ${r.sha256}`).join('; ');
  return new AppError('BUNDLE_UNTRUSTED', 'This console does not trust the bundle’s signer yet', `${detail} The bundle offers ${fps || 'no root'}. Compare it with the fingerprint \`edgefleet bundle create\` printed on the connected console (not with anything on the stick), then import with --trust-root <fingerprint>.`);
}

/** Names what tuf-js refused in a field engineer's words. */
function refusal(err: unknown, expires: string | null): AppError {
  const text = [err, (err as { cause?: unknown })?.cause].map((e) => (e instanceof Error ? `${e.constructor.name}: ${e.message}` : '')).join(' ');
  if (/ExpiredMetadata|expired/i.test(text)) {
    return new AppError('BUNDLE_EXPIRED', 'The bundle has expired', `Its signatures were valid until ${expires ?? 'a date now past'}. Ask the connected console for a new bundle (\`edgefleet bundle create … --expires-in-days N\`); an expired bundle is never installed, so a stale release cannot be carried in later.`);
  }
  if (/EqualVersion/.test(text)) return new AppError('BUNDLE_REPLAYED', 'This bundle is not newer than the one already trusted', text);
  if (/BadVersion|must be >=|version.*(lower|less|older)/i.test(text)) {
    return new AppError('BUNDLE_REPLAYED', 'The bundle is older than one this console already imported', `${text.replace(/^\w+: /, '')}. A bundle made before the last one imported is refused, so an old release cannot be carried back in. Ask for a new bundle.`);
  }
  if (/Unsigned|signature|threshold|signed by \d+\/\d+ keys/i.test(text)) {
    return new AppError('BUNDLE_SIGNATURE', 'The bundle is not signed by the keys this console trusts', `${text.replace(/^\w+: /, '').replace(/^Unable to load \w+ error (Error: )?/, '').trim()}. It was signed by another release authority, by too few of its keys, or changed after signing. Get the bundle from the connected console this site trusts.`);
  }
  return new AppError('BUNDLE_METADATA_INVALID', 'The bundle’s signed metadata cannot be read', text);
}

export async function verifyMetadata(o: VerifyOptions): Promise<VerifiedMetadata> {
  const now = o.now ?? new Date();
  const dir = trustDir(o.home);
  const trusted = readTrustedSite(o.home);
  mkdirSync(path.dirname(dir), { recursive: true, mode: 0o700 });
  const scratch = await fsp.mkdtemp(path.join(path.dirname(dir), '.verify-'));
  const discard = () => fsp.rm(scratch, { recursive: true, force: true });
  try {
    let rootSha256 = trusted?.rootSha256 ?? '';
    if (trusted) {
      for (const f of await fsp.readdir(dir)) if (f.endsWith('.json') && f !== 'site.json') await fsp.copyFile(path.join(dir, f), path.join(scratch, f));
    } else {
      if (!o.trustRoot) throw untrusted(o.files, 'This is the first bundle this console imports.');
      const want = o.trustRoot.trim().toLowerCase();
      if (!/^[0-9a-f]{16,64}$/.test(want)) throw untrusted(o.files, `--trust-root "${o.trustRoot}" is not a sha256 fingerprint (16 to 64 hex digits).`);
      const root = rootsIn(o.files).find((r) => r.sha256.startsWith(want));
      if (!root) throw untrusted(o.files, `No root in the bundle has the fingerprint ${want}.`);
      await fsp.writeFile(path.join(scratch, 'root.json'), root.bytes);
      rootSha256 = root.sha256;
    }
    const targetsBytes = o.files.get('targets.json');
    let expires: string | null = null;
    let parsed: { signed: { expires: string } } | null = null;
    try {
      parsed = targetsBytes ? Metadata.fromJSON(MetadataKind.Targets, JSON.parse(targetsBytes.toString('utf8'))) : null;
      expires = parsed?.signed.expires ?? null;
    } catch {
      // Unreadable: the updater below names the problem.
    }
    const updater = new Updater({ metadataDir: scratch, metadataBaseUrl: 'https://bundle.invalid/tuf/', fetcher: new MemoryFetcher(o.files), config: { maxRootRotations: 256 } });
    try {
      await updater.refresh();
    } catch (err) {
      throw refusal(err, expires);
    }
    // What the updater accepted is what it persisted; a bundle of the same version as the trusted one
    // (imported before) leaves the trusted targets in place, and must be that same bundle.
    const accepted = await fsp.readFile(path.join(scratch, 'targets.json'));
    if (!targetsBytes || sha256Of(accepted) !== sha256Of(targetsBytes)) {
      throw new AppError('BUNDLE_REPLAYED', 'This bundle is not newer than the one already trusted', 'Its version equals the last imported bundle’s but its contents differ. Ask the connected console for a new bundle.');
    }
    const signed = Metadata.fromJSON(MetadataKind.Targets, JSON.parse(accepted.toString('utf8'))).signed;
    const fields = (signed.unrecognizedFields['x-edgefleet'] ?? {}) as { site?: string; bundleId?: string; createdAt?: string };
    if (!fields.site || !fields.bundleId || !fields.createdAt) throw new AppError('BUNDLE_METADATA_INVALID', 'The bundle does not say which site it is for', 'targets.json has no x-edgefleet site, bundleId and createdAt; it was not made by `edgefleet bundle create`.');
    const custom = { site: fields.site, bundleId: fields.bundleId, createdAt: fields.createdAt };
    if (trusted && trusted.site !== custom.site) {
      throw new AppError('BUNDLE_WRONG_SITE', 'The bundle is for another site', `It was made for site "${custom.site}"; this console serves site "${trusted.site}". Carry it to that site, or ask for a bundle made with --site ${trusted.site}.`);
    }
    const clock = judgeClock({ now, newestSeen: readClock(o.home), signedAt: custom.createdAt, expires: signed.expires, clockFromBundle: o.clockFromBundle ?? false });
    const targets = new Map(Object.entries(signed.targets));
    return {
      targets,
      site: custom.site,
      bundleId: custom.bundleId,
      createdAt: custom.createdAt,
      expires: signed.expires,
      version: signed.version,
      clock,
      async commit() {
        mkdirSync(dir, { recursive: true, mode: 0o700 });
        for (const f of await fsp.readdir(scratch)) await writeFileAtomic(path.join(dir, f), await fsp.readFile(path.join(scratch, f)));
        if (!trusted) await writeFileAtomic(siteFile(o.home), `${JSON.stringify({ site: custom.site, rootSha256, trustedAt: now.toISOString() } satisfies TrustedSite, null, 1)}\n`);
        await writeClock(o.home, clock.newestSeen);
        await discard();
      },
      discard,
    };
  } catch (err) {
    await discard();
    throw err;
  }
}
