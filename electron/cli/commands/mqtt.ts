import type { DesiredStateView, DeviceSummary } from '../../core/api/types.js';
import type { CertRotationResult } from '../../core/devices/mqtt/cert-rotation.js';
import { intOption, openCore } from '../context.js';
import { printJson, UsageError } from '../output.js';
import { unwrap } from '../run-job.js';
import { artifactsUrlPath, writeArtifactBaseUrl } from '../../core/devices/mqtt/artifacts-url.js';
import { resolveHome } from '../../core/registry/home.js';
import type { Command } from './command.js';

export const mqttCommand: Command = {
  name: 'mqtt',
  usage: 'mqtt add BROKER DEVICE_ID --code CODE [--json] [--home DIR] | mqtt artifacts-url URL|--clear [--home DIR] | mqtt desired DEVICE [--model ID|--clear] [--healthy-window SEC] [--json] | mqtt rotate-cert DEVICE [--dir BROKERDIR] [--json]',
  summary: 'Devices that connect out to an MQTT broker: pair one by its device id and one-time code; set where they pull artifacts',
  options: { json: { type: 'boolean' }, home: { type: 'string' }, code: { type: 'string' }, clear: { type: 'boolean' }, model: { type: 'string' }, 'healthy-window': { type: 'string' }, dir: { type: 'string' } },
  optionDocs: { code: ['CODE', 'The one-time pairing code the agent shows'], clear: 'artifacts-url: remove the setting (uploads go over the broker in chunks); desired: want no model in particular', model: ['ID', 'desired: the registry model the device should run'], 'healthy-window': ['SEC', 'desired: healthy seconds after which the device confirms the trial itself (default 300)'], dir: ['BROKERDIR', 'rotate-cert: the broker folder whose CRL gets the old certificate (default: the one broker init wrote last)'] },
  subcommands: [
    { name: 'add', usage: 'mqtt add BROKER DEVICE_ID --code CODE [--json] [--home DIR]', summary: 'Pair an agent started with --mqtt BROKER (e.g. mqtt add mqtt://broker:1883 ef-2f6c… --code 4F7K-9Q2M)', options: ['code', 'json', 'home'] },
    { name: 'desired', usage: 'mqtt desired DEVICE [--model ID|--clear] [--healthy-window SEC] [--json] [--home DIR]', summary: "Show or set the model a device behind a broker should run; it converges when it next connects (retained, signed desired state)", options: ['model', 'clear', 'healthy-window', 'json', 'home'] },
    { name: 'rotate-cert', usage: 'mqtt rotate-cert DEVICE [--dir BROKERDIR] [--json] [--home DIR]', summary: "Give a device behind a TLS broker a new key and certificate over its signed requests; once it runs on them, revoke the old certificate (reload the broker after)", options: ['dir', 'json', 'home'] },
    { name: 'artifacts-url', usage: 'mqtt artifacts-url URL|--clear [--home DIR]', summary: 'Where MQTT devices pull artifacts from (they GET URL/sha256/<hex>; e.g. edgefleet serve --artifacts-port, or an artifacts export on any web server); --clear sends them over the broker', options: ['clear', 'home'] },
  ],
  async run({ values, positionals }) {
    const [sub, ...rest] = positionals;
    if (sub === 'artifacts-url') return setArtifactsUrl(rest, values);
    if (sub === 'desired') return desired(rest, values);
    if (sub === 'rotate-cert') return rotateCert(rest, values);
    if (sub !== 'add') throw new UsageError(sub ? `unknown mqtt subcommand "${sub}"` : 'mqtt needs a subcommand: add, desired, rotate-cert or artifacts-url');
    if (rest.length !== 2) throw new UsageError('mqtt add takes BROKER and DEVICE_ID (for example mqtt add mqtt://broker:1883 ef-2f6c…)');
    if (typeof values.code !== 'string') throw new UsageError('mqtt add needs --code CODE (shown by the device agent)');
    const core = openCore(values.home as string | undefined);
    try {
      const device = unwrap<DeviceSummary>(await core.call('mqtt.add', { broker: rest[0], deviceId: rest[1], code: values.code }));
      if (values.json) printJson(device);
      else process.stdout.write(`Paired ${device.name} (${device.id}) through ${rest[0]}\n`);
    } finally {
      await core.close();
    }
  },
};

