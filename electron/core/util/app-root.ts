import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | null = null;

/** The folder holding EdgeFleet's package.json, found from this file whether it runs from source or dist. */
export function appRoot(): string {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && JSON.parse(readFileSync(pkg, 'utf8')).name === 'edgefleet') return (cached = dir);
    const up = dirname(dir);
    if (up === dir) throw new Error('EdgeFleet package.json not found above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
}

export function appVersion(): string {
  return JSON.parse(readFileSync(join(appRoot(), 'package.json'), 'utf8')).version as string;
}
