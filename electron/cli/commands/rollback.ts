import type { DeviceSummary } from '../../core/api/types.js';
import { openCore } from '../context.js';
import { printJson, UsageError } from '../output.js';
import { unwrap } from '../run-job.js';
import type { Command } from './command.js';

export const rollbackCommand: Command = {
  name: 'rollback',
  usage: 'rollback --device ID [--json] [--home DIR]',
  summary: "Switch a device back to its previous model (or end its trial)",
  options: { device: { type: 'string' }, json: { type: 'boolean' }, home: { type: 'string' } },
  optionDocs: { device: ['ID', 'The device to switch back'] },
  async run({ values, positionals }) {
    if (positionals.length) throw new UsageError('rollback takes no arguments');
    if (typeof values.device !== 'string') throw new UsageError('rollback needs --device ID');
    const core = openCore(values.home as string | undefined);
    try {
      const device = unwrap<DeviceSummary>(await core.call('devices.rollback', { id: values.device }));
      if (values.json) printJson(device);
      else {
        const m = device.activeModel;
        process.stdout.write(`${device.name} now runs ${m ? `${m.name} ${m.version}` : 'no model'}\n`);
      }
    } finally {
      await core.close();
    }
  },
};
