// The import of a .tflite file also stores its proved ONNX conversion, which every ONNX step then uses.
import { writeFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import type { InspectReport } from '../api/types.js';
import { inspectFile } from '../inspect/inspect.js';
import type { TaskContext } from '../jobs/task-types.js';
import { storeArtifact, type StoredArtifact } from '../registry/artifact-store.js';
import type { TfliteConversionRecipe } from '../api/tflite-conversion.js';
import { convertTfliteFile } from './convert-file.js';

export async function convertForImport(
  path: string,
  opts: { nchwIo?: boolean; signature?: string; strict?: boolean },
  ctx: TaskContext,
): Promise<{ artifact: StoredArtifact; inspect: InspectReport; recipe: TfliteConversionRecipe }> {
  const { bytes, recipe } = await convertTfliteFile(path, { ...opts, progress: ctx.progress, signal: ctx.signal });
  const out = join(ctx.tmpDir, `${basename(path, extname(path))}.onnx`);
  await writeFile(out, bytes);
  const inspect = await inspectFile(out, { signal: ctx.signal });
  const artifact = await storeArtifact(ctx.home, out, { signal: ctx.signal });
  return { artifact, inspect, recipe };
}
