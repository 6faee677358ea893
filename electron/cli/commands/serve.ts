import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { AppError } from '../../core/api/errors.js';
import { startArtifactServer } from '../../core/artifacts/artifact-server.js';
import { createCore } from '../../core/core.js';
import { resolveHome } from '../../core/registry/home.js';
import { startBrowserServer } from '../../core/server/http-server.js';
import { appRoot } from '../../core/util/app-root.js';
import { intOption } from '../context.js';
import { UsageError } from '../output.js';
import type { Command } from './command.js';

export const serveCommand: Command = {
  name: 'serve',
  usage: 'serve [--port N] [--home DIR] [--open] [--artifacts-port N [--artifacts-host H] [--artifacts-cert FILE --artifacts-key FILE]]',
  summary: 'Run the console in the browser mode on 127.0.0.1 (prints the URL with its access token); optionally serve the registry\'s artifacts to devices',
  options: {
    port: { type: 'string' },
    home: { type: 'string' },
    open: { type: 'boolean' },
    'artifacts-port': { type: 'string' },
    'artifacts-host': { type: 'string' },
    'artifacts-cert': { type: 'string' },
    'artifacts-key': { type: 'string' },
  },
  optionDocs: {
    port: ['N', 'Port on 127.0.0.1 (default 0: a free one)'],
    open: 'Open the console URL in the default browser',
    'artifacts-port': ['N', 'Also serve the registry\'s artifacts at /sha256/<hex> on this port, for devices to pull (upload-fetch)'],
    'artifacts-host': ['H', 'Address the artifact server listens on (default 0.0.0.0: every interface)'],
    'artifacts-cert': ['FILE', 'Serve artifacts over HTTPS with this certificate (PEM); needs --artifacts-key'],
    'artifacts-key': ['FILE', 'The key of --artifacts-cert (PEM)'],
  },
  async run({ values }) {
    const port = intOption(values.port as string | undefined, 'port', 0, 0);
    const artifactsOpts = artifactServerOptions(values);
    const core = createCore({ home: resolveHome(values.home as string | undefined), mode: 'browser' });
    const server = await startBrowserServer({ core, rendererDir: join(appRoot(), 'dist', 'renderer'), port });
    process.stdout.write(`EdgeFleet console: ${server.url}\n`);
    const artifacts = artifactsOpts ? await startArtifactServer({ home: core.home, ...artifactsOpts }).catch(async (err: NodeJS.ErrnoException) => {
      await server.close();
      await core.close();
      throw new AppError('ARTIFACT_SERVER_FAILED', 'Could not start the artifact server', `${artifactsOpts.host}:${artifactsOpts.port}: ${err.code ?? ''} ${err.message}. Pick another --artifacts-port or --artifacts-host, or check the --artifacts-cert and --artifacts-key files.`);
    }) : null;
    if (artifacts) process.stdout.write(`Artifacts for devices: ${artifacts.url}/sha256/<hex>   (point MQTT devices at it: edgefleet mqtt artifacts-url ${artifacts.url})\n`);
    process.stdout.write(`Home: ${core.home}   (Ctrl-C to stop)\n`);
    if (values.open) openInBrowser(server.url);
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    await artifacts?.close();
    await server.close();
    await core.close();
  },
};

function artifactServerOptions(values: Record<string, unknown>): { host: string; port: number; tls?: { certFile: string; keyFile: string } } | null {
  const port = values['artifacts-port'] as string | undefined;
  const cert = values['artifacts-cert'] as string | undefined;
  const key = values['artifacts-key'] as string | undefined;
  if (port === undefined) {
    if (values['artifacts-host'] !== undefined || cert !== undefined || key !== undefined) throw new UsageError('--artifacts-host, --artifacts-cert and --artifacts-key need --artifacts-port N');
    return null;
  }
  if (!/^\d+$/.test(port) || Number(port) > 65_535) throw new UsageError(`--artifacts-port must be a whole number from 0 to 65535, got "${port}"`);
  if ((cert === undefined) !== (key === undefined)) throw new UsageError('--artifacts-cert and --artifacts-key go together: give both or neither');
  return { host: (values['artifacts-host'] as string | undefined) ?? '0.0.0.0', port: Number(port), ...(cert && key ? { tls: { certFile: cert, keyFile: key } } : {}) };
}

function openInBrowser(url: string): void {
  const opener = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  const child = spawn(opener, [url], { stdio: 'ignore', detached: true });
  child.on('error', () => process.stdout.write('Open the URL above in a browser.\n'));
  child.unref();
}
