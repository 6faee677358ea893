// `broker enrol-token --out FILE`: the token as a file for provisioning to copy into a device's data
// folder. It is a secret: mode 0600 from the start, written whole or not at all, and never over an
// existing file (which may be another device's unused token).
import { randomBytes } from 'node:crypto';
import { existsSync, promises as fsp } from 'node:fs';
import path from 'node:path';
import { AppError } from '../api/errors.js';
import { fsyncDir } from '../util/atomic-write.js';

/** Refuses a target that cannot take the token; run it before making the token, so none is made for nothing. */
export function checkTokenTarget(target: string): string {
  const file = path.resolve(target);
  if (existsSync(file)) throw new AppError('ENROL_OUT_EXISTS', 'File exists', `${file} exists already (another token?). Give a new file with --out.`);
  if (!existsSync(path.dirname(file))) throw new AppError('ENROL_OUT_NO_FOLDER', 'No such folder', `${path.dirname(file)} does not exist. Create it, or give --out a file in an existing folder.`);
  return file;
}

export async function writeTokenFile(target: string, token: string): Promise<void> {
  const file = checkTokenTarget(target);
  const dir = path.dirname(file);
  const tmp = path.join(dir, `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const fh = await fsp.open(tmp, 'wx', 0o600);
    try {
      await fh.writeFile(`${token}\n`);
      await fh.sync();
    } finally {
      await fh.close();
    }
    // link() rather than rename(): it fails instead of replacing a file that appeared meanwhile.
    await fsp.link(tmp, file).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'EEXIST') throw new AppError('ENROL_OUT_EXISTS', 'File exists', `${file} exists already (another token?). Give a new file with --out.`);
      throw err;
    });
  } finally {
    await fsp.rm(tmp, { force: true });
  }
  await fsyncDir(dir);
}
