import path from 'node:path';
import { resolveHome } from '../../core/registry/home.js';
import { lifetimeDays } from '../../core/mqtt-broker/broker-ca.js';
import { defaultHosts, initBroker, issueDeviceFiles, revokeDevice } from '../../core/mqtt-broker/broker-site.js';
import { createEnrolToken, parseTtl } from '../../core/mqtt-broker/enrol-tokens.js';
import { checkTokenTarget, writeTokenFile } from '../../core/mqtt-broker/token-file.js';
import { serveEnrolment } from '../../core/devices/mqtt/enrol-serve.js';
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
    usage: 'broker init --dir DIR [--host NAME_OR_IP ...] [--port 8883] [--console-port 8884] [--enrol-port 8885] [--bind ADDR] [--force] [--json] [--home DIR]',
    summary: "Write a ready Mosquitto 2.0 site broker folder (config with a device, a console and an enrolment listener, ACLs, CA and server certificates, CRL) and this console's broker certificate",
    options: ['dir', 'host', 'port', 'console-port', 'enrol-port', 'bind', 'force', 'json', 'home'],
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
  {
    name: 'enrol-token',
    usage: 'broker enrol-token [--dir BROKERDIR] [--ttl 24h] [--name LABEL] [--out FILE] [--json] [--home DIR]',
    summary: 'Make a one-time enrolment token: a device started with --enrol TOKEN gets its certificate and joins this console (the broker reads the new login on SIGHUP)',
    options: ['dir', 'ttl', 'name', 'out', 'json', 'home'],
  },
  {
    name: 'enrol-serve',
    usage: 'broker enrol-serve [--home DIR]',
    summary: 'Answer enrolment requests until stopped (Ctrl-C), for a site with no console app running; the app does it by itself',
    options: ['home'],
  },
];

function onlyOptions(sub: string, values: Record<string, unknown>): void {
  const allowed = subcommands.find((s) => s.name === sub)!.options;
  for (const [name, v] of Object.entries(values)) if (v !== undefined && !allowed.includes(name)) throw new UsageError(`--${name} does not apply to broker ${sub}`);
}

export const brokerCommand: Command = {
  name: 'broker',
  usage:
    'broker init --dir DIR [--host NAME_OR_IP ...] [--port N] [--console-port N] [--enrol-port N] [--bind ADDR] [--force] | broker issue-device DEVICE_ID -o DIR [--csr FILE] | broker revoke DEVICE_ID | broker enrol-token [--ttl 24h] [--name LABEL] [--out FILE] | broker enrol-serve [--json] [--home DIR]',
  summary: "A site MQTT broker (Mosquitto) secured by the console's own CA: write its configuration, issue and revoke device certificates, enrol devices with one-time tokens",
  options: {
    dir: { type: 'string' },
    host: { type: 'string', multiple: true },
    port: { type: 'string' },
    'console-port': { type: 'string' },
    'enrol-port': { type: 'string' },
    bind: { type: 'string' },
    ttl: { type: 'string' },
    name: { type: 'string' },
    out: { type: 'string' },
    force: { type: 'boolean' },
    output: { type: 'string', short: 'o' },
    csr: { type: 'string' },
    json: { type: 'boolean' },
    home: { type: 'string' },
  },
  optionDocs: {
    dir: ['DIR', 'init: the broker folder to write (new or empty); enrol-token: the broker folder (default: the one init wrote last)'],
    host: ['NAME_OR_IP', 'init: a DNS name or IP address devices use to reach the broker (default: this host name, localhost, 127.0.0.1, ::1)'],
    port: ['N', 'init: the MQTT-over-TLS port devices connect to (default 8883)'],
    'console-port': ['N', 'init: the MQTT-over-TLS port consoles connect to (default: --port + 1)'],
    'enrol-port': ['N', 'init: the MQTT-over-TLS port devices enrol on with a one-time token (default: --port + 2)'],
    ttl: ['DURATION', 'enrol-token: how long the token stays valid, e.g. 90s, 30m, 24h, 7d (default 24h, at most 30d)'],
    name: ['LABEL', 'enrol-token: a label for the token (shown nowhere on the device)'],
    out: ['FILE', "enrol-token: write the token to FILE (0600) instead of printing it, for provisioning to copy to the device's <data dir>/enrol-token"],
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
        enrolPort: portOf(values['enrol-port'], 'enrol-port'),
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
        `Or enrol devices on ${r.enrolUrl} without copying files:   edgefleet broker enrol-token, then start the agent with --enrol TOKEN`,
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
    if (sub === 'enrol-token') {
      onlyOptions(sub, values);
      if (rest.length) throw new UsageError('broker enrol-token takes no arguments');
      if (values.out !== undefined && String(values.out).trim() === '') throw new UsageError('--out needs a FILE');
      const home = resolveHome(values.home as string | undefined);
      const ttlMs = parseTtl((values.ttl as string | undefined) ?? '24h');
      if (values.out) checkTokenTarget(String(values.out));
      const t = await createEnrolToken(home, { brokerDir: values.dir as string | undefined, ttlMs, name: values.name as string | undefined });
      if (values.out) await writeTokenFile(String(values.out), t.token);
      const reload = `The broker reads the new login from ${t.passwdFile} when it starts and on SIGHUP: reload it now (kill -HUP PID, or systemctl reload mosquitto), as after \`broker revoke\`.`;
      if (values.json) return printJson({ ...t, token: values.out ? undefined : t.token, out: values.out ?? null, reload });
      const notes = [
        `Token ${t.id}${t.name ? ` (${t.name})` : ''}: works once, until ${t.expiresAt}, on ${t.enrolUrl}; the device then connects to ${t.deviceUrl}.`,
        reload,
        'A console must be running to answer it (the app, or `edgefleet broker enrol-serve`). Start the device with: edgefleet-agent --data-dir DIR --enrol TOKEN (or --enrol @FILE, or the file as DIR/enrol-token).',
      ];
      if (values.out) {
        process.stdout.write(`Wrote a one-time enrolment token to ${String(values.out)}.\n${notes.join('\n')}\n`);
      } else {
        // The token alone on stdout, so that TOKEN=$(edgefleet broker enrol-token) works; the notes on stderr.
        process.stdout.write(`${t.token}\n`);
        process.stderr.write(`${notes.join('\n')}\n`);
      }
      return;
    }
    if (sub === 'enrol-serve') {
      onlyOptions(sub, values);
      if (rest.length) throw new UsageError('broker enrol-serve takes no arguments');
      await serveEnrolment(resolveHome(values.home as string | undefined));
      return;
    }
    throw new UsageError(sub ? `unknown broker subcommand "${sub}"` : 'broker needs a subcommand: init, issue-device, revoke, enrol-token or enrol-serve');
  },
};
