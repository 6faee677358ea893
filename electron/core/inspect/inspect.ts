// `inspect`: what a model file holds, what it costs to run, and whether ORT loads it.
import type { InspectReport, JobProgress } from '../api/types.js';
import { throwIfCancelled } from '../jobs/task-types.js';
import { openModelFile } from '../onnx/format-registry.js';
import { analyseOnnx } from './analyse-onnx.js';
import { analyseTflite } from './analyse-tflite.js';
import { checkLoadable, LOAD_NOT_CHECKED } from './load-check.js';

export { LOAD_NOT_CHECKED };

export interface InspectOptions {
  progress?: (p: JobProgress) => void;
  signal?: AbortSignal;
  /** Create an ONNX Runtime session to see whether the model loads (default true). */
  loadCheck?: boolean;
}

// Its own function so that the file's bytes and the decoded model are unreachable (and can
// be collected) by the time ORT loads its own copy of the model.
async function readAndAnalyse(path: string, progress: (p: JobProgress) => void, signal: AbortSignal) {
  throwIfCancelled(signal);
  const opened = await openModelFile(path, { progress, signal });
  throwIfCancelled(signal);
  progress({ phase: 'analysing', fraction: null });
  if (opened.format === 'onnx') return { analysis: analyseOnnx(opened), loadFrom: path as string | Uint8Array };
  const { converted, ...analysis } = analyseTflite(opened);
  if (!converted) return { analysis, loadFrom: null };
  const { encodeModel } = await import('../onnx/codec.js');
  return { analysis, loadFrom: encodeModel(converted) };
}

/**
 * Reads, decodes and analyses a model (phases reading, decoding, analysing, load-check).
 * Throws AppError MODEL_FORMAT / MODEL_INVALID for files that are not usable models, and a
 * CancelledError when `signal` aborts between phases. nodeCount and opCounts include subgraph nodes.
 */
export async function inspectFile(path: string, opts: InspectOptions = {}): Promise<InspectReport> {
  const progress = opts.progress ?? (() => {});
  const signal = opts.signal ?? new AbortController().signal;
  const { analysis, loadFrom } = await readAndAnalyse(path, progress, signal);
  throwIfCancelled(signal);
  if (opts.loadCheck === false) return { ...analysis, loadable: { ok: false, error: LOAD_NOT_CHECKED } };
  if (loadFrom === null) return { ...analysis, loadable: { ok: false, error: 'Not converted to ONNX: see the unsupported operators.' } };
  progress({ phase: 'load-check', fraction: null, message: 'Loading in ONNX Runtime' });
  const loadable = await checkLoadable(loadFrom);
  throwIfCancelled(signal);
  return { ...analysis, loadable };
}
