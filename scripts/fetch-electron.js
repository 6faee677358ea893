// Fetches the Electron runtime where the network allows (npm's install script for it is denied in
// allowScripts so that an offline `npm ci` succeeds). Its absence is not an error: `npm start` falls back.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
let installer;
try {
  installer = join(dirname(require.resolve('electron/package.json')), 'install.js');
} catch {
  process.exit(0);
}
if (process.env.ELECTRON_SKIP_BINARY_DOWNLOAD || !existsSync(installer)) process.exit(0);
const result = spawnSync(process.execPath, [installer], { stdio: 'pipe', timeout: 180_000, encoding: 'utf8' });
if (result.status === 0) console.log('Electron runtime installed.');
else console.log('Electron runtime not downloaded (no network?): `npm start` will use the browser mode.');
