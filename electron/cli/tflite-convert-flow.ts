// `convert MODEL.tflite --to onnx`: import the file (the import converts and proves the conversion),
// then write the ONNX child out and say how well it agrees with TFLite.
import { resolve } from 'node:path';
import type { Job } from '../core/api/types.js';
import type { Core } from '../core/core.js';
import { artifactPath } from '../core/registry/artifact-store.js';
import type { ConversionAgreement, TfliteConversionRecipe } from '../core/api/tflite-conversion.js';
import { copyFileAtomic } from '../core/util/atomic-write.js';
import { printJson } from './output.js';
import { callWithProgress } from './run-job.js';

export function agreementLine(a: ConversionAgreement): string {
  const head = a.status === 'agreed' ? 'agrees with TFLite' : a.status === 'differs' ? 'DIFFERS from TFLite' : 'not compared with TFLite';
  return `${head}: ${a.summary}${a.reference ? ` (reference: ${a.reference}, seed ${a.seed})` : ''}`;
}

export async function convertTfliteToFile(
  core: Core,
  opts: { model: string; output: string; nchwIo: boolean; signature?: string; strict: boolean; json: boolean },
): Promise<void> {
  const job = await callWithProgress<Job>(
    core,
    'models.import',
    { path: opts.model, tflite: { nchwIo: opts.nchwIo, signature: opts.signature, strict: opts.strict } },
    opts.json,
  );
  const { modelId, sourceModelId } = job.result as { modelId: string; sourceModelId: string };
  const model = core.registry.getModel(modelId)!;
  const recipe = model.recipe as TfliteConversionRecipe;
  await copyFileAtomic(artifactPath(core.home, model.sha256), resolve(opts.output));
  if (opts.json) {
    printJson({ output: resolve(opts.output), model, sourceModelId, recipe });
    return;
  }
  process.stdout.write(`Wrote ${opts.output}: ${model.name} v${model.version} (${model.id}), converted from ${sourceModelId}\n`);
  process.stdout.write(`  ONNX opset ${recipe.opset}, ${recipe.nchwIo ? 'NCHW' : 'NHWC'} inputs and outputs${recipe.quantized ? ', quantized (QDQ)' : ''}${recipe.signature ? `, signature "${recipe.signature}"` : ''}\n`);
  process.stdout.write(`  outputs     ${agreementLine(recipe.agreement)}\n`);
  for (const note of recipe.notes) process.stdout.write(`  note        ${note}\n`);
  if (recipe.agreement.status !== 'agreed') {
    process.stderr.write(`edgefleet: warning: the conversion is ${recipe.agreement.status === 'differs' ? 'outside the tolerances' : 'unverified'}; --strict refuses such a conversion\n`);
  }
}