async function setArtifactsUrl(rest: string[], values: Record<string, unknown>): Promise<void> {
  for (const name of ['code', 'json', 'model', 'healthy-window']) if (values[name] !== undefined) throw new UsageError(`--${name} does not apply to mqtt artifacts-url (it takes URL or --clear, and --home)`);
  const home = resolveHome(values.home as string | undefined);
  if (values.clear) {
    if (rest.length) throw new UsageError('mqtt artifacts-url takes either URL or --clear, not both');
    await writeArtifactBaseUrl(home, null);
    process.stdout.write('MQTT devices now get artifacts over the broker in chunks.\n');
    return;
  }
  if (rest.length !== 1) throw new UsageError('mqtt artifacts-url takes one URL (for example https://console.site:8090), or --clear');
  const url = await writeArtifactBaseUrl(home, rest[0]);
  process.stdout.write(`MQTT devices now pull artifacts from ${url}/sha256/<hex> (set in ${artifactsUrlPath(home)}); agents without an HTTP path get chunks over the broker.\n`);
}

async function desired(rest: string[], values: Record<string, unknown>): Promise<void> {
  if (rest.length !== 1) throw new UsageError('mqtt desired takes one DEVICE id, e.g. mqtt desired ef-2f6c… --model m_…');
  if (values.model !== undefined && values.clear) throw new UsageError('mqtt desired takes --model ID or --clear, not both');
  const window = values['healthy-window'] === undefined ? undefined : intOption(values['healthy-window'] as string, 'healthy-window', 300, 1);
  const core = openCore(values.home as string | undefined);
  try {
    const id = rest[0];
    const setting = values.model !== undefined || values.clear;
    const view = unwrap<DesiredStateView>(
      await core.call(setting ? 'mqtt.setDesired' : 'mqtt.desired', setting ? { id, modelId: values.clear ? null : (values.model as string), ...(window ? { healthyWindowSec: window } : {}) } : { id }),
    );
    if (values.json) return printJson(view);
    process.stdout.write(`${describeDesired(view)}\n`);
    if (setting && !view.published) process.stdout.write('The broker did not acknowledge it yet: it is saved, and a running console publishes it when the broker is back.\n');
  } finally {
    await core.close();
  }
}

function describeDesired(v: DesiredStateView): string {
  if (v.version === 0) return `${v.deviceId}: no desired state set.`;
  const want = v.model ? `${v.model.name} v${v.model.version}${v.url ? ` from ${v.url}` : ' (no artifacts URL: the console uploads it)'}` : 'no model in particular';
  const seen = v.reported ? `device reports v${v.reported.version}: ${v.reported.outcome}${v.reported.detail ? ` (${v.reported.detail})` : ''}` : 'the device has not reported on it yet';
  return `${v.deviceId}: desired v${v.version}: ${want}; set by ${v.source}${v.published ? '' : ', not yet on the broker'}.\n${v.converged ? 'In step: ' : 'Not yet in step: '}${seen}.`;
}


async function rotateCert(rest: string[], values: Record<string, unknown>): Promise<void> {
  for (const name of ['code', 'clear', 'model', 'healthy-window']) if (values[name] !== undefined) throw new UsageError(`--${name} does not apply to mqtt rotate-cert (it takes DEVICE, --dir, --json and --home)`);
  if (rest.length !== 1) throw new UsageError('mqtt rotate-cert takes one DEVICE id, e.g. mqtt rotate-cert ef-2f6c…');
  if (values.dir !== undefined && String(values.dir).trim() === '') throw new UsageError('--dir needs the broker folder');
  const core = openCore(values.home as string | undefined);
  try {
    const r = unwrap<CertRotationResult>(await core.call('mqtt.rotateCert', { id: rest[0], ...(values.dir ? { brokerDir: String(values.dir) } : {}) }));
    if (values.json) return printJson(r);
    const old = r.revoked.length ? `revoked the old one (serial ${r.revoked[0]})` : r.previousSerial ? `the old one (serial ${r.previousSerial}) was not this CA's to revoke, or was revoked before` : 'the device did not say which certificate it used before';
    process.stdout.write(`${r.deviceId} now connects with a new certificate (serial ${r.serial}, valid until ${r.notAfter}); ${old}; wrote ${r.crlFiles.join(' and ')}.\n${r.reload}\n`);
  } finally {
    await core.close();
  }
}
