import path from 'node:path';
import { resolveHome } from '../../core/registry/home.js';
import { lifetimeDays } from '../../core/mqtt-broker/broker-ca.js';
import { defaultHosts, initBroker, issueDeviceFiles, revokeDevice } from '../../core/mqtt-broker/broker-site.js';
import { printJson, UsageError } from '../output.js';
import type { Command, Subcommand } from './command.js';

function portOf(value: unknown, option = 'port'): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(String(value)) || n < 1 || n > 65_535) throw new UsageError(`--${option} must be a whole number from 1 to 65535; got "${String(value)}"`);
  return n;
}

const subcommands: readonly Subcommand[] = [
  {
    name: 'init',
    usage: 'broker init --dir DIR [--host NAME_OR_IP ...] [--port 8883] [--console-port 8884] [--bind ADDR] [--force] [--json] [--home DIR]',
    summary: "Write a ready Mosquitto 2.0 site broker folder (config with a device and a console listener, ACL, CA and server certificates, CRL) and this console's broker certificate",
    options: ['dir', 'host', 'port', 'console-port', 'bind', 'force', 'json', 'home'],
  },
  {
    name: 'issue-device',
    usage: 'broker issue-device DEVICE_ID -o DIR [--csr FILE] [--force] [--json] [--home DIR]',
    summary: `Issue a device client certificate (CN = device id, ${lifetimeDays.device} days) with a new key, or for the device's own CSR`,
    options: ['output', 'csr', 'force', 'json', 'home'],
  },
  {
    name: 'revoke',
    usage: 'broker revoke DEVICE_ID [--json] [--home DIR]',
    summary: "Revoke a device's certificates and rewrite the CRL in the broker folder (the broker reads it on SIGHUP or restart)",
    options: ['json', 'home'],
  },
];

function onlyOptions(sub: string, values: Record<string, unknown>): void {
  const allowed = subcommands.find((s) => s.name === sub)!.options;
  for (const [name, v] of Object.entries(values)) if (v !== undefined && !allowed.includes(name)) throw new UsageError(`--${name} does not apply to broker ${sub}`);
}

export const brokerCommand: Command = {
  name: 'broker',
  usage: 'broker init --dir DIR [--host NAME_OR_IP ...] [--port N] [--console-port N] [--bind ADDR] [--force] | broker issue-device DEVICE_ID -o DIR [--csr FILE] | broker revoke DEVICE_ID [--json] [--home DIR]',
  summary: "A site MQTT broker (Mosquitto) secured by the console's own CA: write its configuration, issue and revoke device certificates",
  options: {
    dir: { type: 'string' },
    host: { type: 'string', multiple: true },
    port: { type: 'string' },
    'console-port': { type: 'string' },
    bind: { type: 'string' },
    force: { type: 'boolean' },
    output: { type: 'string', short: 'o' },
    csr: { type: 'string' },
    json: { type: 'boolean' },
    home: { type: 'string' },
  },
  optionDocs: {
    dir: ['DIR', 'init: the broker folder to write (new or empty)'],
    host: ['NAME_OR_IP', 'init: a DNS name or IP address devices use to reach the broker (default: this host name, localhost, 127.0.0.1, ::1)'],
    port: ['N', 'init: the MQTT-over-TLS port devices connect to (default 8883)'],
    'console-port': ['N', 'init: the MQTT-over-TLS port consoles connect to (default: --port + 1)'],
    bind: ['ADDR', 'init: listen on this address only (default: all interfaces)'],
    force: 'init: replace a non-empty broker folder; issue-device: replace existing files',
    output: ['DIR', 'issue-device: folder for DEVICE_ID.crt, DEVICE_ID.key and ca.crt'],
    csr: ['FILE', "issue-device: sign this PEM certificate request (EC P-256); the device keeps its key"],
  },
  subcommands,
  async run({ values, positionals }) {
    const [sub, ...rest] = positionals;
    if (sub === 'init') {
      onlyOptions(sub, values);
      if (rest.length) throw new UsageError('broker init takes no arguments; name the folder with --dir DIR');
      if (typeof values.dir !== 'string' || values.dir.trim() === '') throw new UsageError('broker init needs --dir DIR (a new or empty folder)');
      const hosts = (values.host as string[] | undefined) ?? defaultHosts();
      const r = await initBroker({
        home: resolveHome(values.home as string | undefined),
        dir: values.dir,
        hosts,
        port: portOf(values.port) ?? 8883,
        consolePort: portOf(values['console-port'], 'console-port'),
        bind: values.bind as string | undefined,
        force: values.force === true,
      });
      if (values.json) return printJson(r);
      const lines = [`Wrote the site broker to ${r.dir} (certificate for ${r.hosts.join(', ')}; console identity ${r.consoleId}).`];
      lines.push(`This console's broker certificate, key and CA are in ${path.dirname(r.consoleFiles.key)}.`);
      if (r.brokerUser) lines.push(`The server key is readable by group ${r.brokerUser} and ${r.dir}/data belongs to it: Mosquitto started as root drops to that user before it reads its files.`);
      lines.push(
        `Start it:   mosquitto -c ${r.conf}`,
        `Devices connect to ${r.deviceUrl}:   edgefleet broker issue-device DEVICE_ID -o DIR, then start the agent with --mqtt ${r.deviceUrl} --mqtt-ca DIR/ca.crt --mqtt-cert DIR/DEVICE_ID.crt --mqtt-key DIR/DEVICE_ID.key`,
        `This console connects to ${r.consoleUrl}:   edgefleet mqtt add ${r.consoleUrl} DEVICE_ID --code CODE`,
      );
      process.stdout.write(`${lines.join('\n')}\n`);
      return;
    }
    if (sub === 'issue-device') {
      onlyOptions(sub, values);
      if (rest.length !== 1) throw new UsageError('broker issue-device takes one DEVICE_ID (ef-…, as the agent shows it)');
      if (typeof values.output !== 'string' || values.output.trim() === '') throw new UsageError('broker issue-device needs -o DIR (where the certificate goes)');
      const r = await issueDeviceFiles(resolveHome(values.home as string | undefined), rest[0], values.output, { csrFile: values.csr as string | undefined, force: values.force === true });
      if (values.json) return printJson(r);
      process.stdout.write(`Issued ${r.deviceId} (serial ${r.serial}, valid until ${r.notAfter}): ${[r.cert, r.key, r.ca].filter(Boolean).join(', ')}\n`);
      return;
    }
    if (sub === 'revoke') {
      onlyOptions(sub, values);
      if (rest.length !== 1) throw new UsageError('broker revoke takes one DEVICE_ID');
      const r = await revokeDevice(resolveHome(values.home as string | undefined), rest[0]);
      if (values.json) return printJson(r);
      const what = r.revoked.length ? `Revoked ${r.revoked.length} certificate(s) of ${r.deviceId}` : `${r.deviceId} was revoked already`;
      process.stdout.write(
        `${what}; wrote ${r.crlFiles.join(' and ')}.\n` +
          'Mosquitto reads the CRL when it starts and on SIGHUP (kill -HUP PID, or systemctl reload mosquitto); a device connected at that moment stays connected until it disconnects or the broker restarts. ' +
          "To cut it off at once, connect on the console listener with this console's certificate (in the home's mqtt folder) and the device id as client id: the broker drops the device, and its reconnect is refused.\n",
      );
      return;
    }
    throw new UsageError(sub ? `unknown broker subcommand "${sub}"` : 'broker needs a subcommand: init, issue-device or revoke');
  },
};
