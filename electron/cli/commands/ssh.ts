// `edgefleet ssh …`: stock Linux hosts over SSH. Passwords come from --password-env VAR or a prompt
// (--ask-password) and are used for the one command; the CLI never stores them.
import { AppError } from '../../core/api/errors.js';
import type { DeployResult, Job, SshHost, SshProvisionResult } from '../../core/api/types.js';
import { formatBytes } from '../../core/jobs/progress.js';
import { openCore, intOption } from '../context.js';
import { printJson, UsageError } from '../output.js';
import { callWithProgress, unwrap } from '../run-job.js';
import type { Command, ParsedArgs } from './command.js';
import { resolveModel } from './deploy.js';

const usage =
  'ssh add ADDRESS --user U [--port N] [--key PATH | --password-env VAR | --ask-password] [--name NAME] | ssh list | ssh remove ID | ' +
  'ssh provision ID [--agent-port N] [--serve-port N] [--no-mdns] | ssh deploy MODEL --host ID --path REMOTE_PATH [--restart CMD] | ' +
  'ssh rollback ID | ssh uninstall ID   (each with [--password-env VAR | --ask-password] [--json] [--home DIR])';

/** Reads a line from the terminal without echoing it. */
function askPassword(prompt: string): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) throw new UsageError('--ask-password needs a terminal; use --password-env VAR instead');
  process.stderr.write(prompt);
  return new Promise((resolve, reject) => {
    let text = '';
    stdin.setRawMode(true);
    stdin.resume();
    const done = (err?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
      if (err) reject(err);
      else resolve(text);
    };
    const onData = (chunk: Buffer) => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003') return done(new AppError('CANCELLED', 'Cancelled', 'No password given.'));
        if (ch === '\u007f' || ch === '\b') text = text.slice(0, -1);
        else text += ch;
      }
    };
    stdin.on('data', onData);
  });
}

async function password(values: ParsedArgs['values'], what: string): Promise<string | undefined> {
  const env = values['password-env'];
  if (typeof env === 'string') {
    const v = process.env[env];
    if (v === undefined) throw new UsageError(`--password-env ${env}: the environment variable ${env} is not set`);
    return v;
  }
  if (values['ask-password']) return askPassword(`Password for ${what}: `);
  return undefined;
}

function one(positionals: string[], what: string): string {
  if (positionals.length !== 1) throw new UsageError(`ssh ${what} takes one ${what === 'add' ? 'ADDRESS' : 'ID'}`);
  return positionals[0];
}

function describeHost(h: SshHost): string {
  const agent = h.provisioned ? `agent (${h.provisioned.mode}) on port ${h.provisioned.agentPort}, device ${h.deviceId}` : 'no agent';
  const deploy = h.lastDeploy ? `; ${h.lastDeploy.path}: ${h.lastDeploy.modelName}${h.lastDeploy.rolledBack ? ' (rolled back)' : ''}` : '';
  return `${h.id}  ${h.name}  ${h.address}  ${h.auth === 'key' ? `key ${h.keyPath}` : 'password'}  ${h.hostKey ? `${h.hostKey.type} ${h.hostKey.fingerprint}` : ''}  ${agent}${deploy}`;
}

