import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

async function feedFile(hash: Hash, path: string): Promise<void> {
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
}

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(full)));
    else if (entry.isFile()) out.push(full);
  }
  return out;
}

/** sha256 of a file, streamed (data sets can be larger than memory). */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  await feedFile(hash, path);
  return hash.digest('hex');
}

/**
 * sha256 of a file, or of a folder (an image data set): its files in sorted relative-path order, each
 * path then its bytes, so renaming a class folder or changing one image changes the hash.
 */
export async function sha256Path(path: string): Promise<string> {
  if (!(await stat(path)).isDirectory()) return sha256File(path);
  const hash = createHash('sha256');
  const files = (await filesUnder(path)).map((f) => relative(path, f).split(sep).join('/')).sort();
  for (const rel of files) {
    hash.update(`${rel}\0`);
    await feedFile(hash, join(path, rel));
  }
  return hash.digest('hex');
}
