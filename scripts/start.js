// `npm start`: the desktop window when the Electron runtime is installed, otherwise the browser mode.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);

function electronBinary() {
  try {
    const path = createRequire(import.meta.url)('electron');
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

const electron = electronBinary();
const child = electron
  ? spawn(electron, [root, ...args], { stdio: 'inherit' })
  : (console.log('Electron runtime not installed (offline install?): starting the browser mode instead.'),
    spawn(process.execPath, [fileURLToPath(new URL('./edgefleet.js', import.meta.url)), 'serve', '--open', ...args], {
      stdio: 'inherit',
    }));
child.on('exit', (code) => process.exit(code ?? 0));
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
