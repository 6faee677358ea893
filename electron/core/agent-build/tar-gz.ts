// A minimal ustar writer behind gzip, so the console makes agent archives the same way on every OS
// (no system tar) and byte for byte reproducibly: fixed owner root:root and a fixed mtime.
import { createReadStream, createWriteStream, promises as fsp } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { AppError } from '../api/errors.js';
import { tmpPathFor } from '../util/atomic-write.js';

export interface TarEntry {
  /** Path inside the archive, forward slashes; directories end without a slash. */
  path: string;
  mode: number;
  /** A file on disk, or the bytes themselves; absent for a directory. */
  source?: { file: string; size: number } | { bytes: Uint8Array };
}

const BLOCK = 512;

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, '0')}\0`;
}

/** Splits a long path into ustar's prefix (155) and name (100) at a slash. */
function splitName(p: string): [prefix: string, name: string] {
  if (Buffer.byteLength(p) <= 100) return ['', p];
  for (let i = p.indexOf('/'); i !== -1; i = p.indexOf('/', i + 1)) {
    const prefix = p.slice(0, i);
    const name = p.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(name) <= 100) return [prefix, name];
  }
  throw new AppError('AGENT_BUILD_PATH', 'Path too long for the archive', `${p} does not fit a ustar header (155 + 100 bytes).`);
}

function header(p: string, mode: number, size: number, dir: boolean, mtime: number): Buffer {
  const h = Buffer.alloc(BLOCK);
  const [prefix, name] = splitName(dir ? `${p}/` : p);
  h.write(name, 0, 100);
  h.write(octal(mode & 0o7777, 8), 100);
  h.write(octal(0, 8), 108);
  h.write(octal(0, 8), 116);
  h.write(octal(size, 12), 124);
  h.write(octal(mtime, 12), 136);
  h.write('        ', 148);
  h.write(dir ? '5' : '0', 156);
  h.write('ustar\0', 257);
  h.write('00', 263);
  h.write('root', 265);
  h.write('root', 297);
  h.write(prefix, 345, 155);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return h;
}

async function* tarStream(entries: TarEntry[], mtime: number): AsyncGenerator<Buffer> {
  for (const e of entries) {
    if (!e.source) {
      yield header(e.path, e.mode, 0, true, mtime);
      continue;
    }
    const src = e.source;
    const size = 'bytes' in src ? src.bytes.byteLength : src.size;
    yield header(e.path, e.mode, size, false, mtime);
    let written = 0;
    if ('bytes' in src) {
      yield Buffer.from(src.bytes);
      written = size;
    } else {
      for await (const chunk of createReadStream(src.file, { highWaterMark: 1 << 20 })) {
        written += (chunk as Buffer).length;
        yield chunk as Buffer;
      }
    }
    if (written !== size) {
      throw new AppError('AGENT_BUILD_CHANGED', 'A file changed during the build', `${'file' in src ? src.file : e.path} had ${size} bytes when listed and ${written} when packed; build again.`);
    }
    if (size % BLOCK) yield Buffer.alloc(BLOCK - (size % BLOCK));
  }
  yield Buffer.alloc(BLOCK * 2);
}

/** The entries as .tar.gz bytes in memory (the small tarballs inside a .deb). */
export async function tarGzBuffer(entries: TarEntry[], mtime = 0): Promise<Buffer> {
  const chunks: Buffer[] = [];
  await pipeline(Readable.from(tarStream(entries, mtime)), createGzip({ level: 6 }), async (gz: AsyncIterable<Buffer>) => {
    for await (const c of gz) chunks.push(c);
  });
  return Buffer.concat(chunks);
}

/** Writes entries as a .tar.gz to `target` through a temporary file, so a failed build leaves nothing. */
export async function writeTarGz(target: string, entries: TarEntry[], mtime = 0): Promise<void> {
  const tmp = tmpPathFor(target);
  try {
    await pipeline(Readable.from(tarStream(entries, mtime)), createGzip({ level: 6 }), createWriteStream(tmp, { mode: 0o644 }));
    await fsp.rename(tmp, target);
  } finally {
    await fsp.rm(tmp, { force: true });
  }
}
