import { existsSync } from 'node:fs';
import { AppError } from '../../core/api/errors.js';
import type { Job, ProfileResult } from '../../core/api/types.js';
import { formatProfile } from '../../core/profiling/format-profile.js';
import { intOption, openCore } from '../context.js';
import { printJson, UsageError } from '../output.js';
import { callWithProgress, unwrap } from '../run-job.js';
import type { Command } from './command.js';
import { resolveModel } from './deploy.js';

export const profileCommand: Command = {
  name: 'profile',
  usage: 'profile MODEL|ID [--device ID] [--runs N] [--warmup N] [--input NPY] [--threads N] [--json] [--home DIR]',
  summary: 'Profile a model layer by layer in onnxruntime (here, or on a paired device with --device); stored for comparison',
  options: {
    runs: { type: 'string' },
    warmup: { type: 'string' },
    threads: { type: 'string' },
    input: { type: 'string' },
    json: { type: 'boolean' },
    home: { type: 'string' },
    device: { type: 'string' },
  },
  optionDocs: {
    runs: ['N', 'Timed runs (default 100)'],
    warmup: ['N', 'Untimed runs before timing (default 10)'],
    threads: ['N', 'onnxruntime intra-op threads (default 0: onnxruntime decides)'],
    input: ['NPY', 'Input tensor as a .npy file (default: random data of the input shape)'],
    device: ['ID', 'Profile on this paired device instead of this machine'],
  },
  async run({ values, positionals }) {
    const [target] = positionals;
    if (!target || positionals.length > 1) throw new UsageError('profile takes one MODEL file or registry id');
    const runs = intOption(values.runs as string | undefined, 'runs', 100, 1);
    const warmup = intOption(values.warmup as string | undefined, 'warmup', 10, 0);
    const threads = intOption(values.threads as string | undefined, 'threads', 0, 0);
    const core = openCore(values.home as string | undefined);
    try {
      if (typeof values.device === 'string') {
        const modelId = await resolveModel(core, target, Boolean(values.json));
        const job = await callWithProgress<Job>(core, 'devices.profile', { id: values.device, modelId, runs }, Boolean(values.json));
        const { profileId } = job.result as { profileId: string };
        const profile = unwrap<ProfileResult>(await core.call('profiling.get', { id: profileId }));
        if (values.json) printJson(profile);
        else process.stdout.write(formatProfile(profile).join('\n') + '\n');
        return;
      }
      let byFile = existsSync(target);
      let modelTarget = target;
      if (byFile && /\.(tflite|lite)$/i.test(target)) {
        // A TFLite file is profiled through its ONNX conversion, kept in the registry beside it.
        const imported = await callWithProgress<Job>(core, 'models.import', { path: target }, Boolean(values.json));
        modelTarget = (imported.result as { modelId: string }).modelId;
        byFile = false;
      }
      if (!byFile && !core.registry.getModel(modelTarget)) {
        throw new AppError(
          'MODEL_NOT_FOUND',
          'Model not found',
          `"${target}" is neither a model file nor a registry id. Check the path, or list ids with \`edgefleet models list\`.`,
        );
      }
      const job = await callWithProgress<Job>(
        core,
        'profiling.run',
        { ...(byFile ? { path: target } : { modelId: modelTarget }), runs, warmup, threads, inputNpy: values.input },
        Boolean(values.json),
      );
      const { profileId } = job.result as { profileId: string };
      const profile = unwrap<ProfileResult>(await core.call('profiling.get', { id: profileId }));
      if (values.json) printJson(profile);
      else process.stdout.write(formatProfile(profile).join('\n') + '\n');
    } finally {
      await core.close();
    }
  },
};
