import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { AppError } from '../../core/api/errors.js';
import { agentBundlePath, nodeEnv } from '../../core/devices/agent-launcher.js';
import { UsageError } from '../output.js';
import type { Command } from './command.js';
import { runAgentBuild } from './agent-build.js';
import { runAgentUpgrade } from './agent-upgrade.js';

// The agent's own sources import across the repository and are bundled by `npm run build:agent`;
// the compiled CLI runs that bundle as a child and passes signals and the exit code through.
export const agentCommand: Command = {
  name: 'agent',
  usage: 'agent --data-dir DIR [--port N] [--name NAME] [--no-mdns] [--new-pairing-code] [--host ADDR] [--serve-port N | --serve-socket PATH] [--serve-max-concurrent N] [--serve-max-body MB] [--telemetry-interval S] [--history N] [--serial PATH [--baud N]] [--fl-data FILE.csv]  |  agent build --arch arm64|x64 -o FILE [--format tgz|deb] [--agent-version V] [--json] [--home DIR]  |  agent upgrade --device ID [--device ID …] | --target SELECTOR [--stages 5,25,100] [--build FILE.tar.gz] [--trial S] [--allow-downgrade] [--json] [--home DIR]',
  summary: 'Run the EdgeFleet device agent on this machine (prints its pairing code); --serial also serves the console over a serial port. `agent build` writes a self-contained .tar.gz (or, with --format deb, a Debian package) to install on a linux board with no network (own Node, install.sh, MANIFEST.json signed by the console key); `agent upgrade` puts a new build on paired devices, which revert to their previous build when it does not come up',
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
    'serve-socket': { type: 'string' },
    'serve-max-concurrent': { type: 'string' },
    'serve-max-body': { type: 'string' },
    'telemetry-interval': { type: 'string' },
    history: { type: 'string' },
    'fl-data': { type: 'string' },
    arch: { type: 'string' },
    output: { type: 'string', short: 'o' },
    json: { type: 'boolean' },
    home: { type: 'string' },
    'agent-version': { type: 'string' },
    format: { type: 'string' },
    device: { type: 'string', multiple: true },
    build: { type: 'string' },
    trial: { type: 'string' },
    'allow-downgrade': { type: 'boolean' },
    target: { type: 'string' },
    stages: { type: 'string' },
  },
  optionDocs: {
    'data-dir': ['DIR', 'Where identity, pairing, slots and state live (required)'],
    port: ['N', 'HTTPS port for the console (default 8443; 0 picks a free one)'],
    name: ['NAME', 'Device name shown in the console (default: host name)'],
    'no-mdns': 'Do not advertise _edgefleet._tcp',
    'new-pairing-code': 'Make a new one-time pairing code (re-pairing)',
    host: ['ADDR', 'Address to listen on (default 0.0.0.0)'],
    'serve-port': ['N', 'Loopback port of the local inference endpoint (default 8080; 0 picks one)'],
    serial: ['PATH', 'Also serve the console over this serial port (e.g. /dev/ttyGS0)'],
    baud: ['N', 'Baud rate of --serial (default 921600)'],
    'serve-socket': ['PATH', 'Serve inference on a unix socket instead of a port'],
    'serve-max-concurrent': ['N', 'Inference requests served at once (default: from memory and cores)'],
    'serve-max-body': ['MB', 'Largest inference request body (default: 1/32 of memory, 1 to 64 MB)'],
    'telemetry-interval': ['S', 'Seconds between telemetry summaries (default 5)'],
    history: ['N', 'Telemetry summaries kept in memory (default 720)'],
    'fl-data': ['FILE', 'Local sensor readings (timestamp,value CSV) for federated training; they never leave the device (default: DATA_DIR/fl/data.csv when present)'],
    arch: ['arm64|x64', 'agent build: the linux architecture of the board'],
    output: ['FILE', 'agent build: the .tar.gz (or .deb) to write'],
    format: ['tgz|deb', 'agent build: a .tar.gz with install.sh (default), or a .deb whose install runs install.sh'],
    json: 'agent build, agent upgrade: print the result as JSON',
    home: ['DIR', 'agent build, agent upgrade: the console home whose key signs MANIFEST.json'],
    'agent-version': ['V', 'agent build: the version MANIFEST.json records (default: this console\'s)'],
    device: ['ID', 'agent upgrade: a paired device to upgrade (repeat for more)'],
    build: ['FILE', 'agent upgrade: the build to send (default: one made from this console\'s agent for each device\'s arch)'],
    trial: ['S', 'agent upgrade: seconds the new build has to confirm itself before the device reverts it (default 60)'],
    'allow-downgrade': 'agent upgrade: allow an older agent version on purpose (signed for each device)',
    target: ['SELECTOR', 'agent upgrade: the paired devices a selector names (tag:T, group:G, device:ID, all; with --device: both)'],
    stages: ['5,25,100', 'agent upgrade: waves by cumulative share of the devices; a wave starts only when every device of the one before upgraded, else the rest are held'],
  },
  async run({ values, positionals }) {
    if (positionals[0] === 'build') return runAgentBuild({ values, positionals });
    if (positionals[0] === 'upgrade') return runAgentUpgrade({ values, positionals });
    if (positionals.length) throw new UsageError('agent takes no arguments (or: agent build --arch arm64|x64 -o FILE, agent upgrade --device ID)');
    for (const only of ['arch', 'output', 'format', 'json', 'home', 'agent-version']) if (values[only] !== undefined) throw new UsageError(`--${only} belongs to agent build`);
    for (const only of ['device', 'build', 'trial', 'allow-downgrade']) if (values[only] !== undefined) throw new UsageError(`--${only} belongs to agent upgrade`);
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
