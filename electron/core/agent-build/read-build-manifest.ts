// Reads MANIFEST.json out of an agent build (.tar.gz) without unpacking the rest: the console needs its
// agentVersion and arch to sign the upload, and checks its signature before sending 50 MB to a device.
// writeTarGz puts MANIFEST.json right after the folders, so only the archive's start is read.
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { AppError } from '../api/errors.js';
import { signedAgentBuildSchema, type SignedAgentBuild } from './build-manifest.js';

const BLOCK = 512;
/** MANIFEST.json of a large build is well under this; anything past it is not ours. */
const maxManifestBytes = 4 * 1024 * 1024;

function notABuild(file: string, why: string): AppError {
  return new AppError('AGENT_BUILD_INVALID', 'Not an agent build', `${file}: ${why}. Make one with \`edgefleet agent build --arch arm64|x64 -o FILE\`.`);
}

function field(h: Buffer, at: number, len: number): string {
  const s = h.subarray(at, at + len);
  const end = s.indexOf(0);
  return s.subarray(0, end === -1 ? len : end).toString('utf8');
}

/** The signed manifest and its exact text (the device hashes the text to name the release). */
export async function readBuildManifest(file: string): Promise<{ signed: SignedAgentBuild; text: string }> {
  let buf = Buffer.alloc(0);
  const stream = createReadStream(file).pipe(createGunzip());
  try {
    for await (const chunk of stream) {
      buf = Buffer.concat([buf, chunk as Buffer]);
      while (buf.length >= BLOCK) {
        const h = buf.subarray(0, BLOCK);
        if (h.every((b) => b === 0)) throw notABuild(file, 'it holds no MANIFEST.json');
        const name = [field(h, 345, 155), field(h, 0, 100)].filter(Boolean).join('/');
        const size = parseInt(field(h, 124, 12).trim() || '0', 8);
        if (!Number.isSafeInteger(size)) throw notABuild(file, 'it is not a tar archive');
        const padded = Math.ceil(size / BLOCK) * BLOCK;
        if (/^[^/]+\/MANIFEST\.json$/.test(name)) {
          if (size > maxManifestBytes) throw notABuild(file, 'its MANIFEST.json is too large');
          if (buf.length < BLOCK + size) break; // read more
          const text = buf.subarray(BLOCK, BLOCK + size).toString('utf8');
          const parsed = signedAgentBuildSchema.safeParse(JSON.parse(text));
          if (!parsed.success) throw notABuild(file, 'its MANIFEST.json is not an agent build manifest');
          return { signed: parsed.data, text };
        }
        if (size > maxManifestBytes) throw notABuild(file, 'MANIFEST.json does not come first');
        if (buf.length < BLOCK + padded) break;
        buf = buf.subarray(BLOCK + padded);
      }
    }
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw notABuild(file, `it does not read as a .tar.gz (${(err as Error).message})`);
  } finally {
    stream.destroy();
  }
  throw notABuild(file, 'it holds no MANIFEST.json');
}
