import type { Job, OptimizeTargets, TimeOnDevicesResult } from '../../core/api/types.js';
import { formatTargets } from '../../core/quantize/format-targets.js';
import { intOption, openCore } from '../context.js';
import { printJson, UsageError } from '../output.js';
import { callWithProgress, unwrap } from '../run-job.js';
import type { Command } from './command.js';
import { resolveModel } from './deploy.js';
import { AppError } from '../../core/api/errors.js';

export const targetsCommand: Command = {
  name: 'targets',
  usage: 'targets MODEL|ID [--device ID …] [--energy S] [--variant ID] [--json] [--home DIR]',
  summary: 'A model and its variants side by side on this workstation and on paired devices (p50, ratio to float, energy), and where INT8 pays off layer by layer; --device times them there first',
  options: {
    device: { type: 'string', multiple: true },
    energy: { type: 'string' },
    variant: { type: 'string' },
    json: { type: 'boolean' },
    home: { type: 'string' },
  },
  optionDocs: {
    device: ['ID', 'Time the model and every variant on this paired device first (staged, never activated; up to 8 devices)'],
    energy: ['S', 'With --device: also energy per inference, S seconds of load per model and device (2 to 600; boards with an energy counter)'],
    variant: ['ID', 'The INT8 variant of the layer-by-layer view (default: the first timed one)'],
  },
  async run({ values, positionals }) {
    const [target] = positionals;
    if (!target || positionals.length > 1) throw new UsageError('targets takes one MODEL file or registry id');
    const deviceIds = (values.device as string[] | undefined) ?? [];
    if (values.energy !== undefined && deviceIds.length === 0) throw new UsageError('--energy needs --device: energy is measured while timing on devices');
    const energySec = values.energy === undefined ? undefined : intOption(values.energy as string, 'energy', 60, 2);
    const json = Boolean(values.json);
    const core = openCore(values.home as string | undefined);
    try {
      const modelId = await resolveModel(core, target, json);
      let failures: TimeOnDevicesResult['failures'] = [];
      if (deviceIds.length) {
        const job = await callWithProgress<Job>(core, 'optimize.timeOnDevices', { modelId, deviceIds, ...(energySec ? { energySec } : {}) }, json);
        failures = (job.result as TimeOnDevicesResult).failures;
      }
      const targets = unwrap<OptimizeTargets>(await core.call('optimize.targets', { modelId, ...(typeof values.variant === 'string' ? { variantId: values.variant } : {}) }));
      if (json) printJson({ ...targets, failures });
      else {
        process.stdout.write(`${formatTargets(targets).join('\n')}\n`);
        for (const f of failures) process.stderr.write(`edgefleet: not timed on ${f.deviceName}: ${f.title}: ${f.detail}\n`);
      }
      if (failures.length) throw new AppError('TIMING_FAILED', 'Some timings failed', `${failures.length} model×device timing${failures.length === 1 ? '' : 's'} failed (listed above); the others are stored.`);
    } finally {
      await core.close();
    }
  },
};
