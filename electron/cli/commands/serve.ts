import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createCore } from '../../core/core.js';
import { resolveHome } from '../../core/registry/home.js';
import { startBrowserServer } from '../../core/server/http-server.js';
import { appRoot } from '../../core/util/app-root.js';
import { intOption } from '../context.js';
import type { Command } from './command.js';

export const serveCommand: Command = {
  name: 'serve',
  usage: 'serve [--port N] [--home DIR] [--open]',
  summary: 'Run the console in the browser mode on 127.0.0.1 (prints the URL with its access token)',
  options: { port: { type: 'string' }, home: { type: 'string' }, open: { type: 'boolean' } },
  optionDocs: { port: ['N', 'Port on 127.0.0.1 (default 0: a free one)'], open: 'Open the console URL in the default browser' },
  async run({ values }) {
    const port = intOption(values.port as string | undefined, 'port', 0, 0);
    const core = createCore({ home: resolveHome(values.home as string | undefined), mode: 'browser' });
    const server = await startBrowserServer({ core, rendererDir: join(appRoot(), 'dist', 'renderer'), port });
    process.stdout.write(`EdgeFleet console: ${server.url}\n`);
    process.stdout.write(`Home: ${core.home}   (Ctrl-C to stop)\n`);
    if (values.open) openInBrowser(server.url);
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    await server.close();
    await core.close();
  },
};

function openInBrowser(url: string): void {
  const opener = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  const child = spawn(opener, [url], { stdio: 'ignore', detached: true });
  child.on('error', () => process.stdout.write('Open the URL above in a browser.\n'));
  child.unref();
}
