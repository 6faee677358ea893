import type { DeviceSummary } from '../../core/api/types.js';
import { openCore } from '../context.js';
import { printJson, UsageError } from '../output.js';
import { unwrap } from '../run-job.js';
import type { Command } from './command.js';

export const mqttCommand: Command = {
  name: 'mqtt',
  usage: 'mqtt add BROKER DEVICE_ID --code CODE [--json] [--home DIR]',
  summary: 'Devices that connect out to an MQTT broker: pair one by its device id and one-time code',
  options: { json: { type: 'boolean' }, home: { type: 'string' }, code: { type: 'string' } },
  optionDocs: { code: ['CODE', 'The one-time pairing code the agent shows'] },
  subcommands: [{ name: 'add', usage: 'mqtt add BROKER DEVICE_ID --code CODE [--json] [--home DIR]', summary: 'Pair an agent started with --mqtt BROKER (e.g. mqtt add mqtt://broker:1883 ef-2f6c… --code 4F7K-9Q2M)', options: ['code', 'json', 'home'] }],
  async run({ values, positionals }) {
    const [sub, ...rest] = positionals;
    if (sub !== 'add') throw new UsageError(sub ? `unknown mqtt subcommand "${sub}"` : 'mqtt needs a subcommand: add');
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
