// The version every bundle's targets, snapshot and timestamp carry: one higher than any this authority
// signed before, so a site refuses an older bundle carried in after a newer one (TUF's rollback rule).
import { existsSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import type { Authority } from './tuf-authority.js';

export function nextBundleVersion(a: Authority): number {
  const file = path.join(a.dir, 'version.json');
  const last = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { version: number }).version : 0;
  const next = last + 1;
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, `${JSON.stringify({ version: next })}\n`);
  renameSync(tmp, file);
  return next;
}