export const sshCommand: Command = {
  name: 'ssh',
  usage,
  summary: 'Stock Linux hosts over SSH: add (pins the host key), provision the agent, agentless deploy and rollback, uninstall',
  options: {
    user: { type: 'string' },
    port: { type: 'string' },
    key: { type: 'string' },
    'password-env': { type: 'string' },
    'ask-password': { type: 'boolean' },
    name: { type: 'string' },
    'agent-port': { type: 'string' },
    'serve-port': { type: 'string' },
    'no-mdns': { type: 'boolean' },
    host: { type: 'string' },
    path: { type: 'string' },
    restart: { type: 'string' },
    json: { type: 'boolean' },
    home: { type: 'string' },
  },
  optionDocs: {
    user: ['U', 'User to log in as (add)'],
    port: ['N', 'SSH port (add; default 22)'],
    key: ['PATH', 'Private key file (add)'],
    'password-env': ['VAR', 'Read the password from this environment variable (never stored)'],
    'ask-password': 'Prompt for the password on the terminal (never stored)',
    name: ['NAME', 'Name for the host (add)'],
    'agent-port': ['N', 'HTTPS port of the provisioned agent (default 8443)'],
    'serve-port': ['N', 'Inference port of the provisioned agent (default 8080)'],
    'no-mdns': 'The provisioned agent does not advertise itself over mDNS',
    host: ['ID', 'The SSH host to deploy to (deploy)'],
    path: ['REMOTE_PATH', 'Where the model goes on the host; the previous file is kept as REMOTE_PATH.prev (deploy)'],
    restart: ['CMD', 'Command run on the host after the upload, e.g. to restart the service (deploy)'],
  },
  subcommands: [
    { name: 'add', usage: 'ssh add ADDRESS --user U [--port N] [--key PATH | --password-env VAR | --ask-password] [--name NAME] [--json] [--home DIR]', summary: "Add a host to the inventory and pin its host key", options: ['user', 'port', 'key', 'password-env', 'ask-password', 'name', 'json', 'home'] },
    { name: 'list', usage: 'ssh list [--json] [--home DIR]', summary: 'List the SSH hosts with their agent and last deploy', options: ['json', 'home'] },
    { name: 'remove', usage: 'ssh remove ID [--json] [--home DIR]', summary: 'Remove a host from the inventory (nothing changes on the host)', options: ['json', 'home'] },
    { name: 'provision', usage: 'ssh provision ID [--agent-port N] [--serve-port N] [--no-mdns] [--password-env VAR | --ask-password] [--json] [--home DIR]', summary: 'Install the device agent on the host as a service and pair it', options: ['agent-port', 'serve-port', 'no-mdns', 'password-env', 'ask-password', 'json', 'home'] },
    { name: 'deploy', usage: 'ssh deploy MODEL --host ID --path REMOTE_PATH [--restart CMD] [--password-env VAR | --ask-password] [--json] [--home DIR]', summary: 'Agentless deploy: upload the model file, check its sha256 on the host, keep the previous file', options: ['host', 'path', 'restart', 'password-env', 'ask-password', 'json', 'home'] },
    { name: 'rollback', usage: 'ssh rollback ID [--password-env VAR | --ask-password] [--json] [--home DIR]', summary: 'Swap the last deployed file back with its previous one', options: ['password-env', 'ask-password', 'json', 'home'] },
    { name: 'uninstall', usage: 'ssh uninstall ID [--password-env VAR | --ask-password] [--json] [--home DIR]', summary: "Remove the agent from the host (service, files and data); the host stays in the inventory", options: ['password-env', 'ask-password', 'json', 'home'] },
  ],
  async run({ values, positionals }) {
    const [sub, ...rest] = positionals;
    const json = Boolean(values.json);
    const core = openCore(values.home as string | undefined);
    const out = (value: unknown, text: string) => (json ? printJson(value) : process.stdout.write(`${text}\n`));
    try {
      switch (sub) {
        case 'add': {
          const address = one(rest, 'add');
          if (typeof values.user !== 'string') throw new UsageError('ssh add needs --user U');
          if (values.key !== undefined && (values['password-env'] !== undefined || values['ask-password'])) throw new UsageError('give --key or a password, not both');
          const pw = values.key === undefined ? await password(values, `${values.user}@${address}`) : undefined;
          if (values.key === undefined && pw === undefined) throw new UsageError('ssh add needs --key PATH, --password-env VAR or --ask-password');
          const host = unwrap<SshHost>(
            await core.call('ssh.add', { host: address, port: intOption(values.port as string | undefined, 'port', 22, 1), user: values.user, keyPath: values.key, password: pw, name: values.name }),
          );
          out(host, `Added ${host.id} (${host.address}); host key ${host.hostKey?.type} ${host.hostKey?.fingerprint} pinned`);
          return;
        }
        case 'list': {
          const hosts = unwrap<SshHost[]>(await core.call('ssh.list', {}));
          out(hosts, hosts.length ? hosts.map(describeHost).join('\n') : 'No SSH hosts. Add one with `edgefleet ssh add ADDRESS --user U --key PATH`.');
          return;
        }
        case 'remove': {
          const r = unwrap<{ removed: boolean }>(await core.call('ssh.remove', { id: one(rest, 'remove') }));
          out(r, r.removed ? 'Removed from the inventory (nothing was changed on the host)' : 'No such host');
          return;
        }
        case 'provision': {
          const id = one(rest, 'provision');
          const job = await callWithProgress<Job>(
            core,
            'ssh.provision',
            {
              id,
              password: await password(values, id),
              agentPort: intOption(values['agent-port'] as string | undefined, 'agent-port', 8443, 1),
              servePort: intOption(values['serve-port'] as string | undefined, 'serve-port', 8080, 0),
              mdns: !values['no-mdns'],
            },
            json,
          );
          const r = job.result as SshProvisionResult;
          const how = r.mode === 'background' ? 'a supervised background process (no systemd on the host)' : r.mode === 'systemd' ? 'a systemd service' : 'a systemd user service';
          out(r, `Agent on ${id} runs as ${how}; ${r.uploaded} files uploaded, ${r.skipped} already there (${r.check.os}, ${r.check.arch}, node ${r.check.node ?? 'bundled'}, ${formatBytes(r.check.freeBytes)} free); ${r.paired === 'new' ? 'paired as' : 'still paired as'} device ${r.deviceId}`);
          return;
        }
        case 'deploy': {
          const [target] = rest;
          if (!target || rest.length > 1) throw new UsageError('ssh deploy takes one MODEL file or registry id');
          if (typeof values.host !== 'string' || typeof values.path !== 'string') throw new UsageError('ssh deploy needs --host ID and --path REMOTE_PATH');
          const modelId = await resolveModel(core, target, json);
          const job = await callWithProgress<Job>(core, 'ssh.deploy', { modelId, hostId: values.host, path: values.path, restart: values.restart, password: await password(values, values.host) }, json);
          const r = job.result as DeployResult & { restartOutput: string | null };
          out(r, `Deployed to ${values.host}:${values.path} (sha256 checked on the host; the previous file kept as ${values.path}.prev)${values.restart ? '; restart command ran' : ''}`);
          return;
        }
        case 'rollback': {
          const id = one(rest, 'rollback');
          const h = unwrap<SshHost>(await core.call('ssh.rollback', { id, password: await password(values, id) }));
          out(h, `${h.lastDeploy?.path} on ${h.address} swapped back with its previous file`);
          return;
        }
        case 'uninstall': {
          const id = one(rest, 'uninstall');
          const h = unwrap<SshHost>(await core.call('ssh.uninstall', { id, password: await password(values, id) }));
          out(h, `Agent removed from ${h.address} (service, files and data); the host stays in the inventory`);
          return;
        }
        default:
          throw new UsageError(sub ? `unknown ssh command "${sub}"` : 'ssh needs a command: add, list, remove, provision, deploy, rollback, uninstall');
      }
    } finally {
      await core.close();
    }
  },
};
