import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { AppError } from '../../core/api/errors.js';
import { agentBundlePath, nodeEnv } from '../../core/devices/agent-launcher.js';
import { UsageError } from '../output.js';
import type { Command } from './command.js';

// The agent's own sources import across the repository and are bundled by `npm run build:agent`;
// the compiled CLI runs that bundle as a child and passes signals and the exit code through.
export const agentCommand: Command = {
  name: 'agent',
  usage: 'agent --data-dir DIR [--port N] [--name NAME] [--no-mdns] [--new-pairing-code] [--host ADDR] [--serve-port N] [--serial PATH [--baud N]]',
  summary: 'Run the EdgeFleet device agent on this machine (prints its pairing code); --serial also serves the console over a serial port',
  options: {
    'data-dir': { type: 'string' },
    port: { type: 'string' },
    name: { type: 'string' },
    'no-mdns': { type: 'boolean' },
    'new-pairing-code': { type: 'boolean' },
    host: { type: 'string' },
    'serve-port': { type: 'string' },
    serial: { type: 'string' },
    baud: { type: 'string' },
  },
  async run({ values, positionals }) {
    if (positionals.length) throw new UsageError('agent takes no arguments');
    if (typeof values['data-dir'] !== 'string') throw new UsageError('agent needs --data-dir DIR');
    const bundle = agentBundlePath();
    if (!existsSync(bundle)) {
      throw new AppError('AGENT_NOT_BUILT', 'The device agent is not built', `${bundle} is missing: run \`npm run build\` (or \`npm run build:agent\`) in the EdgeFleet folder.`);
    }
    const args: string[] = [];
    for (const [flag, value] of Object.entries(values)) {
      if (value === true) args.push(`--${flag}`);
      else if (typeof value === 'string') args.push(`--${flag}`, value);
    }
    const child = spawn(process.execPath, [bundle, ...args], { stdio: 'inherit', env: nodeEnv() });
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    const code = await new Promise<number>((resolve) => child.once('exit', (c, signal) => resolve(c ?? (signal ? 0 : 1))));
    process.off('SIGINT', forward);
    process.off('SIGTERM', forward);
    if (code !== 0) throw new AppError('AGENT_EXITED', 'The device agent stopped', `It exited with code ${code}; its output above says why.`);
  },
};
