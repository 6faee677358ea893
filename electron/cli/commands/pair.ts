import type { DeviceSummary } from '../../core/api/types.js';
import { openCore } from '../context.js';
import { printJson, UsageError } from '../output.js';
import { unwrap } from '../run-job.js';
import type { Command } from './command.js';

export const pairCommand: Command = {
  name: 'pair',
  usage: 'pair HOST:PORT --code CODE [--json] [--home DIR]',
  summary: 'Pair with a device agent using the one-time code it shows; pins its certificate',
  options: { code: { type: 'string' }, json: { type: 'boolean' }, home: { type: 'string' } },
  async run({ values, positionals }) {
    const [address] = positionals;
    if (!address || positionals.length > 1) throw new UsageError('pair takes one HOST:PORT');
    if (typeof values.code !== 'string') throw new UsageError('pair needs --code CODE (shown by the device agent)');
    const core = openCore(values.home as string | undefined);
    try {
      const device = unwrap<DeviceSummary>(await core.call('devices.pair', { address, code: values.code }));
      if (values.json) printJson(device);
      else process.stdout.write(`Paired ${device.name} (${device.id}) at ${device.address}; certificate SHA-256 ${device.fingerprint}\n`);
    } finally {
      await core.close();
    }
  },
};
