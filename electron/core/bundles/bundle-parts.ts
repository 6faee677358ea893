// A bundle on removable media: one tar stream cut into parts below FAT32's 4 GiB file limit, and a
// SHA256SUMS file (the format `sha256sum -c` reads, on any OS) so a bad copy is found before anything
// is unpacked. Parts are written under temporary names and renamed at the end: a copy interrupted
// half-way leaves no part that looks complete.
import { createHash } from 'node:crypto';
import { createReadStream, promises as fsp } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { AppError } from '../api/errors.js';
import { fsyncDir } from '../util/atomic-write.js';
import { sha256File } from '../util/hash-file.js';

/** FAT32's largest file, 4 GiB - 1 byte. */
export const fat32MaxFile = 4 * 1024 ** 3 - 1;
export const sumsFile = 'SHA256SUMS';

export interface BundlePart {
  file: string;
  size: number;
  sha256: string;
}

export const partName = (base: string, i: number) => `${base}.part${String(i).padStart(3, '0')}`;

/** Writes the stream into parts of at most partSize bytes; returns them in order. */
export async function writeParts(source: AsyncIterable<Uint8Array>, dir: string, base: string, partSize = fat32MaxFile): Promise<BundlePart[]> {
  const parts: BundlePart[] = [];
  const temps: string[] = [];
  let fh: fsp.FileHandle | null = null;
  let hash = createHash('sha256');
  let size = 0;
  const close = async () => {
    if (!fh) return;
    await fh.sync();
    await fh.close();
    fh = null;
    parts.push({ file: partName(base, parts.length), size, sha256: hash.digest('hex') });
  };
  try {
    for await (const chunk of source) {
      let buf = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      while (buf.length) {
        if (!fh || size === partSize) {
          await close();
          const tmp = path.join(dir, `.${partName(base, parts.length)}.tmp`);
          temps.push(tmp);
          fh = await fsp.open(tmp, 'w');
          hash = createHash('sha256');
          size = 0;
        }
        const take = buf.subarray(0, Math.min(buf.length, partSize - size));
        await fh.write(take);
        hash.update(take);
        size += take.length;
        buf = buf.subarray(take.length);
      }
    }
    await close();
    for (let i = 0; i < parts.length; i++) await fsp.rename(temps[i], path.join(dir, parts[i].file));
  } catch (err) {
    await (fh as fsp.FileHandle | null)?.close().catch(() => undefined);
    await Promise.all(temps.map((t) => fsp.rm(t, { force: true })));
    throw err;
  }
  await fsyncDir(dir);
  return parts;
}

export function formatSums(parts: BundlePart[]): string {
  return parts.map((p) => `${p.sha256}  ${p.file}\n`).join('');
}

function partError(code: string, title: string, detail: string): AppError {
  return new AppError(code, title, detail);
}

const recopy = 'Copy it again from the original medium (or from the connected console) and import again; nothing was changed.';

/** Reads SHA256SUMS and checks every part's presence, size and hash; returns the parts in order. */
export async function checkParts(dir: string): Promise<BundlePart[]> {
  const sumsPath = path.join(dir, sumsFile);
  const text = await fsp.readFile(sumsPath, 'utf8').catch(() => {
    throw partError('BUNDLE_NOT_FOUND', 'No bundle in this folder', `${dir} has no ${sumsFile}. Point at the folder \`edgefleet bundle create -o\` wrote (the one holding the .part files).`);
  });
  const listed = text
    .split('\n')
    .filter((l) => l.trim())
    .map((line, i) => {
      const m = /^([0-9a-f]{64}) [ *](\S+)$/.exec(line.trim());
      if (!m || m[2].includes('/')) throw partError('BUNDLE_PART_LIST', 'The bundle’s part list is damaged', `Line ${i + 1} of ${sumsPath} is not "<sha256>  <part file>". ${recopy}`);
      return { file: m[2], sha256: m[1] };
    });
  if (!listed.length) throw partError('BUNDLE_PART_LIST', 'The bundle’s part list is empty', `${sumsPath} lists no parts. ${recopy}`);
  const parts: BundlePart[] = [];
  for (const p of listed) {
    const file = path.join(dir, p.file);
    const st = await fsp.stat(file).catch(() => null);
    if (!st) throw partError('BUNDLE_PART_MISSING', 'A part of the bundle is missing', `${p.file} is listed in ${sumsFile} but not in ${dir}. ${recopy}`);
    if (st.size === 0) throw partError('BUNDLE_PART_EMPTY', 'A part of the bundle is empty', `${p.file} has 0 bytes (a copy that stopped, or a full medium). ${recopy}`);
    const actual = await sha256File(file);
    if (actual !== p.sha256) {
      throw partError('BUNDLE_PART_CORRUPT', 'A part of the bundle is damaged', `${p.file}: sha256 is ${actual.slice(0, 16)}…, ${sumsFile} says ${p.sha256.slice(0, 16)}…. ${recopy}`);
    }
    parts.push({ ...p, size: st.size });
  }
  return parts;
}

/** The parts read back to back, as the one stream they were cut from. */
export function readParts(dir: string, parts: BundlePart[]): Readable {
  return Readable.from(
    (async function* () {
      for (const p of parts) yield* createReadStream(path.join(dir, p.file), { highWaterMark: 1 << 20 });
    })(),
  );
}
